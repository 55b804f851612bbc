using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StatusCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PostStatusCounts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PostStatusCounts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PostStatusCounts_Status",
                table: "PostStatusCounts",
                column: "Status");

            // The counts are written by the database (PostStatusCount): +1 for a post's status as it arrives or changes to it, -1 as
            // it leaves or the post is deleted. An update that keeps the status writes nothing.
            migrationBuilder.Sql("""
                CREATE TRIGGER "Posts_StatusCounts_Insert" AFTER INSERT ON "Posts"
                BEGIN INSERT INTO "PostStatusCounts" ("Status", "Count") VALUES (NEW."Status", 1); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Posts_StatusCounts_Update" AFTER UPDATE OF "Status" ON "Posts" WHEN OLD."Status" <> NEW."Status"
                BEGIN
                INSERT INTO "PostStatusCounts" ("Status", "Count") VALUES (OLD."Status", -1);
                INSERT INTO "PostStatusCounts" ("Status", "Count") VALUES (NEW."Status", 1);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Posts_StatusCounts_Delete" AFTER DELETE ON "Posts"
                BEGIN INSERT INTO "PostStatusCounts" ("Status", "Count") VALUES (OLD."Status", -1); END;
                """);
            // The posts already there.
            migrationBuilder.Sql("""INSERT INTO "PostStatusCounts" ("Status", "Count") SELECT "Status", COUNT(*) FROM "Posts" GROUP BY "Status";""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "Posts_StatusCounts_Insert"; DROP TRIGGER "Posts_StatusCounts_Update"; DROP TRIGGER "Posts_StatusCounts_Delete";""");
            migrationBuilder.DropTable(
                name: "PostStatusCounts");
        }
    }
}
