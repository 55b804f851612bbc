using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using PostingConsole.Domain;

namespace PostingConsole.Data;

/// <summary>
/// The console's database, users and roles (ASP.NET Core Identity) included, on SQLite; <see cref="PostgresPostingDbContext"/> is
/// the same model on PostgreSQL. Each has its migrations checked in (Data/Migrations/Sqlite, Data/Migrations/Postgres), applied at
/// start-up by <see cref="DatabaseMigrator"/>. To add one, from the repository root, for both:
/// <code>
/// dotnet tool restore
/// dotnet ef migrations add &lt;Name&gt; --project PostingConsole --context PostingDbContext --output-dir Data/Migrations/Sqlite
/// dotnet ef migrations add &lt;Name&gt; --project PostingConsole --context PostgresPostingDbContext --output-dir Data/Migrations/Postgres
/// </code>
/// </summary>
public class PostingDbContext : IdentityDbContext<IdentityUser>
{
    public PostingDbContext(DbContextOptions<PostingDbContext> options) : base(options)
    {
    }

    /// <summary>For the provider's own context type (its own model and migrations).</summary>
    protected PostingDbContext(DbContextOptions options) : base(options)
    {
    }

    public DbSet<Persona> Personas => Set<Persona>();
    public DbSet<Post> Posts => Set<Post>();
    public DbSet<PostAttempt> PostAttempts => Set<PostAttempt>();
    public DbSet<ActivityLogEntry> ActivityLog => Set<ActivityLogEntry>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<AlertReadMark> AlertReadMarks => Set<AlertReadMark>();
    public DbSet<DispatcherState> DispatcherState => Set<DispatcherState>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<WebhookMessage> WebhookMessages => Set<WebhookMessage>();
    public DbSet<GraphCallSlot> GraphCallSlots => Set<GraphCallSlot>();
    public DbSet<PostHourlyCount> PostHourlyCounts => Set<PostHourlyCount>();
    public DbSet<PostStatusCount> PostStatusCounts => Set<PostStatusCount>();
    public DbSet<PostReadiness> PostReadiness => Set<PostReadiness>();
    public DbSet<PostInsight> PostInsights => Set<PostInsight>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampPostVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampPostVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// Optimistic concurrency on <see cref="Post"/>: each saved change carries the next row version, and the UPDATE only
    /// applies where the row still has the version (and claim number) it was read with. SQLite generates no row
    /// versions, so the context does; the dispatcher's claim UPDATE bumps it too.
    /// </summary>
    private void StampPostVersions()
    {
        // A change to a carousel item alone (its container id, in the post's JSON column) is a change of the post's row too.
        var changedItems = ChangeTracker.Entries<PostItem>().Where(e => e.State != EntityState.Unchanged).Select(e => e.Entity)
            .ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var entry in ChangeTracker.Entries<Post>())
        {
            var itemsChanged = entry.State == EntityState.Unchanged && changedItems.Count > 0 && entry.Entity.Items.Any(changedItems.Contains);
            if (entry.State != EntityState.Modified && !itemsChanged) continue;
            var version = entry.Property(p => p.Version);
            version.CurrentValue = version.OriginalValue + 1;
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PostingDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every DateTime is UTC in the database and comes back marked as UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
        // Enums as their names: readable in the file and stable if members are reordered.
        configurationBuilder.Properties<PostStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<FailureReason>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<PersonaStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<MediaType>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<PublishStage>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<SandboxFault>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<ActivityLevel>().HaveConversion<string>().HaveMaxLength(12);
        configurationBuilder.Properties<AlertKind>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<ReadinessState>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ReadinessCode>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<InsightsUnavailable>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<SlotReason>().HaveConversion<string>().HaveMaxLength(16);
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime(),
        v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
}

/// <summary>One row: whether dispatch is running (survives restarts) and the heartbeat.</summary>
public sealed class DispatcherState
{
    public int Id { get; set; } = 1;
    public bool Running { get; set; } = true;
    public DateTime? LastTickAt { get; set; }

    /// <summary>The app-wide throttle circuit (Meta's app budget spent): no Graph call until then, then one probe; null when closed.</summary>
    public DateTime? AppThrottledUntil { get; set; }

    /// <summary>When the daily account check last ran (by any console process on the database).</summary>
    public DateTime? AccountsCheckedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// A place in <c>Posting:MaxConcurrency</c> for a Graph call made outside a post's run (a permalink backfill, the account
/// check, an operator's container check): the dispatcher counts the slots held beside the posts in flight, so every Graph
/// call of every console process on the database shares one budget. A fixed set of rows, taken and given back by
/// conditional UPDATEs; one whose holder died frees itself at <see cref="Until"/>.
/// </summary>
public sealed class GraphCallSlot
{
    /// <summary>How many side calls may be in flight at once, whatever the budget.</summary>
    public const int Count = 16;

    public int Id { get; set; }

    /// <summary>The holder's own token (process and call), so only it gives the slot back.</summary>
    public string? HeldBy { get; set; }

    /// <summary>Held until then at the latest; null when free.</summary>
    public DateTime? Until { get; set; }
}

/// <summary>
/// A change to how many posts were published, or are failed, in one UTC hour, by media type and failure reason: what the
/// progress screen's charts and <c>/api/stats/daily</c> add up, a few hundred rows for a month instead of every post. Written
/// by the database itself, by triggers on Posts (migration <c>HourlyCounts</c>), so every write path counts (tracked saves,
/// the dispatcher's UPDATEs, the move to PostgreSQL) and a count never drifts from the rows. A published post counts in the
/// hour of its <c>PublishedAt</c>; a failed one in the hour it last changed, while it is Failed (a retry takes it out again),
/// as the charts always counted them. The triggers only append rows of +1 and −1 (no counter row that concurrent writers
/// would wait on, or deadlock over, on PostgreSQL); <c>PostCountsCompaction</c> folds them into one row a key every minute.
/// </summary>
public sealed class PostHourlyCount
{
    public long Id { get; set; }

    public const string Published = "Published";
    public const string Failed = "Failed";

    /// <summary>The hour (UTC), whole.</summary>
    public DateTime Hour { get; set; }

    /// <summary><see cref="Published"/> or <see cref="Failed"/>.</summary>
    public string Outcome { get; set; } = "";

    public MediaType MediaType { get; set; }

    /// <summary>A failed post's reason (its name); empty for published posts and for a failure without one.</summary>
    public string FailureReason { get; set; } = "";

    public int Count { get; set; }
}

/// <summary>
/// A change to how many posts have a status: the totals a list shows when it is filtered by status alone, or not at all,
/// without counting a year of rows (a million published posts take 60–80 ms to count even by an index). Written by database
/// triggers on Posts (migration <c>StatusCounts</c>) as +1 and −1 rows, folded by <c>PostCountsCompaction</c>, as
/// <see cref="PostHourlyCount"/> is.
/// </summary>
public sealed class PostStatusCount
{
    public long Id { get; set; }

    public PostStatus Status { get; set; }

    public int Count { get; set; }
}
