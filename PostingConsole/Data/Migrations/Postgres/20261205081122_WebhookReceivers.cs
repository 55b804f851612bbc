using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class WebhookReceivers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "DeliveredTo",
                table: "WebhookMessages",
                type: "text[]",
                nullable: false,
                // Rows already in the table get an empty list (a NOT NULL column without a default is refused on a table with rows).
                defaultValueSql: "ARRAY[]::text[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DeliveredTo",
                table: "WebhookMessages");
        }
    }
}
