using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HourlyCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PostHourlyCounts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Hour = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    MediaType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    FailureReason = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PostHourlyCounts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PostHourlyCounts_Hour",
                table: "PostHourlyCounts",
                column: "Hour");

            // The counts are written by the database (PostHourlyCount): +1 where a post starts counting, -1 where it stops. A post
            // counts as published in the hour of its PublishedAt, as failed in the hour it last changed while it is Failed. EF stores a
            // DateTime as 'yyyy-MM-dd HH:mm:ss.FFFFFFF': its first 13 characters are the hour. An update that leaves a post's key as
            // it was (a published post's permalink, a lease) writes nothing.
            const string insert = """INSERT INTO "PostHourlyCounts" ("Hour", "Outcome", "MediaType", "FailureReason", "Count")""";
            static string Published(string row, int delta, string when) =>
                $"""{insert} SELECT substr({row}."PublishedAt", 1, 13) || ':00:00', 'Published', {row}."MediaType", '', {delta} WHERE {row}."PublishedAt" IS NOT NULL{when};""";
            static string Failed(string row, int delta, string when) =>
                $"""{insert} SELECT substr({row}."UpdatedAt", 1, 13) || ':00:00', 'Failed', {row}."MediaType", coalesce({row}."FailureReason", ''), {delta} WHERE {row}."Status" = 'Failed'{when};""";
            const string samePublished = """
                 AND NOT ((OLD."PublishedAt" IS NULL) = (NEW."PublishedAt" IS NULL) AND substr(OLD."PublishedAt", 1, 13) IS substr(NEW."PublishedAt", 1, 13)
                          AND OLD."MediaType" = NEW."MediaType")
                """;
            const string sameFailed = """
                 AND NOT ((OLD."Status" = 'Failed') = (NEW."Status" = 'Failed') AND (OLD."Status" <> 'Failed' OR (substr(OLD."UpdatedAt", 1, 13) = substr(NEW."UpdatedAt", 1, 13)
                          AND OLD."MediaType" = NEW."MediaType" AND OLD."FailureReason" IS NEW."FailureReason")))
                """;
            migrationBuilder.Sql($"""
                CREATE TRIGGER "Posts_HourlyCounts_Insert" AFTER INSERT ON "Posts"
                BEGIN {Published("NEW", 1, "")} {Failed("NEW", 1, "")} END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER "Posts_HourlyCounts_Update" AFTER UPDATE OF "PublishedAt", "Status", "UpdatedAt", "MediaType", "FailureReason" ON "Posts"
                BEGIN
                {Published("OLD", -1, samePublished)} {Failed("OLD", -1, sameFailed)}
                {Published("NEW", 1, samePublished)} {Failed("NEW", 1, sameFailed)}
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER "Posts_HourlyCounts_Delete" AFTER DELETE ON "Posts"
                BEGIN {Published("OLD", -1, "")} {Failed("OLD", -1, "")} END;
                """);
            // The posts already there.
            migrationBuilder.Sql($"""
                {insert} SELECT substr("PublishedAt", 1, 13) || ':00:00', 'Published', "MediaType", '', COUNT(*) FROM "Posts" WHERE "PublishedAt" IS NOT NULL
                GROUP BY substr("PublishedAt", 1, 13), "MediaType";
                {insert} SELECT substr("UpdatedAt", 1, 13) || ':00:00', 'Failed', "MediaType", coalesce("FailureReason", ''), COUNT(*) FROM "Posts" WHERE "Status" = 'Failed'
                GROUP BY substr("UpdatedAt", 1, 13), "MediaType", coalesce("FailureReason", '');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "Posts_HourlyCounts_Insert"; DROP TRIGGER "Posts_HourlyCounts_Update"; DROP TRIGGER "Posts_HourlyCounts_Delete";""");
            migrationBuilder.DropTable(
                name: "PostHourlyCounts");
        }
    }
}
