using PostingConsole.Domain;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Publishing;

/// <summary>
/// A run that begins mid-flight (a retry of a post whose container is stored) reconciles first, and still reconciles an
/// answer to its own media_publish that leaves the outcome unknown: once per answer, not once per run.
/// </summary>
public class MidFlightRunTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>The first run's media_publish gets a 500: the post waits to retry with its container stored.</summary>
    private async Task<(Persona Persona, Post Post)> RetryingWithItsContainerAsync()
    {
        var persona = await app.AddPersonaAsync();
        app.Sandbox.FailNext(persona.IgUserId, SandboxCall.Publish, 1);
        var post = await app.AddPostAsync(persona);
        await app.RunOnceAsync();
        var retrying = await app.ReadPostAsync(post.Id);
        retrying.Status.ShouldBe(PostStatus.Retrying);
        retrying.ContainerId.ShouldNotBeNull();
        app.Time.Advance(TimeSpan.FromMinutes(6));
        return (persona, post);
    }

    [Fact]
    public async Task A_lost_answer_to_the_retried_publish_is_reconciled_in_the_same_run_and_the_post_is_live_once()
    {
        var (persona, post) = await RetryingWithItsContainerAsync();
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.LostPublishAnswer, times: 1);

        await app.RunOnceAsync();

        var live = await app.ReadPostAsync(post.Id);
        live.Status.ShouldBe(PostStatus.Published);
        live.MediaId.ShouldNotBeNull();
        live.TransientRetries.ShouldBe(1); // the lost answer cost no retry: reconciling found it live
        app.Sandbox.AllMedia.Count.ShouldBe(1);
        var secondRun = live.Attempts.Where(a => a.ClaimNumber == live.ClaimNumber).OrderBy(a => a.Id).Select(a => a.Step).ToList();
        secondRun.ShouldBe([PublishSteps.Reconcile, PublishSteps.Publish, PublishSteps.Reconcile, PublishSteps.Reconcile]);
    }

    [Fact]
    public async Task Suspected_spam_after_the_retried_publish_went_out_leaves_the_post_published_and_pauses_the_persona()
    {
        var (persona, post) = await RetryingWithItsContainerAsync();
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.SpamAfterPublish, times: 1);

        await app.RunOnceAsync();

        (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Published);
        (await app.ReadPersonaAsync(persona.Id)).Status.ShouldBe(PersonaStatus.Paused);
        app.Sandbox.AllMedia.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_full_quota_defers_the_post_and_says_why()
    {
        var persona = await app.AddPersonaAsync(fault: SandboxFault.QuotaReached);
        var post = await app.AddPostAsync(persona);

        await app.RunOnceAsync();

        var deferred = await app.ReadPostAsync(post.Id);
        deferred.Status.ShouldBe(PostStatus.Scheduled);
        deferred.FailureReason.ShouldBe(FailureReason.QuotaReached);
        deferred.LastError.ShouldNotBeNull().ShouldContain("50/50");
        deferred.Attempts.Select(a => a.Step).ShouldBe([PublishSteps.Quota]);
    }
}
