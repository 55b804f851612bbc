using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PostingConsole.Data;

/// <summary>
/// The console's model on PostgreSQL (<c>Database:Provider=Postgres</c>): a type of its own, so it has its own migrations
/// (Data/Migrations/Postgres) beside SQLite's. Every timestamp is <c>timestamptz</c> (UTC). It also holds the Data Protection
/// key ring, so stored tokens, sign-in cookies and signed media links are valid on every console process of the database.
/// </summary>
public sealed class PostgresPostingDbContext(DbContextOptions<PostgresPostingDbContext> options) : PostingDbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
}

/// <summary>For <c>dotnet ef migrations add … --context PostgresPostingDbContext</c>: the model needs no server.</summary>
public sealed class PostgresPostingDbContextDesignFactory : IDesignTimeDbContextFactory<PostgresPostingDbContext>
{
    public PostgresPostingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPostingDbContext>().UseNpgsql("Host=localhost;Database=posting_design").Options);
}

/// <summary>For <c>dotnet ef migrations add … --context PostingDbContext</c>: SQLite's model (a factory of its own, so the tools never pick PostgreSQL's).</summary>
public sealed class SqlitePostingDbContextDesignFactory : IDesignTimeDbContextFactory<PostingDbContext>
{
    public PostingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostingDbContext>().UseSqlite("Data Source=posting_design.db").Options);
}
