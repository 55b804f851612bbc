using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Postgres
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SandboxTokenExpiresAt",
                table: "Personas",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TokenCheckedAt",
                table: "Personas",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TokenExpiresAt",
                table: "Personas",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TokenExpiryWarnedFor",
                table: "Personas",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TokenInfoFor",
                table: "Personas",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TokenReplacedAt",
                table: "Personas",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TokenScopes",
                table: "Personas",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PostReadiness",
                columns: table => new
                {
                    PostId = table.Column<int>(type: "integer", nullable: false),
                    PersonaId = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Problems = table.Column<string>(type: "text", nullable: false),
                    CheckedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    MediaCheckedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ContentKey = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ImageHash = table.Column<long>(type: "bigint", nullable: true),
                    ImageColor = table.Column<int>(type: "integer", nullable: true),
                    CaptionKey = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
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
