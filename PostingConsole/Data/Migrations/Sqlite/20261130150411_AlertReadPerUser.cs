using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AlertReadPerUser : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AlertReadMarks",
                columns: table => new
                {
                    UserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ReadThroughId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertReadMarks", x => x.UserName);
                });

            // What was read for everyone stays read for each user (the alerts were read in the order they came).
            migrationBuilder.Sql("""
                INSERT INTO AlertReadMarks (UserName, ReadThroughId)
                SELECT UserName, (SELECT COALESCE(MAX(Id), 0) FROM Alerts WHERE ReadAt IS NOT NULL)
                FROM AspNetUsers WHERE UserName IS NOT NULL;
                """);

            // Alerts.ReadAt stays in the table, unused: dropping a column on SQLite rebuilds the table outside the
            // migration's transaction (EF warns that a failure there leaves the migration half applied).
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AlertReadMarks");
        }
    }
}
