using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Operations;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Publishing;

/// <summary>The spec's edge cases, end to end: the real Graph client against the Sandbox Graph server on loopback.</summary>
public class PublishEdgeCaseTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task When_Meta_answers_media_publish_with_the_id_alone_the_permalink_is_read_apart()
    {
        app.Sandbox.ReadAfterWrite = false;
        var persona = await app.AddPersonaAsync("지수");
        var post = await app.AddPostAsync(persona);

        (await app.RunOnceAsync()).ShouldBe(1);

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published);
        done.Permalink.ShouldStartWith("https://www.instagram.com/p/");
        done.Attempts.Select(a => a.Step).ShouldBe(["quota", "create_container", "media_publish", "permalink"]);
    }

    [Fact]
    public async Task A_due_post_is_published_with_its_media_id_permalink_attempts_and_log_lines()
    {
        var persona = await app.AddPersonaAsync("지수");
        var post = await app.AddPostAsync(persona);
        var events = new List<PostingEvent>();
        using var _ = app.Hub.Subscribe(e => { lock (events) events.Add(e); return Task.CompletedTask; });

        (await app.RunOnceAsync()).ShouldBe(1);

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published);
        done.MediaId.ShouldNotBeNullOrEmpty();
        done.Permalink.ShouldStartWith("https://www.instagram.com/p/");
        done.ContainerId.ShouldNotBeNullOrEmpty();
        // The image container is published right after it is made; no status read.
        done.Attempts.Select(a => a.Step).ShouldBe(["quota", "create_container", "media_publish"], "the permalink comes with media_publish's answer (read-after-write)");
        done.Attempts.ShouldAllBe(a => a.Succeeded);
        app.Sandbox.AllMedia.Count(m => m.ContainerId == done.ContainerId).ShouldBe(1);

        await using var db = app.CreateDbContext();
        var lines = await db.ActivityLog.OrderBy(l => l.Id).Select(l => l.Message).ToListAsync();
        lines.ShouldContain("페르소나 '지수' 포스팅 시작...");
        lines.ShouldContain($"✅ 성공! 포스트 ID: {done.MediaId}");

        await Task.Delay(50); // events are delivered asynchronously after the commit
        lock (events)
        {
            events.OfType<PostChanged>().Where(e => e.PostId == post.Id).Select(e => e.Status).Distinct().ShouldBe([PostStatus.InProgress, PostStatus.Published]);
            events.OfType<ActivityLogged>().Count(e => e.Message.StartsWith('✅')).ShouldBe(1);
        }
    }

    [Fact]
    public async Task Token_error_190_holds_the_persona_posts_and_alerts_once_until_a_new_token()
    {
        var persona = await app.AddPersonaAsync("지수");
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.TokenExpired);
        var first = await app.AddPostAsync(persona);
        var later = await app.AddPostAsync(persona, app.Now.AddHours(3));

        await app.RunOnceAsync();

        (await app.ReadPersonaAsync(persona.Id)).Status.ShouldBe(PersonaStatus.NeedsReauth);
        var held = await app.ReadPostAsync(first.Id);
        held.Status.ShouldBe(PostStatus.Held);
        held.FailureReason.ShouldBe(FailureReason.AuthExpired);
        held.Attempts.ShouldContain(a => a.Code == 190 && a.Subcode == 463 && a.HttpStatus == 400 && a.FbtraceId != null);
        (await app.ReadPostAsync(later.Id)).Status.ShouldBe(PostStatus.Held);
        await using (var db = app.CreateDbContext())
        {
            var alerts = await db.Alerts.ToListAsync();
            alerts.Count.ShouldBe(1, "one alert per incident, not one per post");
            alerts[0].Message.ShouldBe("페르소나 '지수': 계정 인증 만료, 재인증 필요");
        }

        // A new token releases the held posts, and they go out.
        app.Sandbox.ClearFault(persona.IgUserId);
        await app.GetService<PersonaOperations>().ReplaceTokenAsync(TestActors.Admin, persona.Id, "EAA-new-token-1234", CancellationToken.None);
        await app.RunOnceAsync();
        (await app.ReadPostAsync(first.Id)).Status.ShouldBe(PostStatus.Published);
        (await app.ReadPostAsync(later.Id)).Status.ShouldBe(PostStatus.Scheduled);
    }

    [Fact]
    public async Task Throttling_retries_after_the_hour_meta_estimates_without_using_the_retry_budget()
    {
        var persona = await app.AddPersonaAsync();
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.Throttled);
        var post = await app.AddPostAsync(persona);
        var start = app.Now;

        await app.RunOnceAsync();

        var retrying = await app.ReadPostAsync(post.Id);
        retrying.Status.ShouldBe(PostStatus.Retrying);
        retrying.FailureReason.ShouldBe(FailureReason.RateLimited);
        retrying.NextAttemptAt.ShouldBe(start.AddHours(1));
        retrying.TransientRetries.ShouldBe(0);

        app.Sandbox.ClearFault(persona.IgUserId);
        app.Time.Advance(TimeSpan.FromMinutes(59));
        (await app.RunOnceAsync()).ShouldBe(0, "not before the hour is up");
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.RunOnceAsync();
        var published = await app.ReadPostAsync(post.Id);
        published.Status.ShouldBe(PostStatus.Published);
        // Each call is recorded with the claim of the run that made it: the throttled run's, then the retry's.
        published.Attempts.GroupBy(a => a.ClaimNumber).Select(g => (g.Key, g.First().Step)).ShouldBe([(1L, "quota"), (2L, "quota")]);
    }

    [Fact]
    public async Task Server_error_500_three_times_is_retried_every_5_minutes_and_then_succeeds()
    {
        var persona = await app.AddPersonaAsync();
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.ServerErrors, times: 3);
        var post = await app.AddPostAsync(persona);

        for (var retry = 1; retry <= 3; retry++)
        {
            var before = app.Now;
            await app.RunOnceAsync();
            var failed = await app.ReadPostAsync(post.Id);
            failed.Status.ShouldBe(PostStatus.Retrying);
            failed.TransientRetries.ShouldBe(retry);
            failed.NextAttemptAt.ShouldBe(before.AddMinutes(5));
            app.Time.Advance(TimeSpan.FromMinutes(4));
            (await app.RunOnceAsync()).ShouldBe(0);
            app.Time.Advance(TimeSpan.FromMinutes(1));
        }

        await app.RunOnceAsync();
        var published = await app.ReadPostAsync(post.Id);
        published.Status.ShouldBe(PostStatus.Published);
        published.Attempts.Count(a => a.HttpStatus == 500 && a.Code == 2).ShouldBe(3);
    }

    [Fact]
    public async Task A_fourth_server_error_fails_the_post_after_3_automatic_retries()
    {
        var persona = await app.AddPersonaAsync();
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.ServerErrors);
        var post = await app.AddPostAsync(persona);

        for (var i = 0; i < 4; i++)
        {
            await app.RunOnceAsync();
            app.Time.Advance(TimeSpan.FromMinutes(5));
        }

        var failed = await app.ReadPostAsync(post.Id);
        failed.Status.ShouldBe(PostStatus.Failed);
        failed.FailureReason.ShouldBe(FailureReason.Transient);
        failed.TransientRetries.ShouldBe(3);
        (await app.RunOnceAsync()).ShouldBe(0, "a Failed post waits for an operator");
    }

    [Fact]
    public async Task A_final_failure_raises_one_alert_an_operators_retry_closes_it_and_a_new_failure_raises_a_new_one()
    {
        var persona = await app.AddPersonaAsync("알림테스트");
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.ServerErrors);
        var post = await app.AddPostAsync(persona);
        var raised = new List<AlertRaised>();
        using var subscription = app.GetService<EventHub>().Subscribe(e =>
        {
            if (e is AlertRaised alert) lock (raised) raised.Add(alert);
            return Task.CompletedTask;
        });

        async Task FailAsync()
        {
            for (var i = 0; i < 4; i++)
            {
                await app.RunOnceAsync();
                app.Time.Advance(TimeSpan.FromMinutes(5));
            }

            (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Failed);
        }

        await FailAsync();
        await using (var db = app.CreateDbContext())
        {
            var alert = (await db.Alerts.Where(a => a.PostId == post.Id).ToListAsync()).ShouldHaveSingleItem("one alert for the failure, not one per attempt");
            alert.Kind.ShouldBe(AlertKind.PostFailed);
            alert.Message.ShouldContain("'알림테스트'");
            alert.Message.ShouldContain("게시 실패");
        }

        lock (raised) raised.Count(a => a.PostId == post.Id).ShouldBe(1, "one snackbar on every open screen");

        (await app.GetService<PostOperations>().RetryAsync(TestActors.Operator, post.Id, TimeSpan.Zero, CancellationToken.None)).Succeeded.ShouldBeTrue();
        await using (var db = app.CreateDbContext())
        {
            (await db.Alerts.SingleAsync(a => a.PostId == post.Id)).ResolvedAt.ShouldNotBeNull("the operator sent it again");
        }

        await FailAsync();
        await using (var db = app.CreateDbContext())
        {
            (await db.Alerts.CountAsync(a => a.PostId == post.Id && a.Kind == AlertKind.PostFailed && a.ResolvedAt == null)).ShouldBe(1, "the second failure is a new incident");
        }
    }

    [Fact]
    public async Task A_restricted_account_suspends_the_persona_holds_its_posts_and_alerts_once()
    {
        var persona = await app.AddPersonaAsync("민준");
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.Restricted);
        var post = await app.AddPostAsync(persona);
        var other = await app.AddPostAsync(persona, app.Now.AddMinutes(1));

        await app.RunOnceAsync();
        app.Time.Advance(TimeSpan.FromMinutes(2));
        await app.RunOnceAsync();

        (await app.ReadPersonaAsync(persona.Id)).Status.ShouldBe(PersonaStatus.Suspended);
        (await app.ReadPostAsync(post.Id)).FailureReason.ShouldBe(FailureReason.AccountSuspended);
        (await app.ReadPostAsync(other.Id)).Status.ShouldBe(PostStatus.Held);
        await using var db = app.CreateDbContext();
        (await db.Alerts.Select(a => a.Message).ToListAsync()).ShouldBe(["페르소나 '민준' 계정 정지됨"]);
        app.Sandbox.AllMedia.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_corrupt_image_fails_the_post_with_an_image_regeneration_alert()
    {
        var persona = await app.AddPersonaAsync("서연");
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.CorruptImage);
        var post = await app.AddPostAsync(persona);

        await app.RunOnceAsync();

        var failed = await app.ReadPostAsync(post.Id);
        failed.Status.ShouldBe(PostStatus.Failed);
        failed.FailureReason.ShouldBe(FailureReason.ImageInvalid);
        failed.Attempts.ShouldContain(a => a.Code == 36001 && a.Subcode == 2207005);
        await using var db = app.CreateDbContext();
        var alert = await db.Alerts.SingleAsync();
        alert.Kind.ShouldBe(AlertKind.ImageNeedsRegeneration);
        alert.Message.ShouldContain("이미지 재생성 필요");
    }

    [Fact]
    public async Task When_the_cdn_is_down_the_local_file_is_published_instead()
    {
        var persona = await app.AddPersonaAsync();
        var cdn = new Uri(app.BaseUrl, "sandbox/cdn-down/demo-01.jpg").AbsoluteUri;
        var post = await app.AddPostAsync(persona, imageUrl: cdn, imagePath: "demo/demo-02.jpg");

        await app.RunOnceAsync();

        var published = await app.ReadPostAsync(post.Id);
        published.Status.ShouldBe(PostStatus.Published);
        published.UseLocalFile.ShouldBeTrue();
        published.Attempts.ShouldContain(a => a.Step == "image_check" && !a.Succeeded);
    }

    [Fact]
    public async Task When_meta_cannot_download_the_cdn_image_the_next_try_uses_the_local_file()
    {
        var persona = await app.AddPersonaAsync();
        // The console reaches this CDN, but it refuses Meta's fetcher: Meta answers 9004/2207052.
        var blocked = new Uri(app.BaseUrl, "sandbox/cdn-blocks-meta/demo/demo-01.jpg").AbsoluteUri;
        var post = await app.AddPostAsync(persona, imageUrl: blocked, imagePath: "demo/demo-03.jpg");

        await app.RunOnceAsync();
        var retrying = await app.ReadPostAsync(post.Id);
        retrying.Status.ShouldBe(PostStatus.Retrying);
        retrying.FailureReason.ShouldBe(FailureReason.MediaUnreachable);
        retrying.Attempts.ShouldContain(a => a.Code == 9004 && a.Subcode == 2207052);
        retrying.TransientRetries.ShouldBe(0);

        await app.RunOnceAsync();

        var published = await app.ReadPostAsync(post.Id);
        published.Status.ShouldBe(PostStatus.Published);
        published.UseLocalFile.ShouldBeTrue();
    }

    [Fact]
    public async Task A_publish_whose_answer_was_lost_is_reconciled_and_published_exactly_once()
    {
        var persona = await app.AddPersonaAsync();
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.LostPublishAnswer, times: 1);
        var post = await app.AddPostAsync(persona);

        await app.RunOnceAsync();
        for (var i = 0; i < 3; i++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(5));
            await app.RunOnceAsync();
        }

        var published = await app.ReadPostAsync(post.Id);
        published.Status.ShouldBe(PostStatus.Published);
        var media = app.Sandbox.AllMedia.Where(m => m.IgUserId == persona.IgUserId).ToList();
        media.Count.ShouldBe(1, "exactly one publish");
        published.MediaId.ShouldBe(media[0].Id);
        published.Attempts.Count(a => a.Step == "media_publish").ShouldBe(1);
        published.Attempts.ShouldContain(a => a.Step == "reconcile");
    }
}
