using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing.Pipeline;

/// <summary>
/// How a step talks to Meta and saves: every Graph call is recorded as an attempt, keeps the claim's heartbeat, closes the
/// account's throttle circuit on a clean answer, and is never made while the account is behind a circuit (the post waits
/// behind it instead, see <see cref="PostingRules.BehindCircuit"/>). Saves extend the lease, conditional on the claim.
/// </summary>
public sealed class PublishCalls(
    GraphClient graph,
    ClaimLeases leases,
    ThrottleCircuits circuits,
    RunOutcomes outcomes,
    IOptions<PostingOptions> options,
    ILogger<PostPublisher> logger)
{
    public GraphClient Graph => graph;

    /// <summary>
    /// One Graph call, unless the account is behind a throttle circuit: then the post waits behind it (when
    /// <paramref name="waitBehind"/>) and null is returned with nothing sent.
    /// </summary>
    /// <param name="waitBehind">False for a read that must not move the post (the permalink of a post already live).</param>
    public async Task<GraphResult<T>?> CallAsync<T>(PublishRun run, string step, Func<Task<GraphResult<T>>> call, Func<T, string?> describe,
        bool waitBehind = true) where T : notnull
    {
        if (waitBehind ? await WaitIfBehindCircuitAsync(run) : circuits.BlockedUntil(run.Persona.Id, run.Now) is not null) return null;

        leases.Progress(run.Claim);
        var result = await call();
        leases.Progress(run.Claim);
        Record(run, step, result, result.Succeeded ? describe(result.Value) : null);
        // Usage is taken from clean answers: a throttled one opens a circuit instead.
        if (result.Succeeded) await circuits.SucceededAsync(run.Persona, result.Usage, run.CancellationToken);
        return result;
    }

    /// <summary>The account's throttle circuit is open: the post waits behind it, before anything is stored or sent.</summary>
    public async Task<bool> WaitIfBehindCircuitAsync(PublishRun run)
    {
        if (circuits.BlockedUntil(run.Persona.Id, run.Now) is not { } until) return false;
        await outcomes.CarryOutAsync(run, PostingRules.BehindCircuit(until), $"Meta call limit: waiting until {until:u}", recordError: false);
        return true;
    }

    /// <summary>
    /// <c>POST /{ig-user-id}/media</c> with the lease held (<see cref="LeaseHeldAsync"/>); null when the claim was lost or the
    /// account is behind a throttle circuit (nothing sent). <paramref name="itemLabel"/> ("2/3") names a carousel child.
    /// </summary>
    public async Task<GraphResult<string>?> CreateContainerAsync(PublishRun run, string step, ContainerRequest request, string? itemLabel = null)
    {
        if (!await LeaseHeldAsync(run, itemLabel is null ? "before creating the container" : $"before creating carousel item {itemLabel}")) return null;
        return await CallAsync(run, step, () => graph.CreateContainerAsync(run.Persona.IgUserId, run.Token, request, run.CancellationToken),
            id => itemLabel is null ? $"container {id}" : $"item {itemLabel}: container {id}");
    }

    /// <summary>Saves what the run changed, conditional on its claim number, and extends the lease.</summary>
    public async Task SaveAsync(PublishRun run)
    {
        run.Post.ExtendLease(run.Now + options.Value.LeaseDuration);
        await run.Db.SaveChangesAsync(run.CancellationToken);
        leases.Progress(run.Claim);
    }

    /// <summary>A step's note in the attempt log that is not a Graph answer (e.g. the CDN pre-fetch failed).</summary>
    public void Note(PublishRun run, string step, string message) =>
        run.Db.PostAttempts.Add(new PostAttempt { PostId = run.Post.Id, ClaimNumber = run.Claim.Number, At = run.Now, Step = step, Succeeded = false, Message = message });

    public void LogLostClaim(PublishRun run, string where) => logger.ClaimLost(run.Claim.PostId, run.Claim.Number, where);

    /// <summary>
    /// Before a container POST: the lease was set (claim or save) less than a quarter lease ago, as far as this run knows, so
    /// no other dispatcher can have taken the post over (that needs the lease to run out); else it is renewed, conditional on
    /// the claim. An operator's change meanwhile costs at most an unused container: the save before media_publish is conditional.
    /// </summary>
    private async Task<bool> LeaseHeldAsync(PublishRun run, string where)
    {
        var fresh = run.Post.LeaseUntil is { } until && until - run.Now >= options.Value.LeaseDuration * 3 / 4;
        if (fresh || await leases.RenewAsync(run.Claim, run.CancellationToken)) return true;
        LogLostClaim(run, where);
        return false;
    }

    private void Record<T>(PublishRun run, string step, GraphResult<T> result, string? success) where T : notnull
    {
        var error = result.Error;
        run.Db.PostAttempts.Add(new PostAttempt
        {
            PostId = run.Post.Id,
            ClaimNumber = run.Claim.Number,
            At = run.Now,
            Step = step,
            Succeeded = result.Succeeded,
            HttpStatus = result.HttpStatus,
            Code = error?.Code,
            Subcode = error?.Subcode,
            Message = error?.ToString() ?? success,
            FbtraceId = error?.FbtraceId,
            DurationMs = result.DurationMs,
        });
        if (error is not null)
        {
            logger.GraphCallFailed(step, run.Post.Id, result.HttpStatus, error.Code, error.Subcode, error.FbtraceId, error.Message);
        }
    }
}
