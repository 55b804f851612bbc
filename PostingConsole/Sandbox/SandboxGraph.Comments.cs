using PostingConsole.Domain;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Sandbox;

/// <summary>
/// Comments on a media (docs/architecture.md#first-comment): <c>POST /{ig-media-id}/comments</c> with <c>message</c> answers
/// <c>{"id"}</c>; <c>GET /{ig-media-id}/comments</c> lists them newest first with <c>id</c>, <c>text</c>, <c>from</c> and
/// <c>username</c>. As at Meta, a comment has no idempotency key: the same message twice is two comments. A story takes none; a
/// token without <c>instagram_manage_comments</c> is refused with (#10); the <see cref="SandboxFault.LostCommentAnswer"/> fault
/// makes the comment and drops the answer.
/// </summary>
public static partial class SandboxGraph
{
    private static async Task<IResult> PostComment(string mediaId, HttpContext http, SandboxGraphState state, IServiceProvider services)
    {
        if (await CommentedMediaAsync(mediaId, state, services) is not { } media) return SandboxErrors.UnknownObject(mediaId);
        var (fault, refused) = await AdmitAsync(http, media.IgUserId, state, services);
        if (refused is not null) return refused;
        if (state.TakeServerError(media.IgUserId, SandboxCall.Comment)) return SandboxErrors.ServerError();
        if (fault == SandboxFault.NoCommentPermission) return SandboxErrors.NoPermission();
        if (fault == SandboxFault.Restricted) return SandboxErrors.Restricted();
        if (media.Type == MediaType.Stories) return SandboxErrors.BadParameter("Comments are not supported for this media");

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var message = form["message"].ToString();
        if (message.Length == 0) return SandboxErrors.BadParameter("The parameter message is required");
        if (PostCaption.Length(message) > PostFieldRules.MaxFirstComment) return SandboxErrors.BadParameter("The comment is too long");

        var comment = state.AddComment(mediaId, message, media.IgUserId);
        await state.CommentMadeAsync(http.RequestAborted);
        if (fault == SandboxFault.LostCommentAnswer)
        {
            // The comment is there, but the answer never reaches the caller.
            state.Played(media.IgUserId);
            http.Abort();
            return Results.Empty;
        }

        return Results.Json(new GraphIdResponse(comment.Id));
    }

    private static async Task<IResult> ListComments(string mediaId, HttpContext http, SandboxGraphState state, IServiceProvider services)
    {
        if (await CommentedMediaAsync(mediaId, state, services) is not { } media) return SandboxErrors.UnknownObject(mediaId);
        var (fault, refused) = await AdmitAsync(http, media.IgUserId, state, services);
        if (refused is not null) return refused;
        if (state.TakeServerError(media.IgUserId, SandboxCall.Read)) return SandboxErrors.ServerError();
        if (fault == SandboxFault.NoCommentPermission) return SandboxErrors.NoPermission();
        var data = state.CommentsOf(mediaId)
            .Select(c => new MediaComment(c.Id, c.Text, new CommentAuthor(c.FromId, c.FromUsername), c.FromUsername)).ToList();
        return Results.Json(new CommentListResponse(data));
    }

    /// <summary>The media a comment call is about: one the Sandbox published (in memory, or before a restart in the console's records).</summary>
    private static async Task<PublishedMedia?> CommentedMediaAsync(string mediaId, SandboxGraphState state, IServiceProvider services) =>
        (await FindMediaAsync([mediaId], state, services)).GetValueOrDefault(mediaId);
}
