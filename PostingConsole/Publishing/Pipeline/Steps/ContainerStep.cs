using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// The container Meta publishes (<c>POST /{ig-user-id}/media</c>): a feed photo, a story or a reel from the post's own media,
/// or a carousel from its children (made first by <see cref="CarouselChildren"/>). Its id is stored with the next save; a
/// video's is stored at once and read until FINISHED by the wait step.
/// </summary>
public sealed class ContainerStep(PublishCalls calls, RunOutcomes outcomes, CarouselChildren children, MediaSourceUrls urls) : IPublishStep
{
    public string Name => "container";

    public bool AppliesTo(PublishRun run) => run.Live is null && run.Post.ContainerId is null;

    public async Task<StepResult> RunAsync(PublishRun run)
    {
        var post = run.Post;
        ContainerRequest request;
        if (post.MediaType == MediaType.Carousel)
        {
            if (await children.CreateAsync(run) is not { } ids) return StepResult.Stop;
            request = new ContainerRequest(ContainerRequest.Carousel, null, null, post.FinalCaption, Children: ids, Fields: OptionalFields.Of(post));
        }
        else
        {
            var media = post.Media;
            var url = await urls.ChooseAsync(run, media);
            request = post.MediaType switch
            {
                // Instagram shows no caption on a story: none is sent (a story is found again by its time, not its caption).
                MediaType.Stories => new ContainerRequest(ContainerRequest.Stories, media.IsVideo ? null : url, media.IsVideo ? url : null, null),
                MediaType.Reels => new ContainerRequest(ContainerRequest.Reels, null, url, post.FinalCaption, ShareToFeed: post.ShareToFeed, CoverUrl: post.CoverUrl),
                _ => ContainerRequest.FeedImage(url, post.FinalCaption),
            } with { Fields = OptionalFields.Of(post) };
        }

        var created = await calls.CreateContainerAsync(run, PublishSteps.CreateContainer, request);
        if (created is null) return StepResult.Stop;
        if (!created.Succeeded)
        {
            var decision = await outcomes.DecideAsync(run, created.Error, created.Usage, PublishSteps.CreateContainer);
            if (decision.Action == PostAction.WaitForContainer)
            {
                // A child is still being processed (9007/2207027): each is read until FINISHED, then the carousel is asked for again.
                if (!await children.WaitUntilFinishedAsync(run)) return StepResult.Stop;
                created = await calls.CreateContainerAsync(run, PublishSteps.CreateContainer, request);
                if (created is null) return StepResult.Stop;
                if (!created.Succeeded) decision = await outcomes.DecideAsync(run, created.Error, created.Usage, PublishSteps.CreateContainer);
            }

            if (!created.Succeeded)
            {
                // Meta refused the carousel (100/2207028): a child in ERROR or EXPIRED is what the decision is about, if there is one.
                if (post.MediaType == MediaType.Carousel && created.Error.Subcode == 2207028 && !await children.BlameChildAsync(run)) return StepResult.Stop;
                await outcomes.CarryOutAsync(run, decision, created.Error.ToString());
                return StepResult.Stop;
            }
        }

        // An image's is stored with the stage "publish requested" in one save, right before media_publish.
        post.RecordContainer(created.Value, run.Now);
        if (post.MediaType == MediaType.Carousel || !post.Media.IsVideo) return StepResult.Continue;

        // A video is processed for a while: its container is stored now, then read until FINISHED.
        await calls.SaveAsync(run);
        run.ContainerProcessing = true;
        return StepResult.Continue;
    }
}
