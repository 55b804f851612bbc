using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace PostingConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GraphCallSlots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "GraphCallSlots",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    HeldBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Until = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GraphCallSlots", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "GraphCallSlots",
                columns: new[] { "Id", "HeldBy", "Until" },
                values: new object[,]
                {
                    { 1, null, null },
                    { 2, null, null },
                    { 3, null, null },
                    { 4, null, null },
                    { 5, null, null },
                    { 6, null, null },
                    { 7, null, null },
                    { 8, null, null },
                    { 9, null, null },
                    { 10, null, null },
                    { 11, null, null },
                    { 12, null, null },
                    { 13, null, null },
                    { 14, null, null },
                    { 15, null, null },
                    { 16, null, null }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "GraphCallSlots");
        }
    }
}
