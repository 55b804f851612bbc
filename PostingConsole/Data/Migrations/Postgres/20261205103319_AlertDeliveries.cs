using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AlertDeliveries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "DeliveredTo",
                table: "Alerts",
                type: "text[]",
                nullable: false,
                // Rows already in the table get an empty list (a NOT NULL column without a default is refused on a table with rows).
                defaultValueSql: "ARRAY[]::text[]");

            migrationBuilder.AddColumn<int>(
                name: "DeliveryAttempts",
                table: "Alerts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryError",
                table: "Alerts",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeliveryGaveUpAt",
                table: "Alerts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeliveryNextAt",
                table: "Alerts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "DeliveryPending",
                table: "Alerts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_DeliveryPending_DeliveryNextAt",
                table: "Alerts",
                columns: new[] { "DeliveryPending", "DeliveryNextAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Alerts_DeliveryPending_DeliveryNextAt",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "DeliveredTo",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "DeliveryAttempts",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "DeliveryError",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "DeliveryGaveUpAt",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "DeliveryNextAt",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "DeliveryPending",
                table: "Alerts");
        }
    }
}
