using Microsoft.EntityFrameworkCore;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Publishing;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;
using static PostingConsole.Publishing.ClaimAction;

namespace PostingConsole.Tests.Worker;

/// <summary>
/// The dispatcher's rules (<see cref="PostingRules.DecideClaim"/>) as a table, and the claim's SQL (<see cref="ClaimQuery"/>) held
/// against them on generated cases in a real SQLite database: a rule changed on one side only fails here.
/// </summary>
public class ClaimRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 3, 0, 0, DateTimeKind.Utc);

    private static readonly PostingOptions Options = new()
    {
        MaxConcurrency = 3, PerPersonaHourlyLimit = 2, MinIntervalPerPersona = TimeSpan.FromMinutes(5), MissedPostGrace = TimeSpan.FromHours(1),
    };

    public sealed record Row(string Name, ClaimFacts Facts, ClaimAction Action, DateTime? Until = null)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Row> Rows
    {
        get
        {
            var due = Now.AddSeconds(-1);
            return new TheoryData<Row>
            {
                new("due, nothing in the way", new ClaimFacts(due), Claim),
                new("not due yet", new ClaimFacts(Now.AddMinutes(1)), NotDue, Now.AddMinutes(1)),
                new("due exactly now", new ClaimFacts(Now), Claim),
                new("due at the edge of the grace", new ClaimFacts(Now.AddHours(-1)), Claim),
                new("missed: due longer ago than the grace", new ClaimFacts(Now.AddHours(-1).AddSeconds(-1)), Missed),
                new("the budget is spent", new ClaimFacts(due, CallsInFlight: 3), NoBudget),
                new("missed comes before the budget", new ClaimFacts(Now.AddHours(-2), CallsInFlight: 3), Missed),
                new("another post of the persona in flight", new ClaimFacts(due, CallsInFlight: 1, PersonaBusy: true), PersonaBusy),
                new("behind the account's circuit", new ClaimFacts(due, CircuitUntil: Now.AddMinutes(7)), WaitForCircuit, Now.AddMinutes(7)),
                new("a circuit that reopened", new ClaimFacts(due, CircuitUntil: Now), Claim),
                new("outside the posting window (13:00–21:00 KST at 12:00 KST)",
                    new ClaimFacts(due, WindowFrom: new TimeOnly(13, 0), WindowTo: new TimeOnly(21, 0), TimeZone: "Asia/Seoul"), WaitForWindow, Now.AddHours(1)),
                new("inside the posting window", new ClaimFacts(due, WindowFrom: new TimeOnly(9, 0), WindowTo: new TimeOnly(21, 0), TimeZone: "Asia/Seoul"), Claim),
                new("the circuit before the window", new ClaimFacts(due, CircuitUntil: Now.AddMinutes(7), WindowFrom: new TimeOnly(13, 0),
                    WindowTo: new TimeOnly(21, 0), TimeZone: "Asia/Seoul"), WaitForCircuit, Now.AddMinutes(7)),
                new("too soon after the last post", new ClaimFacts(due, LastPublishedAt: Now.AddMinutes(-2)), Spread, Now.AddMinutes(3)),
                new("the interval passed", new ClaimFacts(due, LastPublishedAt: Now.AddMinutes(-5)), Claim),
                new("hourly limit reached", new ClaimFacts(due, LastPublishedAt: Now.AddMinutes(-10), PublishedLastHour: 2, OldestPublishLastHour: Now.AddMinutes(-40)),
                    HourlyLimit, Now.AddMinutes(20)),
                new("under the hourly limit", new ClaimFacts(due, LastPublishedAt: Now.AddMinutes(-10), PublishedLastHour: 1), Claim),
            };
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_row_decides_as_the_rule_book_says(Row row)
    {
        var decision = PostingRules.DecideClaim(row.Facts, Options, Options.MaxConcurrency, Now);
        decision.Action.ShouldBe(row.Action, row.Name);
        if (row.Until is not null) decision.Until.ShouldBe(row.Until, row.Name);
    }

    [Fact]
    public void No_interval_setting_means_no_spreading()
    {
        var options = new PostingOptions { MinIntervalPerPersona = TimeSpan.Zero };
        PostingRules.DecideClaim(new ClaimFacts(Now, LastPublishedAt: Now.AddSeconds(-1)), options, 10, Now).Action.ShouldBe(Claim);
    }

    /// <summary>
    /// 250 generated cases, each a persona, its due post and what surrounds it written to a migrated SQLite database; the claim's
    /// SQL finds the post claimable exactly when <see cref="PostingRules.DecideClaim"/> says Claim for the same facts.
    /// </summary>
    [Fact]
    public async Task The_claims_SQL_agrees_with_the_rules_on_generated_cases()
    {
        using var folder = new TempFolder();
        var options = new DbContextOptionsBuilder<PostingDbContext>().UseSqlite($"Data Source={Path.Combine(folder.Path, "claims.db")};Pooling=False").Options;
        await using var db = new PostingDbContext(options);
        await db.Database.MigrateAsync();

        var random = new Random(2026_12_04);
        var seen = new Dictionary<ClaimAction, int>();
        var disagreements = new List<string>();
        for (var i = 0; i < 250; i++)
        {
            var facts = await WriteCaseAsync(db, random, i);
            var expected = PostingRules.DecideClaim(facts.Facts, Options, Options.MaxConcurrency, Now).Action;
            seen[expected] = seen.GetValueOrDefault(expected) + 1;
            var claimable = await ClaimQuery.Claimable(db, Now, Options, Options.MaxConcurrency).AnyAsync(p => p.Id == facts.PostId);
            if (claimable != (expected == Claim)) disagreements.Add($"case {i}: rules say {expected}, the SQL says {(claimable ? "claimable" : "not claimable")}: {facts.Facts}");
        }

        disagreements.ShouldBeEmpty();
        // Every rule the SQL mirrors was met by some case (the generator reaches each branch).
        seen.Keys.ShouldBe([Claim, NotDue, Missed, NoBudget, PersonaBusy, WaitForCircuit, Spread, HourlyLimit], ignoreOrder: true);
    }

    private sealed record Case(int PostId, ClaimFacts Facts);

    /// <summary>Clears the database and writes one generated case: the candidate, its persona's state and the rest of the fleet's calls in flight.</summary>
    private static async Task<Case> WriteCaseAsync(PostingDbContext db, Random random, int index)
    {
        await db.PostAttempts.ExecuteDeleteAsync();
        await db.Posts.ExecuteDeleteAsync();
        await db.Personas.ExecuteDeleteAsync();
        await db.GraphCallSlots.ExecuteUpdateAsync(s => s.SetProperty(x => x.Until, (DateTime?)null).SetProperty(x => x.HeldBy, (string?)null));
        db.ChangeTracker.Clear();

        T Pick<T>(params T[] values) => values[random.Next(values.Length)];
        var persona = Persona.Create($"p{index}", $"ig{index}", "token", "…", null, Now.AddDays(-1));
        var other = Persona.Create($"o{index}", $"io{index}", "token", "…", null, Now.AddDays(-1));
        db.Personas.AddRange(persona, other);
        await db.SaveChangesAsync();

        var dueAt = Pick(Now.AddSeconds(-1), Now, Now.AddMinutes(-59), Now.AddHours(-1).AddSeconds(-1), Now.AddMinutes(1));
        var post = Post.Create(persona.Id, "https://cdn.example/a.jpg", null, "caption", null, dueAt, null, Now.AddDays(-1));
        db.Posts.Add(post);
        var busy = random.Next(6) == 0;
        var publishedLastHour = Pick(0, 0, 1, 2, 3);
        var othersInFlight = Pick(0, 0, 1, 2, 3);
        var sideCalls = Pick(0, 0, 0, 1);
        var extra = new List<(Post Post, PostStatus Status, DateTime? PublishedAt)>();
        if (busy) extra.Add((NewPost(persona.Id), PostStatus.InProgress, null));
        for (var i = 0; i < publishedLastHour; i++) extra.Add((NewPost(persona.Id), PostStatus.Published, Now.AddMinutes(-50 + i * 10)));
        // A publish just over an hour ago never counts.
        extra.Add((NewPost(persona.Id), PostStatus.Published, Now.AddMinutes(-61)));
        for (var i = 0; i < othersInFlight; i++) extra.Add((NewPost(other.Id), PostStatus.InProgress, null));
        db.Posts.AddRange(extra.Select(e => e.Post));
        await db.SaveChangesAsync();

        var retrying = random.Next(2) == 0;
        await db.Posts.Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.NextAttemptAt, dueAt)
            .SetProperty(p => p.Status, retrying ? PostStatus.Retrying : PostStatus.Scheduled));
        foreach (var (row, status, publishedAt) in extra)
        {
            await db.Posts.Where(p => p.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, status).SetProperty(p => p.PublishedAt, publishedAt));
        }

        var lastPublished = Pick<DateTime?>(null, Now.AddMinutes(-2), Now.AddMinutes(-5), Now.AddMinutes(-30));
        var throttled = Pick<DateTime?>(null, null, Now.AddMinutes(-1), Now, Now.AddMinutes(5));
        await db.Personas.Where(p => p.Id == persona.Id).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.LastPublishedAt, lastPublished)
            .SetProperty(p => p.ThrottledUntil, throttled));
        if (sideCalls > 0)
        {
            await db.GraphCallSlots.Where(s => s.Id <= sideCalls).ExecuteUpdateAsync(s => s.SetProperty(x => x.Until, Now.AddSeconds(30)).SetProperty(x => x.HeldBy, "test"));
        }

        // A slot whose holder ran out of time is free again.
        await db.GraphCallSlots.Where(s => s.Id == GraphCallSlot.Count).ExecuteUpdateAsync(s => s.SetProperty(x => x.Until, Now.AddSeconds(-1)));

        var inFlight = (busy ? 1 : 0) + othersInFlight + sideCalls;
        var oldest = publishedLastHour > 0 ? Now.AddMinutes(-50) : (DateTime?)null;
        return new Case(post.Id, new ClaimFacts(dueAt, inFlight, busy, throttled, LastPublishedAt: lastPublished, PublishedLastHour: publishedLastHour,
            OldestPublishLastHour: oldest));
    }

    private static Post NewPost(int personaId) => Post.Create(personaId, "https://cdn.example/b.jpg", null, "other", null, Now.AddHours(-3), null, Now.AddDays(-1));
}
