using PostingConsole.Domain;

namespace PostingConsole.Publishing.Pipeline.Steps;

/// <summary>
/// The URL Meta downloads a media from: the CDN's, unless the post already fell back to its local file or the CDN does not
/// answer now (<see cref="PostingRules.UseLocalFileForUnreachableCdn"/>: then the console's signed link to the local file).
/// </summary>
public sealed class MediaSourceUrls(ConsoleAddress address, ImageProbe imageProbe, RunOutcomes outcomes, PublishCalls calls)
{
    /// <param name="item">The carousel child the source is of; null for the post's own media.</param>
    public async Task<string> ChooseAsync(PublishRun run, MediaSource source, PostItem? item = null)
    {
        if (source.SendsLocalFile && source.Path is { } sent) return address.MediaUrl(sent);
        if (source.Url is not { } url) throw new InvalidOperationException($"Post {run.Post.Id} has neither a media URL nor a local file to send.");
        var maxBytes = MediaFormats.MaxBytes(run.Post.MediaType, source.IsVideo);
        var facts = await outcomes.FactsAsync(run, item: item);
        if (PostingRules.UseLocalFileForUnreachableCdn(facts) && source.Path is { } path && !await imageProbe.IsReachableAsync(url, maxBytes, run.CancellationToken))
        {
            run.Post.FallBackToLocalFile(item, run.Now);
            calls.Note(run, PublishSteps.ImageCheck, "CDN unreachable; using the local file served by the console");
            run.Journal.Log(ActivityLevel.Warning, Notice.CdnFallback(run.Persona.Name), run.Post.Id, run.Persona.Id);
            return address.MediaUrl(path);
        }

        return url;
    }
}
