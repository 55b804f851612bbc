using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ThrottleCircuits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ThrottledUntil",
                table: "Personas",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "AppThrottledUntil",
                table: "DispatcherState",
                type: "TEXT",
                nullable: true);

            migrationBuilder.UpdateData(
                table: "DispatcherState",
                keyColumn: "Id",
                keyValue: 1,
                column: "AppThrottledUntil",
                value: null);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ThrottledUntil",
                table: "Personas");

            migrationBuilder.DropColumn(
                name: "AppThrottledUntil",
                table: "DispatcherState");
        }
    }
}
