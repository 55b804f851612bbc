using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Notices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Args",
                table: "Alerts",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Code",
                table: "Alerts",
                type: "TEXT",
                maxLength: 48,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Args",
                table: "ActivityLog",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Code",
                table: "ActivityLog",
                type: "TEXT",
                maxLength: 48,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Args",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "Code",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "Args",
                table: "ActivityLog");

            migrationBuilder.DropColumn(
                name: "Code",
                table: "ActivityLog");
        }
    }
}
