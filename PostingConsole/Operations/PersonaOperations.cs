using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Security;
using PostingConsole.Slots;

namespace PostingConsole.Operations;

/// <summary>Operator actions on personas: create, new token, pause, resume, re-slot. Shared by the API and the screens.</summary>
public sealed class PersonaOperations(IDbContextFactory<PostingDbContext> contextFactory, EventHub hub, TimeProvider time,
    TokenProtector tokens, DispatchSignal signal, SlotService slots)
{
    /// <summary>
    /// "다시 배치": the persona's slotted posts not yet due (Scheduled, starting after now + <see cref="SlotService.Lead"/>) are placed again, in
    /// time order, each in its own range, with the scores as they are now. Returns how many moved.
    /// </summary>
    public async Task<OperationResult<int>> ReslotAsync(Actor actor, int personaId, CancellationToken cancellationToken)
    {
        if (!actor.Can(Permission.Operate)) return OperationResult<int>.Forbidden(actor, Permission.Operate);
        using var turn = await slots.PlacingAsync(cancellationToken);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var persona = await db.Personas.AsNoTracking().FirstOrDefaultAsync(p => p.Id == personaId, cancellationToken);
        if (persona is null) return OperationResult<int>.NotFound($"Persona {personaId} does not exist.");
        var journal = new Journal(db, hub, time);
        var earliest = journal.Now + SlotService.Lead;
        // From the earliest time a slot may take (a post placed at it is not due yet), as the placement counts it.
        var posts = await db.Posts.Where(p => p.PersonaId == personaId && p.Slotted && p.Status == PostStatus.Scheduled && p.NextAttemptAt >= earliest)
            .OrderBy(p => p.NextAttemptAt).ToListAsync(cancellationToken);
        var moving = posts.Select(p => p.Id).ToList();
        var moved = 0;
        var placed = new List<DateTime>();
        foreach (var post in posts)
        {
            // The posts moving do not count against this one at their old times; those placed already count at their new ones.
            var (from, to) = slots.Range(post.SlotFrom, post.SlotTo);
            var choice = await slots.PickAsync(db, persona, from, to, moving, cancellationToken, placed);
            if (choice is null)
            {
                placed.Add(post.NextAttemptAt ?? post.ScheduledAt); // its range has no free time now: it keeps its time
                continue;
            }

            if (choice.At != post.ScheduledAt) moved++;
            post.PlaceInSlot(choice.At, choice.Reason, choice.Score, post.SlotFrom ?? from, post.SlotTo ?? to, journal.Now);
            placed.Add(choice.At);
            journal.PostChanged(post);
        }

        journal.Audit(actor, AuditActions.PersonaReslot, $"persona {persona.Name}", $"{moved} of {posts.Count} slotted posts moved");
        try
        {
            await journal.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return OperationResult<int>.ChangedMeanwhile();
        }

        return OperationResult<int>.Ok(moved);
    }

    private static readonly PostStatus[] Waiting = PostStateMachine.Claimable;

    public async Task<OperationResult<Persona>> CreateAsync(Actor actor, string name, string igUserId, string accessToken, string? timeZone, CancellationToken cancellationToken,
        bool aiLabelDefault = true)
    {
        if (!actor.Can(Permission.Administer)) return OperationResult<Persona>.Forbidden(actor, Permission.Administer);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Personas.AnyAsync(p => p.IgUserId == igUserId, cancellationToken))
        {
            return OperationResult<Persona>.Conflict($"A persona with igUserId {igUserId} already exists.");
        }

        var journal = new Journal(db, hub, time);
        var persona = Persona.Create(name, igUserId, tokens.Protect(accessToken), Persona.HintFor(accessToken), timeZone, journal.Now);
        persona.SetAiLabelDefault(aiLabelDefault, journal.Now);
        db.Personas.Add(persona);
        journal.PersonaChanged(persona);
        journal.Audit(actor, AuditActions.PersonaCreate, $"persona igUserId {igUserId}", persona.Name);
        await journal.CommitAsync(cancellationToken);
        return OperationResult<Persona>.Created(persona);
    }

    /// <summary>Re-authorizes: stores the new token, makes the persona Active and releases its Held posts.</summary>
    public Task<OperationResult<Persona>> ReplaceTokenAsync(Actor actor, int personaId, string accessToken, CancellationToken cancellationToken) =>
        ChangeAsync(actor, AuditActions.PersonaToken, $"new token ••••{Persona.HintFor(accessToken)}", personaId, async (persona, journal, db) =>
        {
            persona.ReplaceToken(tokens.Protect(accessToken), Persona.HintFor(accessToken), journal.Now);
            journal.Log(ActivityLevel.Info, Notice.TokenRenewed(persona.Name), personaId: persona.Id);
            await journal.ResolveAlertsAsync(Journal.Incidents.AuthExpired(persona.Id), cancellationToken);
            await journal.ResolveAlertsAsync(Journal.Incidents.TokenExpiring(persona.Id), cancellationToken);
            await journal.ResolveAlertsAsync(Journal.Incidents.Suspended(persona.Id), cancellationToken);
            await ReleaseHeldAsync(db, journal, persona, cancellationToken);
        }, cancellationToken);

    public Task<OperationResult<Persona>> PauseAsync(Actor actor, int personaId, string? reason, CancellationToken cancellationToken) =>
        ChangeAsync(actor, AuditActions.PersonaPause, reason, personaId, async (persona, journal, db) =>
        {
            persona.Pause(reason, journal.Now);
            journal.Log(ActivityLevel.Warning, Notice.Paused(persona.Name), personaId: persona.Id);
            var posts = await db.Posts.Where(p => p.PersonaId == persona.Id && Waiting.Contains(p.Status)).ToListAsync(cancellationToken);
            foreach (var post in posts)
            {
                post.Hold(FailureReason.Unknown, string.IsNullOrWhiteSpace(reason) ? "Persona paused" : $"Persona paused: {reason}", journal.Now);
                journal.PostChanged(post);
            }
        }, cancellationToken);

    /// <summary>Sets (or, both null, clears) the persona's posting window in its own time zone; posts due outside it wait for it.</summary>
    public Task<OperationResult<Persona>> SetPostingWindowAsync(Actor actor, int personaId, TimeOnly? from, TimeOnly? to, CancellationToken cancellationToken) =>
        ChangeAsync(actor, AuditActions.PersonaWindow, from is null ? "none" : $"{from:HH:mm}–{to:HH:mm}", personaId, (persona, journal, _) =>
        {
            persona.SetPostingWindow(from, to, journal.Now);
            journal.Log(ActivityLevel.Info, from is { } opens && to is { } closes
                ? Notice.WindowSet(persona.Name, opens, closes, persona.TimeZone)
                : Notice.WindowCleared(persona.Name), personaId: persona.Id);
            return Task.CompletedTask;
        }, cancellationToken);

    /// <summary>Whether the persona's new posts carry Instagram's AI label unless they say otherwise (posts already made keep theirs).</summary>
    public Task<OperationResult<Persona>> SetAiLabelDefaultAsync(Actor actor, int personaId, bool label, CancellationToken cancellationToken) =>
        ChangeAsync(actor, AuditActions.PersonaAiLabel, label ? "on" : "off", personaId, (persona, journal, _) =>
        {
            persona.SetAiLabelDefault(label, journal.Now);
            return Task.CompletedTask;
        }, cancellationToken);

    public Task<OperationResult<Persona>> ResumeAsync(Actor actor, int personaId, CancellationToken cancellationToken) =>
        ChangeAsync(actor, AuditActions.PersonaResume, null, personaId, async (persona, journal, db) =>
        {
            persona.Resume(journal.Now);
            journal.Log(ActivityLevel.Info, Notice.Resumed(persona.Name), personaId: persona.Id);
            await journal.ResolveAlertsAsync(Journal.Incidents.Suspended(persona.Id), cancellationToken);
            await journal.ResolveAlertsAsync(Journal.Incidents.Spam(persona.Id), cancellationToken);
            await ReleaseHeldAsync(db, journal, persona, cancellationToken);
        }, cancellationToken);

    private static async Task ReleaseHeldAsync(PostingDbContext db, Journal journal, Persona persona, CancellationToken cancellationToken)
    {
        // A post held as a duplicate waits for an operator's decision on it, not on its persona (the failure screen lists it).
        var held = await db.Posts.Where(p => p.PersonaId == persona.Id && p.Status == PostStatus.Held && p.FailureReason != FailureReason.Duplicate)
            .ToListAsync(cancellationToken);
        foreach (var post in held)
        {
            post.Release(journal.Now);
            journal.PostChanged(post);
        }

        if (held.Count > 0) journal.Log(ActivityLevel.Info, Notice.HeldReleased(persona.Name, held.Count), personaId: persona.Id);
    }

    /// <summary>Checks the actor may administer, loads the persona, applies the change and commits it with its audit row.</summary>
    private async Task<OperationResult<Persona>> ChangeAsync(Actor actor, string action, string? detail, int personaId,
        Func<Persona, Journal, PostingDbContext, Task> change, CancellationToken cancellationToken)
    {
        if (!actor.Can(Permission.Administer)) return OperationResult<Persona>.Forbidden(actor, Permission.Administer);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var persona = await db.Personas.FirstOrDefaultAsync(p => p.Id == personaId, cancellationToken);
        if (persona is null) return OperationResult<Persona>.NotFound($"Persona {personaId} does not exist.");

        var journal = new Journal(db, hub, time);
        await change(persona, journal, db);
        journal.Audit(actor, action, $"persona {persona.Id}", detail);
        journal.PersonaChanged(persona);
        try
        {
            await journal.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // One of the persona's posts was claimed or changed between the read and the save: nothing was written.
            return OperationResult<Persona>.ChangedMeanwhile();
        }

        signal.Wake();
        return OperationResult<Persona>.Ok(persona);
    }
}
