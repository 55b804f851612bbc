using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PostingConsole.Data.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Hour = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    MediaType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    FailureReason = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PostHourlyCounts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PostHourlyCounts_Hour",
                table: "PostHourlyCounts",
                column: "Hour");

            // The counts are written by the database (PostHourlyCount): +1 where a post starts counting, -1 where it stops. A post counts
            // as published in the hour (UTC) of its PublishedAt, as failed in the hour it last changed while it is Failed. Rows are only
            // appended: no counter row for concurrent writers to wait on or deadlock over. An update that leaves a post's key as it was
            // writes nothing.
            migrationBuilder.Sql("""
                CREATE FUNCTION "Posts_HourlyCounts"() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    old_published timestamptz; new_published timestamptz; old_failed timestamptz; new_failed timestamptz;
                BEGIN
                    IF TG_OP <> 'INSERT' AND OLD."PublishedAt" IS NOT NULL THEN old_published := date_trunc('hour', OLD."PublishedAt", 'UTC'); END IF;
                    IF TG_OP <> 'DELETE' AND NEW."PublishedAt" IS NOT NULL THEN new_published := date_trunc('hour', NEW."PublishedAt", 'UTC'); END IF;
                    IF TG_OP <> 'INSERT' AND OLD."Status" = 'Failed' THEN old_failed := date_trunc('hour', OLD."UpdatedAt", 'UTC'); END IF;
                    IF TG_OP <> 'DELETE' AND NEW."Status" = 'Failed' THEN new_failed := date_trunc('hour', NEW."UpdatedAt", 'UTC'); END IF;
                    IF TG_OP = 'UPDATE' AND OLD."MediaType" = NEW."MediaType" THEN
                        IF old_published IS NOT DISTINCT FROM new_published THEN old_published := NULL; new_published := NULL; END IF;
                        IF old_failed IS NOT DISTINCT FROM new_failed AND OLD."FailureReason" IS NOT DISTINCT FROM NEW."FailureReason" THEN
                            old_failed := NULL; new_failed := NULL;
                        END IF;
                    END IF;
                    IF old_published IS NOT NULL THEN
                        INSERT INTO "PostHourlyCounts" ("Hour", "Outcome", "MediaType", "FailureReason", "Count") VALUES (old_published, 'Published', OLD."MediaType", '', -1);
                    END IF;
                    IF old_failed IS NOT NULL THEN
                        INSERT INTO "PostHourlyCounts" ("Hour", "Outcome", "MediaType", "FailureReason", "Count")
                        VALUES (old_failed, 'Failed', OLD."MediaType", coalesce(OLD."FailureReason", ''), -1);
                    END IF;
                    IF new_published IS NOT NULL THEN
                        INSERT INTO "PostHourlyCounts" ("Hour", "Outcome", "MediaType", "FailureReason", "Count") VALUES (new_published, 'Published', NEW."MediaType", '', 1);
                    END IF;
                    IF new_failed IS NOT NULL THEN
                        INSERT INTO "PostHourlyCounts" ("Hour", "Outcome", "MediaType", "FailureReason", "Count")
                        VALUES (new_failed, 'Failed', NEW."MediaType", coalesce(NEW."FailureReason", ''), 1);
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER "Posts_HourlyCounts" AFTER INSERT OR DELETE OR UPDATE OF "PublishedAt", "Status", "UpdatedAt", "MediaType", "FailureReason"
                ON "Posts" FOR EACH ROW EXECUTE FUNCTION "Posts_HourlyCounts"();
                INSERT INTO "PostHourlyCounts" ("Hour", "Outcome", "MediaType", "FailureReason", "Count")
                SELECT date_trunc('hour', "PublishedAt", 'UTC'), 'Published', "MediaType", '', COUNT(*) FROM "Posts" WHERE "PublishedAt" IS NOT NULL
                GROUP BY 1, 3;
                INSERT INTO "PostHourlyCounts" ("Hour", "Outcome", "MediaType", "FailureReason", "Count")
                SELECT date_trunc('hour', "UpdatedAt", 'UTC'), 'Failed', "MediaType", coalesce("FailureReason", ''), COUNT(*) FROM "Posts" WHERE "Status" = 'Failed'
                GROUP BY 1, 3, 4;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "Posts_HourlyCounts" ON "Posts"; DROP FUNCTION "Posts_HourlyCounts"();""");
            migrationBuilder.DropTable(
                name: "PostHourlyCounts");
        }
    }
}
