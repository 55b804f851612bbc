using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AccountsCheckedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "AccountsCheckedAt",
                table: "DispatcherState",
                type: "TEXT",
                nullable: true);

            migrationBuilder.UpdateData(
                table: "DispatcherState",
                keyColumn: "Id",
                keyValue: 1,
                column: "AccountsCheckedAt",
                value: null);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AccountsCheckedAt",
                table: "DispatcherState");
        }
    }
}
