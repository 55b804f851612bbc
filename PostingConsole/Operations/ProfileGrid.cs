using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Publishing;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Operations;

/// <summary>One square of a persona's grid: a post of the console's (upcoming or published), or a media of the account's from Meta.</summary>
public sealed record GridTile(DateTime At, Post? Post = null, ProfileMedia? Media = null)
{
    public bool Upcoming => Post is { Status: not PostStatus.Published };
}

/// <summary>A persona's profile as it will look: upcoming posts above the published ones, and its stories apart.</summary>
/// <param name="MetaReadAt">When the account's media were read from Meta (null: not read, e.g. the call budget was full or the account is behind a circuit).</param>
public sealed record PersonaGrid(Persona Persona, IReadOnlyList<GridTile> Upcoming, IReadOnlyList<GridTile> Published, IReadOnlyList<Post> Stories, DateTime? MetaReadAt);

/// <summary>
/// The grid preview (<c>/personas/{id}/grid</c>): the profile's 3-column grid before it happens. Upcoming feed posts come first,
/// newest at the top left as Instagram shows them, then the published ones: the console's own and the account's recent media
/// from Meta (posts made in the app too), read once when the grid is opened and kept for <see cref="CacheFor"/>. That read is
/// one Graph call in a free place of the call budget (never one a due post waits for), never to an account behind a circuit.
/// Stories do not enter the grid: they are listed beside it.
/// </summary>
public sealed class ProfileGrid(
    IDbContextFactory<PostingDbContext> contextFactory, GraphClient graph, GraphCallBudget budget, ThrottleCircuits circuits, TokenProtector tokens, TimeProvider time)
{
    public const int Squares = 30;

    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<int, (DateTime ReadAt, IReadOnlyList<ProfileMedia> Media)> read = new();

    public async Task<PersonaGrid?> GetAsync(int personaId, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Personas.AsNoTracking().FirstOrDefaultAsync(p => p.Id == personaId, cancellationToken) is not { } persona) return null;
        // What will go out: waiting, held with its persona, or going now (a failed post waits for an operator, not the grid).
        List<PostStatus> waiting = [PostStatus.Scheduled, PostStatus.Retrying, PostStatus.Held, PostStatus.InProgress];
        var upcoming = await db.Posts.AsNoTracking().Include(p => p.Persona)
            .Where(p => p.PersonaId == personaId && waiting.Contains(p.Status)).OrderByDescending(p => p.ScheduledAt).Take(Squares * 2).ToListAsync(cancellationToken);
        var published = await db.Posts.AsNoTracking().Include(p => p.Persona)
            .Where(p => p.PersonaId == personaId && p.Status == PostStatus.Published && p.MediaType != MediaType.Stories)
            .OrderByDescending(p => p.PublishedAt).Take(Squares).ToListAsync(cancellationToken);

        var (metaAt, media) = await MediaAsync(persona, cancellationToken);
        var ours = published.Select(p => p.MediaId).OfType<string>().ToHashSet();
        var tiles = published.Select(p => new GridTile(p.PublishedAt ?? p.ScheduledAt, p))
            .Concat(media.Where(m => !ours.Contains(m.Id)).Select(m => new GridTile(Publishing.Graph.GraphTime.Parse(m.Timestamp), Media: m)))
            .OrderByDescending(t => t.At).Take(Squares).ToList();
        return new PersonaGrid(persona,
            upcoming.Where(p => p.MediaType != MediaType.Stories).Select(p => new GridTile(p.ScheduledAt, p)).ToList(),
            tiles,
            upcoming.Where(p => p.MediaType == MediaType.Stories).OrderBy(p => p.ScheduledAt).ToList(),
            metaAt);
    }

    /// <summary>The account's recent media, read from Meta at most once per <see cref="CacheFor"/>; none when no call can be made now.</summary>
    private async Task<(DateTime? ReadAt, IReadOnlyList<ProfileMedia> Media)> MediaAsync(Persona persona, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (read.TryGetValue(persona.Id, out var cached) && now - cached.ReadAt < CacheFor) return cached;
        if (!persona.CanPublish || circuits.BlockedUntil(persona.Id, now) is not null) return (null, []);
        var answer = await budget.TryCallAsync(() => graph.ListProfileMediaAsync(persona.IgUserId, tokens.Unprotect(persona.ProtectedToken), Squares, cancellationToken),
            cancellationToken);
        if (answer is not { Succeeded: true }) return (null, []);
        await circuits.SucceededAsync(persona, answer.Usage, cancellationToken);
        var fresh = (now, answer.Value);
        read[persona.Id] = fresh;
        return fresh;
    }
}
