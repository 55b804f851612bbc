using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PostingConsole.Data.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
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
            // it leaves or the post is deleted. Rows are only appended: no counter row for concurrent writers to wait on.
            migrationBuilder.Sql("""
                CREATE FUNCTION "Posts_StatusCounts"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' AND OLD."Status" = NEW."Status" THEN RETURN NULL; END IF;
                    IF TG_OP <> 'INSERT' THEN INSERT INTO "PostStatusCounts" ("Status", "Count") VALUES (OLD."Status", -1); END IF;
                    IF TG_OP <> 'DELETE' THEN INSERT INTO "PostStatusCounts" ("Status", "Count") VALUES (NEW."Status", 1); END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER "Posts_StatusCounts" AFTER INSERT OR DELETE OR UPDATE OF "Status" ON "Posts"
                FOR EACH ROW EXECUTE FUNCTION "Posts_StatusCounts"();
                INSERT INTO "PostStatusCounts" ("Status", "Count") SELECT "Status", COUNT(*) FROM "Posts" GROUP BY "Status";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "Posts_StatusCounts" ON "Posts"; DROP FUNCTION "Posts_StatusCounts"();""");
            migrationBuilder.DropTable(
                name: "PostStatusCounts");
        }
    }
}
