using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Publishing;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Publishing;

/// <summary>
/// The first comment (docs/architecture.md#first-comment) against the Sandbox over loopback: posted once right after publishing, in
/// its own attempt lines, with its comment id; a lost answer reconciled by reading the media's comments; Meta's trouble retried by
/// the first-comment pass; a failure that leaves the post Published with the comment retryable; the permission missing as token
/// trouble for the persona, once; and two passes on one post sending it once. (kill -9: <c>FirstCommentCrashTests</c>.)
/// </summary>
public class FirstCommentTests : IAsyncLifetime
{
    private const string Comment = "#오늘의코디 #데일리룩 링크는 프로필에서 확인하세요";
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private Task<Post> AddPostAsync(Persona persona, string comment = Comment, DateTime? at = null) =>
        app.AddPostAsync(persona, PostContent.Image(null, "demo/demo-01.jpg"), PostFields.None, firstComment: comment, at: at);

    private IReadOnlyList<SandboxComment> CommentsOn(Post post) => app.Sandbox.CommentsOf(post.MediaId!);

    private async Task<int> PassAsync() => await app.GetService<FirstCommentPass>().RunAsync(CancellationToken.None);

    [Fact]
    public async Task A_first_comment_is_posted_once_right_after_publishing_with_its_own_attempt_line_and_comment_id()
    {
        var persona = await app.AddPersonaAsync();
        var post = await AddPostAsync(persona);

        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published, done.LastError);
        done.FirstCommentState.ShouldBe(FirstCommentState.Posted);
        var comment = CommentsOn(done).ShouldHaveSingleItem();
        (comment.Text, comment.FromId).ShouldBe((Comment, persona.IgUserId));
        done.FirstCommentId.ShouldBe(comment.Id);
        done.Attempts.OrderBy(a => a.Id).Select(a => a.Step).ShouldBe(["quota", "create_container", "media_publish", "first_comment"]);
        done.Attempts.Single(a => a.Step == "first_comment").Message.ShouldBe($"comment {comment.Id}");

        (await PassAsync()).ShouldBe(0, "nothing is left for the pass");
        CommentsOn(done).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_lost_answer_is_reconciled_by_reading_the_media_s_comments_never_by_sending_again()
    {
        var persona = await app.AddPersonaAsync(fault: SandboxFault.LostCommentAnswer);
        var post = await AddPostAsync(persona);

        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published);
        var comment = CommentsOn(done).ShouldHaveSingleItem("the comment Meta made, once");
        done.FirstCommentState.ShouldBe(FirstCommentState.Posted);
        done.FirstCommentId.ShouldBe(comment.Id, "found among the media's comments");
        done.Attempts.OrderBy(a => a.Id).Select(a => a.Step).ShouldBe(["quota", "create_container", "media_publish", "first_comment", "first_comment_read"]);
    }

    [Fact]
    public async Task Meta_s_trouble_is_looked_up_then_retried_by_the_pass_after_the_retry_delay()
    {
        var persona = await app.AddPersonaAsync();
        app.Sandbox.FailNext(persona.IgUserId, SandboxCall.Comment, 1);
        var post = await AddPostAsync(persona);

        await app.RunOnceAsync();

        var first = await app.ReadPostAsync(post.Id);
        first.Status.ShouldBe(PostStatus.Published, "a comment's trouble never holds the post back");
        first.FirstCommentState.ShouldBe(FirstCommentState.Sending, "not found yet is not never made: the next try looks again first");
        first.FirstCommentRetries.ShouldBe(1);
        CommentsOn(first).ShouldBeEmpty("Meta's 500 made no comment, and the read found none");
        (await PassAsync()).ShouldBe(0, "not due before Posting:TransientRetryDelay");

        app.Time.Advance(app.GetService<Microsoft.Extensions.Options.IOptions<PostingConsole.Configuration.PostingOptions>>().Value.TransientRetryDelay);
        (await PassAsync()).ShouldBe(1);

        var done = await app.ReadPostAsync(post.Id);
        done.FirstCommentState.ShouldBe(FirstCommentState.Posted);
        CommentsOn(done).ShouldHaveSingleItem().Id.ShouldBe(done.FirstCommentId);
        done.LeaseUntil.ShouldBeNull("the pass's claim ended");
        done.ClaimNumber.ShouldBe(first.ClaimNumber + 1, "the pass claimed the published post, fencing its saves");
        done.Attempts.Where(a => a.ClaimNumber == done.ClaimNumber).OrderBy(a => a.Id).Select(a => a.Step).ShouldBe(["first_comment_read", "first_comment"]);
    }

    [Fact]
    public async Task The_comment_permission_missing_leaves_the_post_Published_the_comment_retryable_and_the_persona_needing_reauth_once()
    {
        var persona = await app.AddPersonaAsync(fault: SandboxFault.NoCommentPermission);
        var post = await AddPostAsync(persona);
        var later = await AddPostAsync(persona, at: app.Now.AddHours(2));

        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published);
        done.FirstCommentState.ShouldBe(FirstCommentState.Failed);
        done.FirstCommentError.ShouldNotBeNull().ShouldContain("code 10");
        (await app.ReadPersonaAsync(persona.Id)).Status.ShouldBe(PersonaStatus.NeedsReauth, "token trouble for the persona");
        (await app.ReadPostAsync(later.Id)).Status.ShouldBe(PostStatus.Held);
        await using (var db = app.CreateDbContext())
        {
            (await db.Alerts.CountAsync(a => a.Kind == AlertKind.AuthExpired)).ShouldBe(1, "one alert for the incident");
            var failed = await db.WebhookMessages.SingleAsync(m => m.Type == WebhookTypes.PostFirstCommentFailed);
            failed.Body.ShouldContain($"\"postId\":{post.Id}");
        }

        // The operator reconnects with the permission and retries the comment: it is looked for first, then posted once.
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.None);
        var operations = app.GetService<PersonaOperations>();
        var admin = TestActors.Admin;
        (await operations.ReplaceTokenAsync(admin, persona.Id, "EAA-new-token-with-comments", CancellationToken.None)).Succeeded.ShouldBeTrue();
        app.Sandbox.SetAccountToken(persona.IgUserId, "EAA-new-token-with-comments");
        (await app.GetService<PostOperations>().RetryFirstCommentAsync(admin, post.Id, CancellationToken.None)).Succeeded.ShouldBeTrue();
        (await PassAsync()).ShouldBe(1);

        var retried = await app.ReadPostAsync(post.Id);
        retried.FirstCommentState.ShouldBe(FirstCommentState.Posted);
        CommentsOn(retried).ShouldHaveSingleItem();
        retried.Attempts.Where(a => a.ClaimNumber == retried.ClaimNumber).OrderBy(a => a.Id).Select(a => a.Step)
            .ShouldBe(["first_comment_read", "first_comment"], "a retried comment is looked for before it is sent");
    }

    [Fact]
    public async Task Two_passes_on_one_post_send_its_comment_once()
    {
        var persona = await app.AddPersonaAsync();
        var post = await AddPostAsync(persona);
        app.Sandbox.FailNext(persona.IgUserId, SandboxCall.Comment, 1);
        await app.RunOnceAsync();
        app.Time.Advance(TimeSpan.FromHours(1));
        app.Sandbox.Latency = TimeSpan.FromMilliseconds(200);

        // Two processes' passes at the same moment (one process's pass and another's, each with its own claim).
        var one = ActivatorUtilities.CreateInstance<FirstCommentPass>(app.Services);
        var two = ActivatorUtilities.CreateInstance<FirstCommentPass>(app.Services);
        var tried = await Task.WhenAll(one.RunAsync(CancellationToken.None), two.RunAsync(CancellationToken.None));

        tried.Sum().ShouldBe(1, "one claim wins; the other pass finds the post taken");
        var done = await app.ReadPostAsync(post.Id);
        done.FirstCommentState.ShouldBe(FirstCommentState.Posted);
        CommentsOn(done).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_story_s_first_comment_is_refused_at_intake_rules_and_posting_again_comments_the_new_media()
    {
        PostFieldRules.Check(MediaType.Stories, PostFields.None, "댓글", []).ShouldContain(p => p.Field == "firstComment");

        var persona = await app.AddPersonaAsync();
        var post = await AddPostAsync(persona);
        await app.RunOnceAsync();
        var first = await app.ReadPostAsync(post.Id);

        (await app.GetService<PostOperations>().PublishNowAsync(TestActors.Admin, post.Id, republish: true, CancellationToken.None)).Succeeded.ShouldBeTrue();
        await app.RunOnceAsync();

        var again = await app.ReadPostAsync(post.Id);
        again.MediaId.ShouldNotBe(first.MediaId);
        again.FirstCommentState.ShouldBe(FirstCommentState.Posted);
        CommentsOn(again).ShouldHaveSingleItem("the new media has its own comment");
        CommentsOn(first).ShouldHaveSingleItem("the first media keeps its one");
    }
}
