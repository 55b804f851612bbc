using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Publishing;

/// <summary>The Sandbox refuses what Meta would refuse, and the console does with each answer what docs/instagram.md#error-table says.</summary>
public class SandboxFaultTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_stale_token_gets_190_until_the_operator_enters_the_current_one()
    {
        var persona = await app.AddPersonaAsync("비번변경");
        var post = await app.AddPostAsync(persona);
        app.Sandbox.SetAccountToken(persona.IgUserId, "EAA-after-password-change-0001"); // the account's password changed at Meta

        await app.RunOnceAsync();

        var held = await app.ReadPostAsync(post.Id);
        held.Status.ShouldBe(PostStatus.Held);
        held.Attempts.ShouldContain(a => a.Code == 190);
        (await app.ReadPersonaAsync(persona.Id)).Status.ShouldBe(PersonaStatus.NeedsReauth);

        await app.GetService<PersonaOperations>().ReplaceTokenAsync(TestActors.Admin, persona.Id, "EAA-after-password-change-0001", CancellationToken.None);
        await app.RunOnceAsync();
        (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Published);
    }

    [Fact]
    public async Task A_container_in_error_without_a_subcode_gets_one_new_container_then_fails_as_a_media_error()
    {
        var persona = await app.AddPersonaAsync(fault: SandboxFault.ContainerError);
        var post = await app.AddPostAsync(persona);

        await app.RunOnceAsync();
        var retried = await app.ReadPostAsync(post.Id);
        retried.Status.ShouldBe(PostStatus.Retrying);
        retried.NextAttemptAt.ShouldBe(app.Now, "a new container at once");
        retried.ContainerId.ShouldBeNull();

        await app.RunOnceAsync();
        var failed = await app.ReadPostAsync(post.Id);
        failed.Status.ShouldBe(PostStatus.Failed);
        failed.FailureReason.ShouldBe(FailureReason.ImageInvalid);
        failed.Attempts.Count(a => a.Step == "create_container").ShouldBe(2, "one new container, no more");
        await using var db = app.CreateDbContext();
        (await db.Alerts.SingleAsync()).Kind.ShouldBe(AlertKind.ImageNeedsRegeneration);
        app.Sandbox.AllMedia.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_container_in_error_with_an_image_subcode_fails_at_once_asking_for_a_new_image()
    {
        app.Sandbox.ContainerErrorStatus = "Error: 2207004 The image is too large to download.";
        var persona = await app.AddPersonaAsync(fault: SandboxFault.ContainerError);
        var post = await app.AddPostAsync(persona);

        await app.RunOnceAsync();

        var failed = await app.ReadPostAsync(post.Id);
        failed.Status.ShouldBe(PostStatus.Failed);
        failed.FailureReason.ShouldBe(FailureReason.ImageInvalid);
        failed.Attempts.Count(a => a.Step == "create_container").ShouldBe(1, "no new container for an image the rules say is bad");
    }

    [Theory]
    [InlineData(SandboxFault.Spam, false)]
    [InlineData(SandboxFault.SpamAfterPublish, true)]
    public async Task Suspected_spam_is_reconciled_then_stops_the_persona_until_an_operator_resumes_it(SandboxFault fault, bool wentOut)
    {
        var persona = await app.AddPersonaAsync("스팸의심", fault);
        var post = await app.AddPostAsync(persona);
        var later = await app.AddPostAsync(persona, app.Now.AddHours(1));

        await app.RunOnceAsync();

        (await app.ReadPostAsync(post.Id)).Status.ShouldBe(wentOut ? PostStatus.Published : PostStatus.Held);
        app.Sandbox.AllMedia.Count.ShouldBe(wentOut ? 1 : 0, "reconciled, never sent twice");
        var stopped = await app.ReadPersonaAsync(persona.Id);
        stopped.Status.ShouldBe(PersonaStatus.Paused);
        stopped.StatusReason.ShouldNotBeNull().ShouldContain("2207051");
        (await app.ReadPostAsync(later.Id)).Status.ShouldBe(PostStatus.Held);
        await using (var db = app.CreateDbContext())
        {
            var alert = await db.Alerts.SingleAsync();
            alert.Kind.ShouldBe(AlertKind.SpamSuspected);
            alert.Message.ShouldBe("페르소나 '스팸의심': 스팸 의심 — 포스팅 중단, 확인 후 재개 필요");
        }

        app.Time.Advance(TimeSpan.FromHours(6));
        (await app.RunOnceAsync()).ShouldBe(0, "no automatic retry: that is what gets accounts flagged");
    }

    [Fact]
    public async Task The_quota_met_at_media_publish_defers_the_post_without_failing_it()
    {
        var persona = await app.AddPersonaAsync(fault: SandboxFault.QuotaReached);
        await using (var db = app.CreateDbContext())
        {
            // The morning's account check read 0 of 50: no quota read before this post.
            var tracked = await db.Personas.SingleAsync(p => p.Id == persona.Id);
            tracked.RecordQuota(0, 50, app.Now);
            await db.SaveChangesAsync();
        }

        var post = await app.AddPostAsync(persona);
        await app.RunOnceAsync();

        var deferred = await app.ReadPostAsync(post.Id);
        deferred.Status.ShouldBe(PostStatus.Scheduled);
        deferred.FailureReason.ShouldBe(FailureReason.QuotaReached);
        deferred.Attempts.Select(a => a.Step).ShouldBe(["create_container", "media_publish"]);
        deferred.Attempts.Last().Subcode.ShouldBe(2207042);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(32)]
    [InlineData(613)]
    [InlineData(80001)]
    [InlineData(80002)]
    public async Task Each_throttle_code_without_an_estimate_opens_the_accounts_circuit_for_the_rate_limit_delay(int code)
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona);
        app.Sandbox.ThrottleAccount(persona.IgUserId, app.Now.AddHours(2), code);

        await app.RunOnceAsync();

        var waiting = await app.ReadPostAsync(post.Id);
        waiting.Attempts.ShouldContain(a => a.Code == code && a.HttpStatus == 403);
        waiting.NextAttemptAt.ShouldBe(app.Now.AddHours(1));
        (await app.ReadPersonaAsync(persona.Id)).ThrottledUntil.ShouldBe(app.Now.AddHours(1));
        await using var db = app.CreateDbContext();
        (await db.DispatcherState.SingleAsync()).AppThrottledUntil.ShouldBeNull("only this account is blocked");
    }

    [Fact]
    public async Task Suspected_spam_stops_the_persona_even_when_reconciling_cannot_tell_yet()
    {
        var persona = await app.AddPersonaAsync("스팸미확인", SandboxFault.Spam);
        var post = await app.AddPostAsync(persona);
        await using (var db = app.CreateDbContext())
        {
            (await db.Personas.SingleAsync(p => p.Id == persona.Id)).RecordQuota(0, 50, app.Now); // no quota read first
            await db.SaveChangesAsync();
        }

        app.Sandbox.FailNext(persona.IgUserId, SandboxCall.Read, times: 3); // the reconciling status read fails, retries included
        await app.RunOnceAsync();

        (await app.ReadPersonaAsync(persona.Id)).Status.ShouldBe(PersonaStatus.Paused);
        (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Held, "held with its persona, reconciled when an operator resumes it");
    }

    [Fact]
    public async Task After_the_quota_is_met_at_media_publish_the_next_post_reads_the_quota_first()
    {
        var persona = await app.AddPersonaAsync(fault: SandboxFault.QuotaReached);
        await using (var db = app.CreateDbContext())
        {
            (await db.Personas.SingleAsync(p => p.Id == persona.Id)).RecordQuota(0, 50, app.Now);
            await db.SaveChangesAsync();
        }

        await app.AddPostAsync(persona);
        await app.RunOnceAsync();
        (await app.ReadPersonaAsync(persona.Id)).QuotaUsage.ShouldBe(50, "Meta said the quota is spent");

        var next = await app.AddPostAsync(persona);
        await app.RunOnceAsync();
        var deferred = await app.ReadPostAsync(next.Id);
        deferred.Attempts.Select(a => a.Step).ShouldBe(["quota"], "no container spent to learn it again");
        deferred.FailureReason.ShouldBe(FailureReason.QuotaReached);
    }

    [Fact]
    public async Task A_backlog_id_the_token_cannot_see_does_not_cost_the_new_post_its_permalink()
    {
        var persona = await app.AddPersonaAsync();
        var old = await app.AddPostAsync(persona);
        await using (var db = app.CreateDbContext())
        {
            // An earlier post whose media is gone at Meta (deleted by hand), still without a permalink.
            var tracked = await db.Posts.SingleAsync(p => p.Id == old.Id);
            tracked.Claim("earlier", 1, app.Now, app.Now);
            tracked.MarkPublished("17800000000000001", null, app.Now);
            await db.SaveChangesAsync();
        }

        var post = await app.AddPostAsync(persona);
        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published);
        done.Permalink.ShouldStartWith("https://www.instagram.com/p/");
        (await app.ReadPostAsync(old.Id)).Permalink.ShouldBeNull();
    }
}
