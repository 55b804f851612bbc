using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "InsightsDueAt",
                table: "Posts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "InsightsUnavailable",
                table: "Posts",
                type: "TEXT",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SlotFrom",
                table: "Posts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SlotReason",
                table: "Posts",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "SlotScore",
                table: "Posts",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SlotTo",
                table: "Posts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Slotted",
                table: "Posts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "OnlineFollowers",
                table: "Personas",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OnlineFollowersReadAt",
                table: "Personas",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PostInsights",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PostId = table.Column<int>(type: "INTEGER", nullable: false),
                    PersonaId = table.Column<int>(type: "INTEGER", nullable: false),
                    PublishedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    MediaType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ReadAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AgeHours = table.Column<int>(type: "INTEGER", nullable: false),
                    Views = table.Column<int>(type: "INTEGER", nullable: true),
                    Reach = table.Column<int>(type: "INTEGER", nullable: true),
                    Likes = table.Column<int>(type: "INTEGER", nullable: true),
                    Comments = table.Column<int>(type: "INTEGER", nullable: true),
                    Saved = table.Column<int>(type: "INTEGER", nullable: true),
                    Shares = table.Column<int>(type: "INTEGER", nullable: true),
                    TotalInteractions = table.Column<int>(type: "INTEGER", nullable: true),
                    Unavailable = table.Column<string>(type: "TEXT", maxLength: 24, nullable: true)
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
