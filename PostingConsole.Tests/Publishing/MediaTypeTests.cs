using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostingConsole.Domain;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;

namespace PostingConsole.Tests.Publishing;

/// <summary>
/// Stories, reels and carousels through the same engine, end to end against the Sandbox Graph over loopback: the
/// containers Meta is asked for, video processing polled until FINISHED, a video Meta cannot use, a carousel child
/// whose CDN is down, a crash between the children and the parent, and a story found again under /stories.
/// </summary>
public class MediaTypeTests : IAsyncLifetime
{
    private const string Video = "demo/" + DemoSeeder.DemoVideoName;
    private const string Image = "demo/demo-01.jpg";
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>The containers that became the account's published media.</summary>
    private IReadOnlyList<SandboxContainer> PublishedContainersOf(Persona persona) =>
        app.Sandbox.AllMedia.Select(m => app.Sandbox.Container(m.ContainerId)!).Where(c => c.IgUserId == persona.IgUserId).ToList();

    [Fact]
    public async Task An_image_story_is_a_STORIES_container_without_caption_and_counts_as_one_post()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona, new PostContent(MediaType.Stories, ImagePath: Image));

        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published);
        done.Permalink.ShouldStartWith("https://www.instagram.com/stories/");
        var container = PublishedContainersOf(persona).ShouldHaveSingleItem();
        container.Kind.ShouldBe(SandboxMediaKind.Stories);
        container.Caption.ShouldBeEmpty("Instagram shows no caption on a story; none is sent");
        app.Sandbox.QuotaUsage(persona.IgUserId).ShouldBe(1);
        app.Sandbox.StoriesOf(persona.IgUserId).ShouldHaveSingleItem().Id.ShouldBe(done.MediaId);
        app.Sandbox.MediaOf(persona.IgUserId, DateTime.MinValue).ShouldBeEmpty("a story is not listed with the feed's media");
    }

    [Fact]
    public async Task A_reel_is_polled_while_IN_PROGRESS_then_published_with_its_cover_and_share_to_feed()
    {
        var persona = await app.AddPersonaAsync();
        app.Sandbox.VideoReadsUntilReady = 3;
        // A cover Meta can fetch (Meta downloads it, as it does the video): the console's signed link to a demo photo.
        var cover = new Uri(app.BaseUrl, app.GetService<PostingConsole.Security.MediaUrls>().PathAndQuery("demo/demo-02.jpg")).AbsoluteUri;
        var post = await app.AddPostAsync(persona, new PostContent(MediaType.Reels, VideoPath: Video, CoverUrl: cover, ShareToFeed: false));

        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published, done.LastError);
        done.Permalink.ShouldStartWith("https://www.instagram.com/reel/");
        // Read until FINISHED before media_publish: three reads IN_PROGRESS, the fourth FINISHED.
        done.Attempts.OrderBy(a => a.Id).Select(a => a.Step).ShouldBe(
            ["quota", "create_container", "container_status", "container_status", "container_status", "container_status", "media_publish"]);
        done.Attempts.Where(a => a.Step == "container_status").Select(a => a.Message).ShouldBe(["IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "FINISHED"]);
        var container = PublishedContainersOf(persona).ShouldHaveSingleItem();
        container.Kind.ShouldBe(SandboxMediaKind.Reels);
        container.IsVideo.ShouldBeTrue();
        container.Caption.ShouldBe(done.FinalCaption);
        container.CoverUrl.ShouldBe(cover);
        container.ShareToFeed.ShouldBeFalse();
    }

    [Fact]
    public async Task A_reel_request_carries_media_type_video_url_cover_url_and_share_to_feed()
    {
        var form = new PostingConsole.Publishing.Graph.ContainerRequest(
            PostingConsole.Publishing.Graph.ContainerRequest.Reels, null, "https://cdn.example.com/r.mp4", "캡션", ShareToFeed: false, CoverUrl: "https://cdn.example.com/c.jpg").ToForm();
        form.ShouldBe(new Dictionary<string, string>
        {
            ["media_type"] = "REELS", ["video_url"] = "https://cdn.example.com/r.mp4", ["share_to_feed"] = "false",
            ["cover_url"] = "https://cdn.example.com/c.jpg", ["caption"] = "캡션",
        }, ignoreOrder: true);
    }

    [Fact]
    public async Task A_carousel_makes_each_child_then_one_parent_with_the_caption_and_publishes_one_post()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona, new PostContent(MediaType.Carousel,
            Items: [PostItem.Image(null, Image), PostItem.Video(null, Video), PostItem.Image(null, "demo/demo-03.jpg")]));

        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published, done.LastError);
        done.Items.ShouldAllBe(i => i.ContainerId != null);
        // The attempt log shows each child's step, the video child's processing, then the parent.
        var log = done.Attempts.OrderBy(a => a.Id).Select(a => $"{a.Step} {a.Message}").ToList();
        log.Count(l => l.StartsWith("carousel_item item ", StringComparison.Ordinal)).ShouldBe(3, string.Join("\n", log));
        log.ShouldContain(l => l.StartsWith("carousel_item item 2/3: container", StringComparison.Ordinal));
        log.ShouldContain(l => l.StartsWith("container_status item 2/3: IN_PROGRESS", StringComparison.Ordinal));
        log.IndexOf(log.First(l => l.StartsWith("create_container", StringComparison.Ordinal)))
            .ShouldBeGreaterThan(log.FindLastIndex(l => l.StartsWith("container_status item 2/3: FINISHED", StringComparison.Ordinal)));

        var parent = PublishedContainersOf(persona).ShouldHaveSingleItem();
        parent.Kind.ShouldBe(SandboxMediaKind.Carousel);
        parent.Caption.ShouldBe(done.FinalCaption);
        parent.Children.ShouldBe(done.Items.Select(i => i.ContainerId!).ToList());
        app.Sandbox.QuotaUsage(persona.IgUserId).ShouldBe(1, "a carousel counts as one post");
    }

    [Fact]
    public async Task A_carousel_asked_for_while_its_children_are_still_processing_reads_them_until_FINISHED_then_asks_again()
    {
        var persona = await app.AddPersonaAsync();
        app.Sandbox.ImageReadsUntilReady = 2; // each child is IN_PROGRESS for its first two status reads
        var post = await app.AddPostAsync(persona, new PostContent(MediaType.Carousel,
            Items: [PostItem.Image(null, Image), PostItem.Image(null, "demo/demo-02.jpg")]));

        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published, done.LastError);
        var creates = done.Attempts.Where(a => a.Step == "create_container").OrderBy(a => a.Id).ToList();
        creates.Count.ShouldBe(2);
        creates[0].Subcode.ShouldBe(2207027, "Meta: a child is not ready yet");
        creates[1].Succeeded.ShouldBeTrue();
        done.Attempts.ShouldContain(a => a.Step == "container_status" && a.Message!.StartsWith("item 1/2: FINISHED"));
    }

    [Fact]
    public async Task A_carousel_whose_children_end_in_ERROR_gets_one_new_child_then_fails_as_a_media_error_and_stops()
    {
        var persona = await app.AddPersonaAsync(fault: SandboxFault.ContainerError);
        var post = await app.AddPostAsync(persona, new PostContent(MediaType.Carousel,
            Items: [PostItem.Image(null, Image), PostItem.Image(null, "demo/demo-02.jpg")]));

        // Meta refuses the carousel (100/2207028): the children are read, and the one in ERROR is what the decision is about.
        await app.RunOnceAsync();
        var first = await app.ReadPostAsync(post.Id);
        first.Status.ShouldBe(PostStatus.Retrying, first.LastError);
        first.FailureReason.ShouldBe(FailureReason.Transient, "an ERROR without a subcode: one new container");
        first.Items[0].ContainerId.ShouldBeNull("the child in ERROR is made again");

        await app.RunOnceAsync();
        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Failed, "then a media error, not an endless retry");
        done.FailureReason.ShouldBe(FailureReason.ImageInvalid);
        app.Sandbox.AllMedia.ShouldBeEmpty();
        var made = app.Sandbox.ContainersOf(persona.IgUserId).Count;
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.RunOnceAsync();
        app.Sandbox.ContainersOf(persona.IgUserId).Count.ShouldBe(made, "nothing more is sent once it failed");
    }

    [Fact]
    public async Task A_video_Meta_cannot_use_ends_in_ERROR_and_fails_with_Metas_status_text_without_retrying()
    {
        var persona = await app.AddPersonaAsync();
        // A JPEG where a video should be: Meta accepts the container, then its processing ends in ERROR (2207026).
        var post = await app.AddPostAsync(persona, new PostContent(MediaType.Reels, VideoPath: Image));

        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Failed);
        done.FailureReason.ShouldBe(FailureReason.InvalidInput);
        done.LastError.ShouldNotBeNull().ShouldContain("2207026");
        done.LastError.ShouldContain("The video format is not supported");
        done.Attempts.Count(a => a.Step == "create_container").ShouldBe(1, "retrying sends the same file: no new container");
        app.Sandbox.AllMedia.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_carousel_child_that_cannot_be_fetched_falls_back_to_its_local_file_alone()
    {
        var persona = await app.AddPersonaAsync();
        // Item 1: the CDN is down (the console's probe sees it before asking Meta). Item 2: the CDN answers the console
        // but refuses Meta's fetcher (Meta answers 9004/2207052). Item 3: a local file from the start.
        var down = new Uri(app.BaseUrl, "sandbox/cdn-down/demo/demo-04.jpg").AbsoluteUri;
        var blocksMeta = new Uri(app.BaseUrl, "sandbox/cdn-blocks-meta/demo/demo-05.jpg").AbsoluteUri;
        var post = await app.AddPostAsync(persona, new PostContent(MediaType.Carousel,
            Items: [PostItem.Image(down, "demo/demo-04.jpg"), PostItem.Image(blocksMeta, "demo/demo-05.jpg"), PostItem.Image(null, "demo/demo-06.jpg")]));

        await app.RunOnceAsync();
        var first = await app.ReadPostAsync(post.Id);
        first.Status.ShouldBe(PostStatus.Retrying);
        first.FailureReason.ShouldBe(FailureReason.MediaUnreachable);
        first.Items.Select(i => i.UseLocalFile).ShouldBe([true, true, false]);
        first.Items[0].ContainerId.ShouldNotBeNull("the first child was made from the local file and is kept");
        first.Items[1].ContainerId.ShouldBeNull();

        await app.RunOnceAsync();
        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published, done.LastError);
        done.Items[0].ContainerId.ShouldBe(first.Items[0].ContainerId, "reused, not made again");
        app.Sandbox.ContainersOf(persona.IgUserId).Count(c => c.Kind == SandboxMediaKind.CarouselItem).ShouldBe(3);
    }

    [Fact]
    public async Task A_crash_between_the_children_and_the_parent_reuses_the_children_and_publishes_one_parent()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona, new PostContent(MediaType.Carousel,
            Items: [PostItem.Image(null, Image), PostItem.Image(null, "demo/demo-02.jpg"), PostItem.Image(null, "demo/demo-03.jpg")]));
        // Meta stalls right after making the third child: the parent's request is never answered.
        using var held = app.Sandbox.HoldAnswersAfter(c => c.IgUserId == persona.IgUserId && app.Sandbox.ContainersOf(persona.IgUserId).Count == 3);

        // The first process makes the three children, then dies while its parent request is unanswered.
        var first = ActivatorUtilities.CreateInstance<Dispatcher>(app.Services);
        (await first.TickAsync(CancellationToken.None)).ShouldBe(1);
        await Condition.WaitUntilAsync(async () => (await app.ReadPostAsync(post.Id)).Items.All(i => i.ContainerId != null));
        await Condition.WaitUntilAsync(() => app.Sandbox.CallsInFlight == 1); // the parent's request, held
        await first.AbandonAsync();
        await Condition.WaitUntilAsync(() => app.Sandbox.CallsInFlight == 0); // the dead run's request is gone before Meta answers again
        held.Dispose();
        var stored = (await app.ReadPostAsync(post.Id)).Items.Select(i => i.ContainerId).ToList();

        // A new process, once the lease has run out.
        app.Time.Advance(TimeSpan.FromMinutes(3));
        await app.RunOnceAsync(ActivatorUtilities.CreateInstance<Dispatcher>(app.Services));

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published, done.LastError);
        done.Items.Select(i => i.ContainerId).ShouldBe(stored, "the stored children are reused");
        var containers = app.Sandbox.ContainersOf(persona.IgUserId);
        containers.Count(c => c.Kind == SandboxMediaKind.CarouselItem).ShouldBe(3, "no child made twice");
        containers.Count(c => c.Kind == SandboxMediaKind.Carousel).ShouldBe(1, "the dead run's parent request was never carried out");
        app.Sandbox.AllMedia.ShouldHaveSingleItem().ContainerId.ShouldBe(done.ContainerId);
    }

    [Fact]
    public async Task A_story_whose_publish_answer_was_lost_is_found_under_stories_and_not_published_again()
    {
        var persona = await app.AddPersonaAsync();
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.LostPublishAnswer, times: 1);
        var post = await app.AddPostAsync(persona, new PostContent(MediaType.Stories, VideoPath: Video));

        // The answer to media_publish is lost: the same run reads the container (PUBLISHED) and finds the story under /stories.
        await app.RunOnceAsync();

        var done = await app.ReadPostAsync(post.Id);
        done.Status.ShouldBe(PostStatus.Published, done.LastError);
        var story = app.Sandbox.AllMedia.ShouldHaveSingleItem("published once");
        done.MediaId.ShouldBe(story.Id);
        done.Attempts.ShouldContain(a => a.Step == "reconcile" && a.Message!.Contains("stories"));
    }
}
