using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HistoryIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Posts_PersonaId_ScheduledAt",
                table: "Posts");

            migrationBuilder.DropIndex(
                name: "IX_Posts_ScheduledAt",
                table: "Posts");

            migrationBuilder.DropIndex(
                name: "IX_Posts_Status_ScheduledAt",
                table: "Posts");

            migrationBuilder.CreateIndex(
                name: "IX_Posts_PersonaId_ScheduledAt_Id",
                table: "Posts",
                columns: new[] { "PersonaId", "ScheduledAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Posts_ScheduledAt_Id",
                table: "Posts",
                columns: new[] { "ScheduledAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Posts_Status_ScheduledAt_Id",
                table: "Posts",
                columns: new[] { "Status", "ScheduledAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PostAttempts_At",
                table: "PostAttempts",
                column: "At");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Posts_PersonaId_ScheduledAt_Id",
                table: "Posts");

            migrationBuilder.DropIndex(
                name: "IX_Posts_ScheduledAt_Id",
                table: "Posts");

            migrationBuilder.DropIndex(
                name: "IX_Posts_Status_ScheduledAt_Id",
                table: "Posts");

            migrationBuilder.DropIndex(
                name: "IX_PostAttempts_At",
                table: "PostAttempts");

            migrationBuilder.CreateIndex(
                name: "IX_Posts_PersonaId_ScheduledAt",
                table: "Posts",
                columns: new[] { "PersonaId", "ScheduledAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Posts_ScheduledAt",
                table: "Posts",
                column: "ScheduledAt");

            migrationBuilder.CreateIndex(
                name: "IX_Posts_Status_ScheduledAt",
                table: "Posts",
                columns: new[] { "Status", "ScheduledAt" });
        }
    }
}
