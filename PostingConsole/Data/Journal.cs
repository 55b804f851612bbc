using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;

namespace PostingConsole.Data;

/// <summary>
/// Collects what one unit of work changed — posts, personas, log lines, alerts — and publishes it to the
/// <see cref="EventHub"/> only after the database commit succeeded, once each.
/// </summary>
public sealed class Journal(PostingDbContext db, EventHub hub, TimeProvider time)
{
    private readonly List<Func<PostingEvent>> pending = [];

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    public void PostChanged(Post post) =>
        pending.Add(() => new PostChanged(Now, post.Id, post.PersonaId, post.Status, post.FailureReason));

    public void PersonaChanged(Persona persona) =>
        pending.Add(() => new PersonaChanged(Now, persona.Id, persona.Status));

    /// <summary>A line of the live log: the notice, stored as its code and arguments with its Korean wording.</summary>
    public void Log(ActivityLevel level, Notice notice, int? postId = null, int? personaId = null)
    {
        var entry = new ActivityLogEntry
        {
            At = Now, Level = level, Message = Fit(notice.Korean(), 2000), Code = notice.Code, Args = notice.ArgsJson(), PostId = postId, PersonaId = personaId,
        };
        db.ActivityLog.Add(entry);
        pending.Add(() => new ActivityLogged(entry.At, entry.Id, entry.Level, entry.Message, entry.PostId, entry.PersonaId, notice));
    }

    private static string Fit(string text, int length) => text.Length > length ? text[..(length - 1)] + "…" : text;

    /// <summary>Records who did this unit of work's action; saved with the change itself, or not at all.</summary>
    public void Audit(Actor actor, string action, string target, string? detail = null) =>
        db.AuditLog.Add(AuditEntry.For(actor, action, target, detail, Now));

    /// <summary>Queues an outbound event (docs/architecture.md#the-api) with this unit of work: committed with it, or not at all.</summary>
    public void Webhook(string type, object fields)
    {
        db.WebhookMessages.Add(WebhookMessage.Create(type, fields, Now));
        pending.Add(() => new WebhookQueued(Now, type));
    }

    /// <summary>Raises an alert unless one for the same incident is still open. Returns true when a new one was raised.</summary>
    public async Task<bool> RaiseAlertAsync(AlertKind kind, string incidentKey, Notice notice, int? personaId, int? postId, CancellationToken cancellationToken)
    {
        var open = db.Alerts.Local.Any(a => a.IncidentKey == incidentKey && a.ResolvedAt == null)
            || await db.Alerts.AnyAsync(a => a.IncidentKey == incidentKey && a.ResolvedAt == null, cancellationToken);
        if (open) return false;

        var message = Fit(notice.Korean(), 1000);
        var alert = new Alert
        {
            At = Now, Kind = kind, IncidentKey = incidentKey, Message = message, Code = notice.Code, Args = notice.ArgsJson(), PersonaId = personaId, PostId = postId,
            DeliveryPending = true, DeliveryNextAt = Now, // for the alert channels (Worker/AlertSender), committed with the incident
        };
        db.Alerts.Add(alert);
        pending.Add(() => new AlertRaised(alert.At, alert.Id, alert.Kind, alert.Message, alert.PersonaId, alert.PostId, notice));
        // One outbound event per incident, as with the alert itself.
        if (WebhookTypeOf(kind) is { } type) Webhook(type, new { personaId, postId, message });
        return true;
    }

    /// <summary>Closes the open alert of an incident (the token was replaced, the persona resumed).</summary>
    public Task ResolveAlertsAsync(string incidentKey, CancellationToken cancellationToken) => ResolveAlertsAsync([incidentKey], cancellationToken);

    /// <summary>Closes the open alerts of these incidents (posts an operator sent again: a next failure is a new incident).</summary>
    public async Task ResolveAlertsAsync(IReadOnlyCollection<string> incidentKeys, CancellationToken cancellationToken)
    {
        var open = await db.Alerts.Where(a => incidentKeys.Contains(a.IncidentKey) && a.ResolvedAt == null).ToListAsync(cancellationToken);
        foreach (var alert in open) alert.ResolvedAt = Now;
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        Publish();
    }

    /// <summary>Publishes what is pending; call only after the changes behind it were saved.</summary>
    public void Publish()
    {
        var events = pending.Select(e => e()).ToList();
        pending.Clear();
        hub.Publish(events);
    }

    private static string? WebhookTypeOf(AlertKind kind) => kind switch
    {
        AlertKind.AuthExpired => WebhookTypes.PersonaNeedsReauth,
        AlertKind.AccountSuspended => WebhookTypes.PersonaSuspended,
        AlertKind.ImageNeedsRegeneration => WebhookTypes.ImageNeedsRegeneration,
        _ => null,
    };

    public static class Incidents
    {
        public static string AuthExpired(int personaId) => $"persona:{personaId}:auth";
        public static string Suspended(int personaId) => $"persona:{personaId}:suspended";
        public static string Spam(int personaId) => $"persona:{personaId}:spam";
        public static string ImageInvalid(int postId) => $"post:{postId}:image";
        public static string Missed(int personaId) => $"persona:{personaId}:missed";
        public static string PostFailed(int postId) => $"post:{postId}:failed";
        public static string TokenExpiring(int personaId) => $"persona:{personaId}:token-expiring";
        public static string NotReady(int personaId) => $"persona:{personaId}:not-ready";
    }
}
