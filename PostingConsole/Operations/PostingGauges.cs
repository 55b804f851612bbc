using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Publishing;

using PostingConsole.Observability;

namespace PostingConsole.Operations;

/// <summary>
/// The gauges read from the database when they are collected (a scrape of <c>/metrics</c>, an OTLP export): posts by status
/// (the kept counts, no scan of the history) and, for posts waiting on a decision, by reason; posts due in the next hour;
/// readiness problems of the posts still to go, by kind; and each throttle circuit that is open (the app's, and each account's,
/// tagged with its persona id: at most the personas, about 100). Read at most every <see cref="MaxAge"/>, however often
/// collected; nothing is read while nobody collects.
/// </summary>
public sealed class PostingGauges
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private static readonly PostStatus[] WithReason = [PostStatus.Failed, PostStatus.Held, PostStatus.Retrying];

    private readonly IDbContextFactory<PostingDbContext> contextFactory;
    private readonly ThrottleCircuits circuits;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private Snapshot? snapshot;

    public PostingGauges(IMeterFactory meters, IDbContextFactory<PostingDbContext> contextFactory, ThrottleCircuits circuits, TimeProvider time)
    {
        this.contextFactory = contextFactory;
        this.circuits = circuits;
        this.time = time;
        var meter = meters.Create(PostingMetrics.MeterName);
        meter.CreateObservableGauge("posting.posts", () => Read().Posts, "{post}", "Posts by status, and by reason for Failed, Held and Retrying.");
        meter.CreateObservableGauge("posting.queue.due_next_hour", () => Read().DueNextHour, "{post}", "Scheduled or retrying posts due within the next hour.");
        meter.CreateObservableGauge("posting.readiness.problems", () => Read().Problems, "{problem}", "Readiness problems of the posts still to go, by kind.");
        meter.CreateObservableGauge("posting.circuit.open", Circuits, "{circuit}", "Throttle circuits: the app's (0 or 1), and each open account's (1), by scope.");
    }

    private IEnumerable<Measurement<int>> Circuits()
    {
        var now = time.GetUtcNow().UtcDateTime;
        yield return new Measurement<int>(circuits.AppUntil > now ? 1 : 0, new KeyValuePair<string, object?>("scope", "app"));
        foreach (var personaId in circuits.OpenAccounts(now).Keys)
        {
            yield return new Measurement<int>(1, new KeyValuePair<string, object?>("scope", "account"), new KeyValuePair<string, object?>("persona.id", personaId));
        }
    }

    private Snapshot Read()
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            if (snapshot is { } fresh && time.GetElapsedTime(fresh.ReadAt, now) < MaxAge) return fresh;
            return snapshot = Query(now);
        }
    }

    private Snapshot Query(long stamp)
    {
        using var db = contextFactory.CreateDbContext();
        var now = time.GetUtcNow().UtcDateTime;
        var byStatus = db.PostStatusCounts.GroupBy(c => c.Status).Select(g => new { Status = g.Key, Count = g.Sum(c => c.Count) }).ToList();
        var byReason = db.Posts.Where(p => WithReason.Contains(p.Status)).GroupBy(p => new { p.Status, p.FailureReason })
            .Select(g => new { g.Key.Status, g.Key.FailureReason, Count = g.Count() }).ToList();
        var posts = byStatus.Where(s => !WithReason.Contains(s.Status))
            .Select(s => Gauge(s.Count, ("status", s.Status.ToString()), ("reason", "")))
            .Concat(byReason.Select(r => Gauge(r.Count, ("status", r.Status.ToString()), ("reason", r.FailureReason?.ToString() ?? ""))))
            .ToList();

        var hour = now.AddHours(1);
        var due = db.Posts.Count(p => (p.Status == PostStatus.Scheduled || p.Status == PostStatus.Retrying) && p.NextAttemptAt < hour);

        // The verdicts that speak for the posts still to go (Post.CurrentReadiness: made for the content as it stands), as the
        // readiness screen counts them; read from the open posts (the status index), not from every verdict ever made.
        var problems = db.Posts.AsNoTracking()
            .Where(p => (p.Status == PostStatus.Scheduled || p.Status == PostStatus.Retrying) && p.Readiness != null && p.Readiness.State != ReadinessState.Ready)
            .Include(p => p.Readiness).AsEnumerable()
            .SelectMany(p => p.CurrentReadiness?.Problems ?? []).GroupBy(p => p.Code)
            .Select(g => Gauge(g.Count(), ("kind", g.Key.ToString()))).ToList();

        return new Snapshot(stamp, posts, [new Measurement<int>(due)], problems);
    }

    private static Measurement<int> Gauge(int value, params (string Key, string Value)[] tags) =>
        new(value, tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value)).ToArray());

    private sealed record Snapshot(long ReadAt, IReadOnlyList<Measurement<int>> Posts, IReadOnlyList<Measurement<int>> DueNextHour, IReadOnlyList<Measurement<int>> Problems);
}
