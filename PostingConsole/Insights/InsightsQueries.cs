using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Slots;

namespace PostingConsole.Insights;

/// <summary>One post's last read, for a persona's results.</summary>
public sealed record PostResult(int PostId, MediaType MediaType, DateTime PublishedAt, PostInsight Last);

/// <summary>A persona's results by hour of its week (its own time zone): posts, their mean reach and engagement.</summary>
public sealed record HourOfWeekResult(DayOfWeek DayOfWeek, int Hour, int Posts, double MeanReach, double MeanEngagement);

public sealed record PersonaResults(IReadOnlyList<PostResult> Posts, IReadOnlyList<HourOfWeekResult> ByHourOfWeek);

/// <summary>Reads of what posts achieved (docs/insights.md): a post's reads, and a persona's results by post and by hour of the week.</summary>
public sealed class InsightsQueries(IDbContextFactory<PostingDbContext> contextFactory)
{
    /// <summary>The longest range a persona's results are read for at once.</summary>
    public static readonly TimeSpan LongestRange = TimeSpan.FromDays(366);

    public async Task<IReadOnlyList<PostInsight>> ForPostAsync(int postId, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.PostInsights.AsNoTracking().Where(i => i.PostId == postId).OrderBy(i => i.ReadAt).ToListAsync(cancellationToken);
    }

    /// <summary>The persona's posts published in <paramref name="fromUtc"/>–<paramref name="toUtc"/> with their last read, and the same by hour of the week.</summary>
    public async Task<PersonaResults> ForPersonaAsync(Persona persona, DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var reads = await db.PostInsights.AsNoTracking()
            .Where(i => i.PersonaId == persona.Id && i.PublishedAt >= fromUtc && i.PublishedAt < toUtc)
            .OrderBy(i => i.PublishedAt).ThenBy(i => i.ReadAt).ToListAsync(cancellationToken);
        var posts = reads.GroupBy(i => i.PostId).Select(g => g.Last()).Select(i => new PostResult(i.PostId, i.MediaType, i.PublishedAt, i)).ToList();
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(persona.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var byHour = posts.Where(p => p.Last.Metrics is not null)
            .GroupBy(p => SlotScores.HourOfWeek(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(p.PublishedAt, DateTimeKind.Utc), zone)))
            .OrderBy(g => g.Key)
            .Select(g => new HourOfWeekResult((DayOfWeek)(g.Key / 24), g.Key % 24, g.Count(),
                g.Average(p => (double)(p.Last.Reach ?? 0)), g.Average(p => (double)p.Last.Metrics!.Engagement)))
            .ToList();
        return new PersonaResults(posts, byHour);
    }
}
