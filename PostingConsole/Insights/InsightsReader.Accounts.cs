using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Publishing;
using PostingConsole.Publishing.Graph;


namespace PostingConsole.Insights;

/// <summary>The insights reader's reads of an account: its daily read with its newest media, and its audience alone.</summary>
public sealed partial class InsightsReader
{
    /// <summary>The account's quota or audience was not read for this long: the next insights read of it carries them (one call).</summary>
    public static readonly TimeSpan AccountReadAge = TimeSpan.FromHours(12);

    private bool AccountReadDue(Persona persona, DateTime now) =>
        (persona.QuotaCheckedAt is not { } quota || quota < now - AccountReadAge
         || persona.OnlineFollowersReadAt is not { } audience || audience < now - AccountReadAge)
        && !(accountReadFailed.TryGetValue(persona.Id, out var failed) && failed > now - TimeSpan.FromDays(1));

    /// <summary>When an account's read with its media last failed for one of them (its reads go by ids for a day, not paying for it again).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, DateTime> accountReadFailed = new();

    /// <summary>
    /// The account's daily read with its newest feed media's insights (docs/insights.md#calls): records the quota, the audience and
    /// the metrics of the posts found in it. Returns the posts still to read (not among the newest, or the read failed for one of
    /// the media: they are read by ids), or null when the account's reads stop for this pass.
    /// </summary>
    private async Task<List<Post>?> ReadWithAccountAsync(PostingDbContext db, Journal journal, Persona persona, string token, List<Post> posts, Tally tally,
        CancellationToken cancellationToken)
    {
        GraphResult<AccountRead> read;
        await using (var slot = await TakeSlotAsync(db, tally, cancellationToken))
        {
            if (slot is null) return null;
            read = await graph.GetAccountAsync(persona.IgUserId, token, audience: true, cancellationToken, PostMetrics.FeedMetrics, AccountMediaLimit);
            tally.AccountReads++;
        }

        if (!read.Succeeded)
        {
            var decision = PostingRules.InsightsReadFailed(read.Error, read.Usage, batch: true, posting.Value, journal.Now);
            // One media without insights (too few viewers, deleted), or the insights permission missing: the posts are read by ids,
            // where each is found; the account's quota and audience come with the morning check.
            if (decision.Action is InsightsAction.ReadEachAlone or InsightsAction.End or InsightsAction.Later)
            {
                accountReadFailed[persona.Id] = journal.Now;
                return posts;
            }
            return await ApplyAsync(db, journal, persona, posts, decision, read.Error, tally, cancellationToken) ? posts : null;
        }

        await circuits.SucceededAsync(persona, read.Usage, cancellationToken);
        var now = journal.Now;
        persona.RecordQuota(read.Value.Limit.QuotaUsage, read.Value.Limit.Config.QuotaTotal, now);
        if (read.Value.Audience is { } days)
        {
            persona.RecordOnlineFollowers(AudienceCurve.ToLocalHours(days, TimeZoneInfo.FindSystemTimeZoneById(options.Value.OnlineFollowersTimeZone),
                TimeZoneInfo.FindSystemTimeZoneById(persona.TimeZone)), now);
            tally.Audiences++;
        }

        journal.PersonaChanged(persona);
        var media = read.Value.Media ?? new Dictionary<string, PostMetrics>();
        foreach (var post in posts.Where(p => media.ContainsKey(p.MediaId!))) Record(db, journal, post, media[post.MediaId!], tally);
        return posts.Where(p => !media.ContainsKey(p.MediaId!)).ToList();
    }

    /// <summary>The newest media the account's daily read carries: more than three days of a persona posting a few times a day.</summary>
    public const int AccountMediaLimit = 25;

    /// <summary>Each active persona's <c>online_followers</c>, once a day (asked whether or not it answers).</summary>
    private async Task ReadAudiencesAsync(Tally tally, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = Now;
        var dayAgo = now - AudienceInterval;
        var due = await db.Personas.Where(p => p.Status == PersonaStatus.Active && (p.OnlineFollowersReadAt == null || p.OnlineFollowersReadAt < dayAgo))
            .OrderBy(p => p.OnlineFollowersReadAt != null).ThenBy(p => p.OnlineFollowersReadAt).ThenBy(p => p.Id)
            .Select(p => p.Id).ToListAsync(cancellationToken);
        var metaZone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.OnlineFollowersTimeZone);
        foreach (var personaId in due.Where(id => circuits.BlockedUntil(id, now) is null).Take(AudiencesPerPass))
        {
            db.ChangeTracker.Clear();
            var persona = await db.Personas.SingleAsync(p => p.Id == personaId, cancellationToken);
            GraphResult<IReadOnlyList<OnlineFollowersDay>> read;
            await using (var slot = await TakeSlotAsync(db, tally, cancellationToken))
            {
                if (slot is null) return;
                // Asked today, whatever comes of it (written before the call).
                await db.Personas.Where(p => p.Id == personaId).ExecuteUpdateAsync(s => s.SetProperty(p => p.OnlineFollowersReadAt, now), cancellationToken);
                read = await graph.GetOnlineFollowersAsync(persona.IgUserId, tokens.Unprotect(persona.ProtectedToken), cancellationToken);
            }

            var journal = new Journal(db, hub, time);
            if (read.Succeeded)
            {
                await circuits.SucceededAsync(persona, read.Usage, cancellationToken);
                var zone = TimeZoneInfo.FindSystemTimeZoneById(persona.TimeZone);
                persona.RecordOnlineFollowers(AudienceCurve.ToLocalHours(read.Value, metaZone, zone), journal.Now);
                journal.PersonaChanged(persona);
                tally.Audiences++;
            }
            else
            {
                var decision = PostingRules.InsightsReadFailed(read.Error, read.Usage, batch: false, posting.Value, journal.Now);
                persona.RecordOnlineFollowersAsked(now);
                if (decision.Action == InsightsAction.Account) await ApplyAsync(db, journal, persona, [], decision, read.Error, tally, cancellationToken);
                else logger.InsightsReadLater(persona.Id, read.Error.ToString(), now + AudienceInterval);
            }

            try
            {
                await journal.CommitAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // A post of the persona was claimed while its posts were being held: the next day's read tries again.
            }
        }
    }
}
