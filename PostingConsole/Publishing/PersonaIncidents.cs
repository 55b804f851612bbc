using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;

namespace PostingConsole.Publishing;

/// <summary>
/// Carries out the account-level part of a <see cref="PostingDecision"/>, wherever the error was met (publishing a post,
/// the daily account check): a dead token or missing permission → NeedsReauth; restricted or policy → Suspended;
/// suspected spam → Paused until an operator resumes it. Either way the persona's waiting posts are Held (never failed)
/// and one alert is raised for the incident.
/// </summary>
public static class PersonaIncidents
{
    /// <summary>Applies the decision's persona action; false when it has none.</summary>
    /// <param name="current">The post whose call met the error (held too), if any.</param>
    public static async Task<bool> TryHandleAsync(PostingDbContext db, Journal journal, Persona persona, PostingDecision decision, string detail,
        Post? current, CancellationToken cancellationToken)
    {
        switch (decision.Persona)
        {
            case PersonaAction.NeedsReauth:
                persona.MarkNeedsReauth(detail, journal.Now);
                await HoldAsync(db, journal, persona, current, FailureReason.AuthExpired, detail, cancellationToken);
                await journal.RaiseAlertAsync(AlertKind.AuthExpired, Journal.Incidents.AuthExpired(persona.Id),
                    Notice.AuthExpiredAlert(persona.Name), persona.Id, current?.Id, cancellationToken);
                journal.Log(ActivityLevel.Error, Notice.AuthExpired(persona.Name, detail), current?.Id, persona.Id);
                return true;

            case PersonaAction.Suspend:
                persona.MarkSuspended(detail, journal.Now);
                await HoldAsync(db, journal, persona, current, decision.Reason, detail, cancellationToken);
                await journal.RaiseAlertAsync(AlertKind.AccountSuspended, Journal.Incidents.Suspended(persona.Id),
                    Notice.SuspendedAlert(persona.Name), persona.Id, current?.Id, cancellationToken);
                journal.Log(ActivityLevel.Error, Notice.Suspended(persona.Name, detail), current?.Id, persona.Id);
                return true;

            case PersonaAction.StopForSpam:
                persona.Pause($"Meta suspects spam (4/2207051): {detail}", journal.Now);
                await HoldAsync(db, journal, persona, current, decision.Reason, detail, cancellationToken);
                await journal.RaiseAlertAsync(AlertKind.SpamSuspected, Journal.Incidents.Spam(persona.Id),
                    Notice.SpamAlert(persona.Name), persona.Id, current?.Id, cancellationToken);
                journal.Log(ActivityLevel.Error, Notice.SpamSuspected(persona.Name, detail), current?.Id, persona.Id);
                return true;

            default:
                return false;
        }
    }

    private static async Task HoldAsync(PostingDbContext db, Journal journal, Persona persona, Post? current, FailureReason reason, string detail,
        CancellationToken cancellationToken)
    {
        current?.Hold(reason, detail, journal.Now);
        var waiting = PostStateMachine.Claimable;
        var others = await db.Posts.Where(p => p.PersonaId == persona.Id && waiting.Contains(p.Status)).ToListAsync(cancellationToken);
        foreach (var other in others.Where(p => p.Id != current?.Id))
        {
            other.Hold(reason, detail, journal.Now);
            journal.PostChanged(other);
        }
    }
}
