using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SeedDispatcherState : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.InsertData(
                table: "DispatcherState",
                columns: new[] { "Id", "LastTickAt", "Running", "UpdatedAt" },
                values: new object[] { 1, null, true, new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc) });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(
                table: "DispatcherState",
                keyColumn: "Id",
                keyValue: 1);
        }
    }
}
