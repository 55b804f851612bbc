using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PostingConsole.Domain;

namespace PostingConsole.Data;

public sealed class PersonaEntityTypeConfiguration : IEntityTypeConfiguration<Persona>
{
    public void Configure(EntityTypeBuilder<Persona> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(100);
        builder.Property(p => p.IgUserId).HasMaxLength(64);
        builder.Property(p => p.ProtectedToken).HasMaxLength(4000);
        builder.Property(p => p.TokenHint).HasMaxLength(8);
        builder.Property(p => p.TimeZone).HasMaxLength(64);
        builder.Property(p => p.StatusReason).HasMaxLength(500);
        builder.Property(p => p.LastError).HasMaxLength(500);
        builder.Property(p => p.TokenScopes).HasMaxLength(1000);
        builder.Property(p => p.TokenInfoFor).HasMaxLength(16);
        builder.PrimitiveCollection(p => p.OnlineFollowers);
        builder.Property(p => p.AiLabelDefault).HasDefaultValue(true).HasSentinel(true);
        builder.HasIndex(p => p.IgUserId).IsUnique();
        builder.HasIndex(p => p.Name);
    }
}

public sealed class PostEntityTypeConfiguration : IEntityTypeConfiguration<Post>
{
    public void Configure(EntityTypeBuilder<Post> builder)
    {
        builder.Property(p => p.ExternalId).HasMaxLength(200);
        builder.Property(p => p.ImageUrl).HasMaxLength(2048);
        builder.Property(p => p.ImagePath).HasMaxLength(1024);
        builder.Property(p => p.VideoUrl).HasMaxLength(2048);
        builder.Property(p => p.VideoPath).HasMaxLength(1024);
        builder.Property(p => p.CoverUrl).HasMaxLength(2048);
        builder.Property(p => p.MediaType).HasDefaultValue(MediaType.Image).HasSentinel(MediaType.Image);
        builder.Property(p => p.ShareToFeed).HasDefaultValue(true).HasSentinel(true);
        // A carousel's children in one JSON column of the post's row: a child's container id is saved with the post, under
        // the same claim-number condition as every other write of the run.
        builder.OwnsMany(p => p.Items, items => items.ToJson());
        // The optional container fields, written and read whole as one JSON column (never queried inside).
        builder.Property(p => p.Fields).HasDefaultValueSql("'{}'").HasConversion(
            v => PostFieldsJson.Serialize(v), v => PostFieldsJson.Deserialize(v),
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<PostFields>(
                (a, b) => PostFieldsJson.Same(a!, b!), v => PostFieldsJson.Serialize(v).GetHashCode(), v => PostFieldsJson.Deserialize(PostFieldsJson.Serialize(v))));
        builder.Property(p => p.FirstComment).HasMaxLength(8000);
        builder.Property(p => p.FirstCommentId).HasMaxLength(64);
        builder.Property(p => p.FirstCommentError).HasMaxLength(2000);
        builder.Property(p => p.Caption).HasMaxLength(8000);
        builder.Property(p => p.FinalCaption).HasMaxLength(8000);
        builder.Property(p => p.LastError).HasMaxLength(2000);
        builder.Property(p => p.ContainerId).HasMaxLength(64);
        builder.Property(p => p.MediaId).HasMaxLength(64);
        builder.Property(p => p.Permalink).HasMaxLength(512);
        builder.Property(p => p.ClaimedBy).HasMaxLength(64);
        builder.PrimitiveCollection(p => p.Hashtags);
        // Every tracked UPDATE of a post is conditional on both: a stale read (Version) or a lost claim (ClaimNumber) changes nothing.
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.Property(p => p.ClaimNumber).IsConcurrencyToken();

        builder.HasOne(p => p.Persona).WithMany().HasForeignKey(p => p.PersonaId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(p => p.Attempts).WithOne().HasForeignKey(a => a.PostId).OnDelete(DeleteBehavior.Cascade);

        // The due-post query: WHERE Status IN (Scheduled, Retrying) AND NextAttemptAt <= now ORDER BY NextAttemptAt.
        builder.HasIndex(p => new { p.Status, p.NextAttemptAt });
        // Dashboard: time order, and filters by persona, status and date. Each ends with Id, the lists' tie-break, so a page in
        // (ScheduledAt, Id) order is read off the index on PostgreSQL too (SQLite's indexes carry the rowid anyway).
        builder.HasIndex(p => new { p.ScheduledAt, p.Id });
        builder.HasIndex(p => new { p.PersonaId, p.ScheduledAt, p.Id });
        builder.HasIndex(p => new { p.Status, p.ScheduledAt, p.Id });
        builder.HasIndex(p => new { p.Status, p.FailureReason });
        // The rolling-hour limit per persona.
        builder.HasIndex(p => new { p.PersonaId, p.PublishedAt });
        builder.HasIndex(p => p.PublishedAt); // the progress screen's daily and hourly figures
        // The insights reader's query: WHERE InsightsDueAt <= now ORDER BY InsightsDueAt (null for every post with no read left).
        builder.HasIndex(p => p.InsightsDueAt);
        // The first-comment pass: published posts whose comment is still to go out (null for every other post).
        builder.HasIndex(p => p.FirstCommentState);
        // The same externalId twice gives the same post.
        builder.HasIndex(p => p.ExternalId).IsUnique().HasFilter("\"ExternalId\" IS NOT NULL");
    }
}

public sealed class PostReadinessEntityTypeConfiguration : IEntityTypeConfiguration<PostReadiness>
{
    private static readonly System.Text.Json.JsonSerializerOptions ProblemsJson = new()
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public void Configure(EntityTypeBuilder<PostReadiness> builder)
    {
        builder.HasKey(r => r.PostId);
        builder.HasOne<Post>().WithOne(p => p.Readiness).HasForeignKey<PostReadiness>(r => r.PostId).OnDelete(DeleteBehavior.Cascade);
        // The problems as one JSON column: written and read whole with the verdict, never queried inside.
        builder.Property(r => r.Problems).HasConversion(
            v => System.Text.Json.JsonSerializer.Serialize(v, ProblemsJson),
            v => System.Text.Json.JsonSerializer.Deserialize<List<ReadinessProblem>>(v, ProblemsJson) ?? new List<ReadinessProblem>(),
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<List<ReadinessProblem>>(
                (a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, p) => HashCode.Combine(h, p.GetHashCode())), v => v.ToList()));
        builder.Property(r => r.ContentKey).HasMaxLength(32);
        builder.Property(r => r.CaptionKey).HasMaxLength(32);
        // Duplicates: the same caption on another persona within the window is found by its key.
        builder.HasIndex(r => r.CaptionKey);
        // The readiness screen and API list a window's verdicts by state.
        builder.HasIndex(r => new { r.State, r.DueAt });
        builder.HasIndex(r => r.DueAt);
    }
}

public sealed class PostAttemptEntityTypeConfiguration : IEntityTypeConfiguration<PostAttempt>
{
    public void Configure(EntityTypeBuilder<PostAttempt> builder)
    {
        builder.Property(a => a.Step).HasMaxLength(32);
        builder.Property(a => a.Message).HasMaxLength(2000);
        builder.Property(a => a.FbtraceId).HasMaxLength(64);
        builder.HasIndex(a => new { a.PostId, a.At });
        // Retention:DetailsFor finds the old ones by time, not by walking every attempt (RetentionSweep).
        builder.HasIndex(a => a.At);
    }
}

public sealed class ActivityLogEntryEntityTypeConfiguration : IEntityTypeConfiguration<ActivityLogEntry>
{
    public void Configure(EntityTypeBuilder<ActivityLogEntry> builder)
    {
        builder.Property(a => a.Message).HasMaxLength(2000);
        builder.Property(a => a.Code).HasMaxLength(48);
        builder.Property(a => a.Args).HasMaxLength(4000);
        builder.Ignore(a => a.Notice);
        builder.HasIndex(a => a.At);
    }
}

public sealed class AlertEntityTypeConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.Property(a => a.IncidentKey).HasMaxLength(128);
        builder.Property(a => a.Message).HasMaxLength(1000);
        builder.Property(a => a.Code).HasMaxLength(48);
        builder.Property(a => a.Args).HasMaxLength(4000);
        builder.Ignore(a => a.Notice);
        builder.PrimitiveCollection(a => a.DeliveredTo);
        builder.Property(a => a.DeliveryError).HasMaxLength(1000);
        // The alert channels' pass reads what is still to deliver.
        builder.HasIndex(a => new { a.DeliveryPending, a.DeliveryNextAt });
        // One open alert per incident, even when two posts hit the same dead token at once.
        builder.HasIndex(a => a.IncidentKey).IsUnique().HasFilter("\"ResolvedAt\" IS NULL");
        builder.HasIndex(a => a.At);
    }
}

public sealed class AlertReadMarkEntityTypeConfiguration : IEntityTypeConfiguration<AlertReadMark>
{
    public void Configure(EntityTypeBuilder<AlertReadMark> builder)
    {
        builder.HasKey(m => m.UserName);
        builder.Property(m => m.UserName).HasMaxLength(256);
    }
}

public sealed class DispatcherStateEntityTypeConfiguration : IEntityTypeConfiguration<DispatcherState>
{
    public void Configure(EntityTypeBuilder<DispatcherState> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        // The single row exists from the first migration on: dispatch runs until an operator stops it.
        builder.HasData(new DispatcherState { Id = 1, Running = true, UpdatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) });
    }
}

public sealed class GraphCallSlotEntityTypeConfiguration : IEntityTypeConfiguration<GraphCallSlot>
{
    public void Configure(EntityTypeBuilder<GraphCallSlot> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.HeldBy).HasMaxLength(100);
        builder.HasData(Enumerable.Range(1, GraphCallSlot.Count).Select(id => new GraphCallSlot { Id = id }));
    }
}

public sealed class AuditEntryEntityTypeConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditLog");
        builder.Property(a => a.Actor).HasMaxLength(200);
        builder.Property(a => a.Role).HasMaxLength(16);
        builder.Property(a => a.Channel).HasMaxLength(16);
        builder.Property(a => a.Action).HasMaxLength(48);
        builder.Property(a => a.Target).HasMaxLength(200);
        builder.Property(a => a.Detail).HasMaxLength(500);
        builder.HasIndex(a => a.At);
    }
}

public sealed class ApiKeyEntityTypeConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.Property(k => k.Name).HasMaxLength(100);
        builder.Property(k => k.Role).HasMaxLength(16);
        builder.Property(k => k.Prefix).HasMaxLength(16);
        builder.Property(k => k.Hash).HasMaxLength(64);
        builder.Property(k => k.CreatedBy).HasMaxLength(200);
        builder.HasIndex(k => k.Hash).IsUnique();
    }
}

public sealed class WebhookMessageEntityTypeConfiguration : IEntityTypeConfiguration<WebhookMessage>
{
    public void Configure(EntityTypeBuilder<WebhookMessage> builder)
    {
        builder.Property(m => m.EventId).HasMaxLength(32);
        builder.Property(m => m.Type).HasMaxLength(40);
        builder.Property(m => m.LastError).HasMaxLength(1000);
        builder.PrimitiveCollection(m => m.DeliveredTo);
        // The sender's query: what is not delivered yet, by when it is due.
        builder.HasIndex(m => new { m.DeliveredAt, m.NextAttemptAt });
    }
}

public sealed class PostHourlyCountEntityTypeConfiguration : IEntityTypeConfiguration<PostHourlyCount>
{
    public void Configure(EntityTypeBuilder<PostHourlyCount> builder)
    {
        builder.HasIndex(c => c.Hour);
        builder.Property(c => c.Outcome).HasMaxLength(16);
        builder.Property(c => c.FailureReason).HasMaxLength(24);
    }
}

public sealed class PostStatusCountEntityTypeConfiguration : IEntityTypeConfiguration<PostStatusCount>
{
    public void Configure(EntityTypeBuilder<PostStatusCount> builder) => builder.HasIndex(c => c.Status);
}

public sealed class PostInsightEntityTypeConfiguration : IEntityTypeConfiguration<PostInsight>
{
    public void Configure(EntityTypeBuilder<PostInsight> builder)
    {
        builder.HasOne<Post>().WithMany().HasForeignKey(i => i.PostId).OnDelete(DeleteBehavior.Cascade);
        // A post's reads (its detail page, the API), and a persona's results in time order (the learner, the insights API).
        builder.HasIndex(i => new { i.PostId, i.ReadAt });
        builder.HasIndex(i => new { i.PersonaId, i.PublishedAt });
        builder.HasIndex(i => i.PublishedAt); // the fleet's results
    }
}
