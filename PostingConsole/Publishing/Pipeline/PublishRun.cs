using System.Diagnostics;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Publishing.Pipeline;

/// <summary>Meta has the post live: its media id (null when a PUBLISHED container's media could not be found) and its permalink, if read.</summary>
public sealed record LiveMedia(string? MediaId, string? Permalink = null);

/// <summary>
/// One claimed post's pass through the <see cref="IPublishStep"/>s: what the steps share, passed from one to the next. The
/// post and its persona are tracked by <see cref="Db"/>; every save is conditional on the claim number the run started with.
/// </summary>
public sealed record PublishRun(PostingDbContext Db, Post Post, Persona Persona, PostClaim Claim, Journal Journal, CancellationToken CancellationToken)
{
    /// <summary>The persona's access token, unprotected by the persona step (never logged, never stored).</summary>
    public string Token { get; set; } = "";

    /// <summary>The readiness check's verdict on the post as it stands (null: none, or made for an older version of it).</summary>
    public PostReadiness? Readiness { get; set; }

    /// <summary>Set once the post is live on Instagram (published by this run, or found by reconciling); the permalink step completes it.</summary>
    public LiveMedia? Live { get; set; }

    /// <summary>This run made a video container: Meta processes it for a while, so it is read until FINISHED before media_publish.</summary>
    public bool ContainerProcessing { get; set; }

    /// <summary>This run waited for a carousel's children after Meta found one not ready (once: a second refusal is an error).</summary>
    public bool ChildrenWaited { get; set; }

    /// <summary>This run's media_publish met an answer that left the outcome unknown, and Meta was asked what became of the container.</summary>
    public bool Reconciled { get; set; }

    /// <summary>When this run began waiting for each container: one wait per container and run, bounded by <c>Graph:ContainerWaitLimit</c>.</summary>
    public Dictionary<string, Stopwatch> Waits { get; } = [];

    public DateTime Now => Journal.Now;
}
