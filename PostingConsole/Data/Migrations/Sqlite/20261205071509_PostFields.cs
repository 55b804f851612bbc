using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PostFields : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "AiGenerated",
                table: "Posts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Fields",
                table: "Posts",
                type: "TEXT",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<string>(
                name: "FirstComment",
                table: "Posts",
                type: "TEXT",
                maxLength: 8000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "FirstCommentDueAt",
                table: "Posts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FirstCommentError",
                table: "Posts",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FirstCommentId",
                table: "Posts",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FirstCommentRetries",
                table: "Posts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "FirstCommentState",
                table: "Posts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "AiLabelDefault",
                table: "Personas",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.CreateIndex(
                name: "IX_Posts_FirstCommentState",
                table: "Posts",
                column: "FirstCommentState");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Posts_FirstCommentState",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "AiGenerated",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "Fields",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "FirstComment",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "FirstCommentDueAt",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "FirstCommentError",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "FirstCommentId",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "FirstCommentRetries",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "FirstCommentState",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "AiLabelDefault",
                table: "Personas");
        }
    }
}
