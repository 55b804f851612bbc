using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostingConsole.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AttemptClaimNumber : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ClaimNumber",
                table: "PostAttempts",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ClaimNumber",
                table: "PostAttempts");
        }
    }
}
