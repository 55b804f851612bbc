using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;

namespace PostingConsole.Operations;

/// <summary>Operator actions on personas: create, new token, pause, resume. Shared by the API and the screens.</summary>
public sealed class PersonaOperations(IDbContextFactory<PostingDbContext> contextFactory, EventHub hub, TimeProvider time,
    TokenProtector tokens, DispatchSignal signal)
{
    private static readonly PostStatus[] Waiting = [PostStatus.Scheduled, PostStatus.Retrying];

    public async Task<OperationResult<Persona>> CreateAsync(string name, string igUserId, string accessToken, string? timeZone, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Personas.AnyAsync(p => p.IgUserId == igUserId, cancellationToken))
        {
            return OperationResult<Persona>.Conflict($"A persona with igUserId {igUserId} already exists.");
        }

        var journal = new Journal(db, hub, time);
        var persona = Persona.Create(name, igUserId, tokens.Protect(accessToken), Persona.HintFor(accessToken), timeZone, journal.Now);
        db.Personas.Add(persona);
        journal.PersonaChanged(persona);
        await journal.CommitAsync(cancellationToken);
        return OperationResult<Persona>.Created(persona);
    }

    /// <summary>Re-authorizes: stores the new token, makes the persona Active and releases its Held posts.</summary>
    public Task<OperationResult<Persona>> ReplaceTokenAsync(int personaId, string accessToken, CancellationToken cancellationToken) =>
        ChangeAsync(personaId, async (persona, journal, db) =>
        {
            persona.ReplaceToken(tokens.Protect(accessToken), Persona.HintFor(accessToken), journal.Now);
            journal.Log(ActivityLevel.Info, $"🔑 페르소나 '{persona.Name}' 토큰 갱신", personaId: persona.Id);
            await journal.ResolveAlertsAsync(Journal.Incidents.AuthExpired(persona.Id), cancellationToken);
            await journal.ResolveAlertsAsync(Journal.Incidents.Suspended(persona.Id), cancellationToken);
            await ReleaseHeldAsync(db, journal, persona, cancellationToken);
        }, cancellationToken);

    public Task<OperationResult<Persona>> PauseAsync(int personaId, string? reason, CancellationToken cancellationToken) =>
        ChangeAsync(personaId, async (persona, journal, db) =>
        {
            persona.Pause(reason, journal.Now);
            journal.Log(ActivityLevel.Warning, $"⏸ 페르소나 '{persona.Name}' 포스팅 일시 중단", personaId: persona.Id);
            var posts = await db.Posts.Where(p => p.PersonaId == persona.Id && Waiting.Contains(p.Status)).ToListAsync(cancellationToken);
            foreach (var post in posts)
            {
                post.Hold(FailureReason.Unknown, string.IsNullOrWhiteSpace(reason) ? "페르소나 일시 중단" : $"페르소나 일시 중단: {reason}", journal.Now);
                journal.PostChanged(post);
            }
        }, cancellationToken);

    public Task<OperationResult<Persona>> ResumeAsync(int personaId, CancellationToken cancellationToken) =>
        ChangeAsync(personaId, async (persona, journal, db) =>
        {
            persona.Resume(journal.Now);
            journal.Log(ActivityLevel.Info, $"▶ 페르소나 '{persona.Name}' 포스팅 재개", personaId: persona.Id);
            await journal.ResolveAlertsAsync(Journal.Incidents.Suspended(persona.Id), cancellationToken);
            await ReleaseHeldAsync(db, journal, persona, cancellationToken);
        }, cancellationToken);

    private async Task ReleaseHeldAsync(PostingDbContext db, Journal journal, Persona persona, CancellationToken cancellationToken)
    {
        var held = await db.Posts.Where(p => p.PersonaId == persona.Id && p.Status == PostStatus.Held).ToListAsync(cancellationToken);
        foreach (var post in held)
        {
            post.Release(journal.Now);
            journal.PostChanged(post);
        }

        if (held.Count > 0) journal.Log(ActivityLevel.Info, $"페르소나 '{persona.Name}' 보류 포스팅 {held.Count}개 대기열 복귀", personaId: persona.Id);
    }

    private async Task<OperationResult<Persona>> ChangeAsync(int personaId, Func<Persona, Journal, PostingDbContext, Task> change, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var persona = await db.Personas.FirstOrDefaultAsync(p => p.Id == personaId, cancellationToken);
        if (persona is null) return OperationResult<Persona>.NotFound($"Persona {personaId} does not exist.");

        var journal = new Journal(db, hub, time);
        await change(persona, journal, db);
        journal.PersonaChanged(persona);
        await journal.CommitAsync(cancellationToken);
        signal.Wake();
        return OperationResult<Persona>.Ok(persona);
    }
}
