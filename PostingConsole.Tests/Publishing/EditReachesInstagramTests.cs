using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Publishing;

/// <summary>What Instagram receives is the post as it stands after the last edit: a container made before an edit never goes out.</summary>
public class EditReachesInstagramTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private PostOperations Operations => app.GetService<PostOperations>();

    [Fact]
    public async Task A_refused_publish_then_an_edit_then_a_retry_sends_the_edited_caption_once()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona, caption: "수정 전 캡션");
        app.Sandbox.FailNext(persona.IgUserId, SandboxCall.Publish, times: 1); // 500 on media_publish; nothing published

        await app.RunOnceAsync();
        var refused = await app.ReadPostAsync(post.Id);
        refused.Status.ShouldBe(PostStatus.Retrying);
        var oldContainer = refused.ContainerId.ShouldNotBeNull("the FINISHED container is kept for the next try");

        (await Operations.EditAsync(TestActors.Operator, post.Id, new PostEdit("수정 후 캡션", null, null), CancellationToken.None)).Succeeded.ShouldBeTrue();
        var edited = await app.ReadPostAsync(post.Id);
        edited.ContainerId.ShouldBeNull("a container made before the edit is dropped");
        edited.Stage.ShouldBe(PublishStage.NotStarted);

        (await Operations.RetryAsync(TestActors.Operator, post.Id, TimeSpan.Zero, CancellationToken.None)).Succeeded.ShouldBeTrue();
        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published);
        var media = app.Sandbox.AllMedia.ShouldHaveSingleItem("once");
        media.Caption.ShouldBe("수정 후 캡션\n\n#데일리");
        media.ContainerId.ShouldNotBe(oldContainer);
        media.Id.ShouldBe(done.MediaId);
    }

    [Fact]
    public async Task An_edit_after_an_unknown_publish_asks_meta_first_and_drops_a_container_that_did_not_go_out()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona, caption: "수정 전");
        var container = app.Sandbox.AddContainer(persona.IgUserId, "https://cdn.example.com/a.jpg", "수정 전\n\n#데일리", TimeSpan.Zero);
        await LeaveWithUnknownPublishAsync(post.Id, container.Id);

        var result = await Operations.EditAsync(TestActors.Operator, post.Id, new PostEdit("수정 후", null, null), CancellationToken.None);

        result.Succeeded.ShouldBeTrue(result.Error);
        app.Sandbox.Calls.ShouldBe(2, "the status read and the account's recent media at Meta, before the container was dropped");
        (await app.ReadPostAsync(post.Id)).ContainerId.ShouldBeNull();
        await Operations.RetryAsync(TestActors.Operator, post.Id, TimeSpan.Zero, CancellationToken.None);
        await app.RunOnceAsync();
        app.Sandbox.AllMedia.ShouldHaveSingleItem().Caption.ShouldBe("수정 후\n\n#데일리");
    }

    [Fact]
    public async Task An_edit_of_a_post_whose_container_went_out_is_refused_and_the_post_becomes_published()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona, caption: "이미 게시됨");
        var container = app.Sandbox.AddContainer(persona.IgUserId, "https://cdn.example.com/a.jpg", "이미 게시됨\n\n#데일리", TimeSpan.Zero);
        var live = app.Sandbox.Publish(container)!; // Meta published it; the answer was lost
        await LeaveWithUnknownPublishAsync(post.Id, container.Id);

        var result = await Operations.EditAsync(TestActors.Operator, post.Id, new PostEdit("늦은 수정", null, null), CancellationToken.None);

        result.Status.ShouldBe(OperationStatus.Conflict);
        result.Error.ShouldNotBeNull().ShouldContain("이미 인스타그램에 게시되었습니다");
        (await app.ReadPostAsync(post.Id)).Caption.ShouldBe("이미 게시됨", "the edit changed nothing");

        await app.RunOnceAsync(); // reconciled through the container, never sent again
        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published);
        done.MediaId.ShouldBe(live.Id);
        done.Permalink.ShouldBe(live.Permalink);
        app.Sandbox.AllMedia.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task An_edit_is_refused_while_meta_cannot_say_whether_the_container_went_out()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona, caption: "원래");
        var container = app.Sandbox.AddContainer(persona.IgUserId, "https://cdn.example.com/a.jpg", "원래\n\n#데일리", TimeSpan.Zero);
        await LeaveWithUnknownPublishAsync(post.Id, container.Id);
        app.Sandbox.FailNext(persona.IgUserId, SandboxCall.Read, times: 3); // the status read and its two in-call retries

        var result = await Operations.EditAsync(TestActors.Operator, post.Id, new PostEdit("바꾸려 함", null, null), CancellationToken.None);

        result.Status.ShouldBe(OperationStatus.Conflict);
        var after = await app.ReadPostAsync(post.Id);
        after.Caption.ShouldBe("원래");
        after.ContainerId.ShouldBe(container.Id, "the container that may be live is kept for reconciliation");
    }

    [Fact]
    public async Task A_new_time_on_a_failed_post_puts_it_back_to_scheduled_and_on_a_held_post_only_when_its_persona_can_publish()
    {
        var persona = await app.AddPersonaAsync();
        var failed = await app.AddPostAsync(persona);
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.CorruptImage);
        await app.RunOnceAsync();
        (await app.ReadPostAsync(failed.Id)).Status.ShouldBe(PostStatus.Failed);

        var at = app.Now.AddHours(2);
        (await Operations.EditAsync(TestActors.Operator, failed.Id, new PostEdit(null, null, at), CancellationToken.None)).Succeeded.ShouldBeTrue();
        var rescheduled = await app.ReadPostAsync(failed.Id);
        rescheduled.Status.ShouldBe(PostStatus.Scheduled);
        rescheduled.NextAttemptAt.ShouldBe(at);

        var paused = await app.AddPersonaAsync("멈춤");
        var held = await app.AddPostAsync(paused);
        await app.GetService<PersonaOperations>().PauseAsync(TestActors.Admin, paused.Id, "점검", CancellationToken.None);
        (await Operations.EditAsync(TestActors.Operator, held.Id, new PostEdit(null, null, at), CancellationToken.None)).Succeeded.ShouldBeTrue();
        var stillHeld = await app.ReadPostAsync(held.Id);
        stillHeld.Status.ShouldBe(PostStatus.Held, "its persona is paused");
        stillHeld.ScheduledAt.ShouldBe(at);

        // Held while its persona can publish (it missed its time): a new time puts it back on the queue.
        var missed = await app.AddPostAsync(persona);
        await using (var db = app.CreateDbContext())
        {
            (await db.Posts.SingleAsync(p => p.Id == missed.Id)).HoldAsMissed(TimeSpan.FromHours(1), app.Now);
            await db.SaveChangesAsync();
        }

        (await Operations.EditAsync(TestActors.Operator, missed.Id, new PostEdit(null, null, at), CancellationToken.None)).Succeeded.ShouldBeTrue();
        var released = await app.ReadPostAsync(missed.Id);
        released.Status.ShouldBe(PostStatus.Scheduled, "its persona can publish");
        released.NextAttemptAt.ShouldBe(at);
    }

    /// <summary>The post as a run leaves it when media_publish went unanswered and the reconciling read failed too.</summary>
    private async Task LeaveWithUnknownPublishAsync(int postId, string containerId)
    {
        await using var db = app.CreateDbContext();
        var post = await db.Posts.SingleAsync(p => p.Id == postId);
        post.Claim("earlier-run", 1, app.Now, app.Now);
        post.RecordContainer(containerId, app.Now);
        post.RecordPublishRequested(app.Now);
        post.ScheduleTransientRetry(FailureReason.OutcomeUnknown, "timeout", app.Now.AddMinutes(5), app.Now);
        await db.SaveChangesAsync();
        app.Sandbox.ResetCallCount();
    }
}
