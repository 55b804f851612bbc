using PostingConsole.Domain;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// The post's first comment, right after it went live, under the run's own claim and in its place in the call budget
/// (<see cref="FirstComments"/>). Its media id is stored with the "sending" save, so a crash from here on resumes as a live post
/// whose comment is looked for before it is sent. Whatever happens to the comment, the post goes on to Published.
/// </summary>
public sealed class FirstCommentStep(FirstComments comments) : IPublishStep
{
    public string Name => "first_comment";

    public bool AppliesTo(PublishRun run) => run.Live?.MediaId is not null && run.Post.FirstCommentOpen;

    public async Task<StepResult> RunAsync(PublishRun run)
    {
        var (post, live) = (run.Post, run.Live!);
        if (post.Stage != PublishStage.MediaPublished) post.RecordMediaId(live.MediaId!, run.Now);
        if (live.Permalink is { } permalink && post.Permalink is null) post.RecordPermalink(permalink, run.Now);
        await comments.PostAsync(run, live.MediaId!);
        return StepResult.Continue;
    }
}
