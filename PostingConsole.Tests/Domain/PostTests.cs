using PostingConsole.Domain;

namespace PostingConsole.Tests.Domain;

public class PostTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 3, 0, 0, DateTimeKind.Utc);

    private static Post NewPost(DateTime? at = null) =>
        Post.Create(1, "https://cdn.example.com/a.jpg", null, "안녕하세요", ["여행", "#여행", " 카페 "], at ?? Now.AddHours(1), "ext-1", Now);

    [Fact]
    public void A_story_caption_edit_keeps_its_container_because_the_caption_never_reaches_instagram()
    {
        var story = Post.Create(1, new PostContent(MediaType.Stories, ImageUrl: "https://cdn.example.com/s.jpg"), "", null, Now, null, Now);
        story.Claim("t", 1, Now.AddMinutes(1), Now);
        story.RecordContainer("17900", Now);
        story.RecordPublishRequested(Now);
        story.ScheduleRetry(FailureReason.OutcomeUnknown, "timeout", Now.AddMinutes(5), Now);

        story.WouldChangeContent("새 캡션", null).ShouldBeFalse();
        story.Edit("새 캡션", null, null, personaCanPublish: true, Now).ShouldBeFalse();
        story.ContainerId.ShouldBe("17900", "an edit that changes nothing Instagram receives drops nothing");

        var photo = NewPost(Now);
        photo.Claim("t", 1, Now.AddMinutes(1), Now);
        photo.RecordContainer("17901", Now);
        photo.ScheduleRetry(FailureReason.Transient, "500", Now.AddMinutes(5), Now);
        photo.WouldChangeContent("새 캡션", null).ShouldBeTrue();
        photo.Edit("새 캡션", null, null, personaCanPublish: true, Now).ShouldBeTrue();
        photo.ContainerId.ShouldBeNull();
    }

    [Fact]
    public void A_new_post_is_scheduled_and_due_at_its_time()
    {
        var post = NewPost();

        post.Status.ShouldBe(PostStatus.Scheduled);
        post.NextAttemptAt.ShouldBe(Now.AddHours(1));
        post.Hashtags.ShouldBe(["여행", "카페"]);
        post.FinalCaption.ShouldBe("안녕하세요\n\n#여행 #카페");
    }

    [Fact]
    public void Claim_then_publish_records_the_media_and_releases_the_lease()
    {
        var post = NewPost(Now);
        post.Claim("worker-1", 1, Now.AddMinutes(10), Now);
        post.RecordContainer("c1", Now);
        post.RecordPublishRequested(Now);
        post.MarkPublished("m1", null, Now);

        post.Status.ShouldBe(PostStatus.Published);
        post.MediaId.ShouldBe("m1");
        post.ClaimedBy.ShouldBe("worker-1", "kept: which dispatcher ran it");
        post.LeaseUntil.ShouldBeNull();
        post.NextAttemptAt.ShouldBeNull();
    }

    [Fact]
    public void A_published_post_is_not_published_again_without_the_republish_confirmation()
    {
        var post = NewPost(Now);
        post.Claim("w", 1, Now, Now);
        post.MarkPublished("m1", null, Now);

        Should.Throw<InvalidPostTransitionException>(() => post.PublishNow(republish: false, Now));
        post.Status.ShouldBe(PostStatus.Published);

        post.PublishNow(republish: true, Now);
        post.Status.ShouldBe(PostStatus.Scheduled);
        post.MediaId.ShouldBeNull();
        post.ContainerId.ShouldBeNull();
    }

    [Fact]
    public void Transient_retries_are_counted_and_an_operator_retry_resets_the_count()
    {
        var post = NewPost(Now);
        post.Claim("w", 1, Now, Now);
        post.ScheduleTransientRetry(FailureReason.Transient, "500", Now.AddMinutes(5), Now);
        post.TransientRetries.ShouldBe(1);
        post.Status.ShouldBe(PostStatus.Retrying);
        post.NextAttemptAt.ShouldBe(Now.AddMinutes(5));

        post.Claim("w", 2, Now.AddMinutes(5), Now.AddMinutes(5));
        post.Fail(FailureReason.Transient, "500", Now);
        post.RetryManually(Now.AddMinutes(30), Now);

        post.Status.ShouldBe(PostStatus.Scheduled);
        post.TransientRetries.ShouldBe(0);
        post.NextAttemptAt.ShouldBe(Now.AddMinutes(30));
    }

    [Fact]
    public void A_released_post_keeps_a_future_schedule_and_is_due_now_when_its_time_has_passed()
    {
        var future = NewPost(Now.AddHours(3));
        future.Hold(FailureReason.AuthExpired, "token", Now);
        future.Release(Now);
        future.NextAttemptAt.ShouldBe(Now.AddHours(3));

        var past = NewPost(Now.AddHours(-3));
        past.Hold(FailureReason.AuthExpired, "token", Now);
        past.Release(Now);
        past.NextAttemptAt.ShouldBe(Now);
        past.FailureReason.ShouldBeNull();
    }

    [Fact]
    public void A_cancelled_post_cannot_be_edited_claimed_or_retried()
    {
        var post = NewPost();
        post.Cancel(Now);

        post.IsEditable.ShouldBeFalse();
        Should.Throw<InvalidPostTransitionException>(() => post.Edit("x", null, null, true, Now));
        Should.Throw<InvalidPostTransitionException>(() => post.Claim("w", 1, Now, Now));
        Should.Throw<InvalidPostTransitionException>(() => post.RetryManually(Now, Now));
    }

    [Fact]
    public void Editing_the_schedule_moves_the_due_time_and_recomposes_the_caption()
    {
        var post = NewPost();
        post.Edit("새 캡션", ["봄"], Now.AddHours(5), true, Now);

        post.ScheduledAt.ShouldBe(Now.AddHours(5));
        post.NextAttemptAt.ShouldBe(Now.AddHours(5));
        post.FinalCaption.ShouldBe("새 캡션\n\n#봄");
    }

    [Fact]
    public void Container_steps_are_refused_outside_InProgress()
    {
        var post = NewPost();
        Should.Throw<InvalidOperationException>(() => post.RecordContainer("c", Now));
        Should.Throw<InvalidOperationException>(() => post.RecordPublishRequested(Now));
    }

    [Theory]
    [InlineData(PostStatus.Scheduled)]
    [InlineData(PostStatus.Retrying)]
    [InlineData(PostStatus.Failed)]
    [InlineData(PostStatus.Held)]
    [InlineData(PostStatus.Published)]
    [InlineData(PostStatus.Cancelled)]
    [InlineData(PostStatus.InProgress)]
    public void The_claim_query_and_the_in_memory_claim_agree_for_every_status(PostStatus status)
    {
        var post = PostIn(status);
        var byQuery = Post.ClaimableAt(Now).Compile()(post);
        bool inMemory;
        try
        {
            post.Claim("w", 9, Now, Now);
            inMemory = true;
        }
        catch (InvalidPostTransitionException)
        {
            inMemory = false;
        }

        inMemory.ShouldBe(byQuery, $"{status}");
        byQuery.ShouldBe(status is PostStatus.Scheduled or PostStatus.Retrying);
    }

    [Fact]
    public void Editing_the_caption_drops_a_stored_container_and_a_new_time_requeues_a_failed_post()
    {
        var post = PostIn(PostStatus.Failed, withContainer: true);
        post.Edit(null, null, Now.AddHours(3), personaCanPublish: true, Now).ShouldBeFalse("only the time changed");
        post.Status.ShouldBe(PostStatus.Scheduled);
        post.NextAttemptAt.ShouldBe(Now.AddHours(3));
        post.ContainerId.ShouldBe("c1", "the content is unchanged, the container still fits");

        post.Edit("다른 캡션", null, null, personaCanPublish: true, Now).ShouldBeTrue();
        post.ContainerId.ShouldBeNull();
        post.Stage.ShouldBe(PublishStage.NotStarted);
    }

    private static Post PostIn(PostStatus status, bool withContainer = false)
    {
        var post = NewPost(Now);
        if (status == PostStatus.Scheduled) return post;
        if (status == PostStatus.Cancelled) { post.Cancel(Now); return post; }
        if (status == PostStatus.Held) { post.Hold(FailureReason.Unknown, "paused", Now); return post; }
        post.Claim("w", 1, Now, Now);
        if (withContainer) post.RecordContainer("c1", Now);
        switch (status)
        {
            case PostStatus.Retrying: post.ScheduleRetry(FailureReason.RateLimited, "4", Now, Now); break;
            case PostStatus.Failed: post.Fail(FailureReason.Transient, "2", Now); break;
            case PostStatus.Published: post.MarkPublished("m", null, Now); break;
        }

        return post;
    }
}
