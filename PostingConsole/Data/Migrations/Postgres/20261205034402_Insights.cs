using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PostingConsole.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Insights : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "InsightsAgesRead",
                table: "Posts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "InsightsDueAt",
                table: "Posts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "InsightsUnavailable",
                table: "Posts",
                type: "character varying(24)",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SlotFrom",
                table: "Posts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SlotReason",
                table: "Posts",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "SlotScore",
                table: "Posts",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SlotTo",
                table: "Posts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Slotted",
                table: "Posts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<List<int>>(
                name: "OnlineFollowers",
                table: "Personas",
                type: "integer[]",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OnlineFollowersReadAt",
                table: "Personas",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PostInsights",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PostId = table.Column<int>(type: "integer", nullable: false),
                    PersonaId = table.Column<int>(type: "integer", nullable: false),
                    PublishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    MediaType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ReadAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AgeHours = table.Column<int>(type: "integer", nullable: false),
                    Views = table.Column<int>(type: "integer", nullable: true),
                    Reach = table.Column<int>(type: "integer", nullable: true),
                    Likes = table.Column<int>(type: "integer", nullable: true),
                    Comments = table.Column<int>(type: "integer", nullable: true),
                    Saved = table.Column<int>(type: "integer", nullable: true),
                    Shares = table.Column<int>(type: "integer", nullable: true),
                    TotalInteractions = table.Column<int>(type: "integer", nullable: true),
                    Unavailable = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PostInsights", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PostInsights_Posts_PostId",
                        column: x => x.PostId,
                        principalTable: "Posts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Posts_InsightsDueAt",
                table: "Posts",
                column: "InsightsDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_PostInsights_PersonaId_PublishedAt",
                table: "PostInsights",
                columns: new[] { "PersonaId", "PublishedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PostInsights_PostId_ReadAt",
                table: "PostInsights",
                columns: new[] { "PostId", "ReadAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PostInsights_PublishedAt",
                table: "PostInsights",
                column: "PublishedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PostInsights");

            migrationBuilder.DropIndex(
                name: "IX_Posts_InsightsDueAt",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "InsightsAgesRead",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "InsightsDueAt",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "InsightsUnavailable",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "SlotFrom",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "SlotReason",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "SlotScore",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "SlotTo",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "Slotted",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "OnlineFollowers",
                table: "Personas");

            migrationBuilder.DropColumn(
                name: "OnlineFollowersReadAt",
                table: "Personas");
        }
    }
}
