using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Readiness : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "DataAccessExpiresAt",
                table: "Personas",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SandboxTokenExpiresAt",
                table: "Personas",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TokenCheckedAt",
                table: "Personas",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TokenExpiresAt",
                table: "Personas",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TokenExpiryWarnedFor",
                table: "Personas",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TokenInfoFor",
                table: "Personas",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TokenReplacedAt",
                table: "Personas",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TokenScopes",
                table: "Personas",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PostReadiness",
                columns: table => new
                {
                    PostId = table.Column<int>(type: "INTEGER", nullable: false),
                    PersonaId = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Problems = table.Column<string>(type: "TEXT", nullable: false),
                    CheckedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    MediaCheckedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ContentKey = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DueAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ImageHash = table.Column<long>(type: "INTEGER", nullable: true),
                    ImageColor = table.Column<int>(type: "INTEGER", nullable: true),
                    CaptionKey = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PostReadiness", x => x.PostId);
                    table.ForeignKey(
                        name: "FK_PostReadiness_Posts_PostId",
                        column: x => x.PostId,
                        principalTable: "Posts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PostReadiness_CaptionKey",
                table: "PostReadiness",
                column: "CaptionKey");

            migrationBuilder.CreateIndex(
                name: "IX_PostReadiness_DueAt",
                table: "PostReadiness",
                column: "DueAt");

            migrationBuilder.CreateIndex(
                name: "IX_PostReadiness_State_DueAt",
                table: "PostReadiness",
                columns: new[] { "State", "DueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PostReadiness");

            migrationBuilder.DropColumn(
                name: "DataAccessExpiresAt",
                table: "Personas");

            migrationBuilder.DropColumn(
                name: "SandboxTokenExpiresAt",
                table: "Personas");

            migrationBuilder.DropColumn(
                name: "TokenCheckedAt",
                table: "Personas");

            migrationBuilder.DropColumn(
                name: "TokenExpiresAt",
                table: "Personas");

            migrationBuilder.DropColumn(
                name: "TokenExpiryWarnedFor",
                table: "Personas");

            migrationBuilder.DropColumn(
                name: "TokenInfoFor",
                table: "Personas");

            migrationBuilder.DropColumn(
                name: "TokenReplacedAt",
                table: "Personas");

            migrationBuilder.DropColumn(
                name: "TokenScopes",
                table: "Personas");
        }
    }
}
