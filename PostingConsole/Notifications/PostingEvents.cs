using PostingConsole.Domain;

namespace PostingConsole.Notifications;

/// <summary>What the console tells open screens. Events carry ids and the new state, never EF entities.</summary>
public abstract record PostingEvent(DateTime OccurredAt)
{
    /// <summary>Published by another console process on the same PostgreSQL database and relayed here.</summary>
    public bool FromOtherProcess { get; init; }
}

public sealed record PostChanged(DateTime OccurredAt, int PostId, int PersonaId, PostStatus Status, FailureReason? FailureReason)
    : PostingEvent(OccurredAt);

public sealed record PersonaChanged(DateTime OccurredAt, int PersonaId, PersonaStatus Status)
    : PostingEvent(OccurredAt);

/// <param name="Message">The Korean wording of <paramref name="Notice"/>; screens word the notice in their viewer's language.</param>
public sealed record ActivityLogged(DateTime OccurredAt, long EntryId, ActivityLevel Level, string Message, int? PostId, int? PersonaId, Notice? Notice = null)
    : PostingEvent(OccurredAt);

/// <param name="Message">The Korean wording of <paramref name="Notice"/>; screens word the notice in their viewer's language.</param>
public sealed record AlertRaised(DateTime OccurredAt, long AlertId, AlertKind Kind, string Message, int? PersonaId, int? PostId, Notice? Notice = null)
    : PostingEvent(OccurredAt);

public sealed record DispatchChanged(DateTime OccurredAt, bool Running, int InFlight, DateTime? LastTickAt)
    : PostingEvent(OccurredAt);

/// <summary>An outbound event was committed to the outbox; the webhook sender wakes up.</summary>
public sealed record WebhookQueued(DateTime OccurredAt, string Type) : PostingEvent(OccurredAt);

/// <summary>A pass of the alert channels' outbox delivered or retried something: the alerts' page shows the new states.</summary>
public sealed record AlertDeliveriesChanged(DateTime OccurredAt) : PostingEvent(OccurredAt);
