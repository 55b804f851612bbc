using PostingConsole.Domain;
using PostingConsole.Operations;

namespace PostingConsole.Api;

/// <summary><c>/api/posts</c> of api.md: intake from 005-approval, reads, and the operator's actions.</summary>
public static class PostEndpoints
{
    public static RouteGroupBuilder MapPostEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/posts").WithTags("Posts");

        group.MapPost("/", async (CreatePostRequest body, PostOperations operations, CancellationToken ct) =>
            {
                IsoTime.TryParse(body.ScheduledAt, out var scheduledAt);
                var result = await operations.CreateAsync(new NewPost(body.PersonaId!.Value, body.ImageUrl, NormalizePath(body.ImagePath),
                    body.Caption!, body.Hashtags, scheduledAt, body.ExternalId), ct);
                return result.Status == OperationStatus.Created
                    ? Results.Created($"/api/posts/{result.Value!.Id}", PostResponse.From(result.Value, withAttempts: true))
                    : Results.Ok(PostResponse.From(result.Value!, withAttempts: true));
            })
            .AddEndpointFilter<ValidationFilter<CreatePostRequest>>();

        group.MapGet("/", async (PostStatus? status, int? personaId, string? from, string? to, int? page, int? pageSize,
            PostQueries queries, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            DateTime? fromUtc = null, toUtc = null;
            if (from is not null) { if (IsoTime.TryParse(from, out var f)) fromUtc = f; else errors["from"] = ["from must be ISO 8601 with an offset."]; }
            if (to is not null) { if (IsoTime.TryParse(to, out var t)) toUtc = t; else errors["to"] = ["to must be ISO 8601 with an offset."]; }
            if (page is < 1) errors["page"] = ["page starts at 1."];
            if (pageSize is < 1 or > PostQueries.MaxPageSize) errors["pageSize"] = [$"pageSize must be between 1 and {PostQueries.MaxPageSize}."];
            if (errors.Count > 0) return Problems.Validation(errors);

            var filter = new PostFilter(status is { } s ? [s] : null, personaId, fromUtc, toUtc);
            var result = await queries.ListAsync(filter, page ?? 1, pageSize ?? 50, ct);
            return Results.Ok(new PostListResponse(result.Items.Select(p => PostResponse.From(p, withAttempts: false)).ToList(), result.Total));
        });

        group.MapGet("/{id:int}", async (int id, PostQueries queries, CancellationToken ct) =>
            await queries.GetAsync(id, ct) is { } post ? Results.Ok(PostResponse.From(post, withAttempts: true)) : Problems.NotFound($"Post {id} does not exist."));

        group.MapPatch("/{id:int}", async (int id, EditPostRequest body, PostOperations operations, CancellationToken ct) =>
            {
                DateTime? scheduledAt = IsoTime.TryParse(body.ScheduledAt, out var at) ? at : null;
                return ToResult(await operations.EditAsync(id, new PostEdit(body.Caption, body.Hashtags, scheduledAt), ct));
            })
            .AddEndpointFilter<ValidationFilter<EditPostRequest>>();

        group.MapPost("/{id:int}/publish-now", async (int id, PublishNowRequest? body, PostOperations operations, CancellationToken ct) =>
            ToResult(await operations.PublishNowAsync(id, body?.Republish ?? false, ct)));

        group.MapPost("/{id:int}/retry", async (int id, RetryRequest body, PostOperations operations, CancellationToken ct) =>
            {
                RetryDelay.TryParse(body.After, out var after);
                return ToResult(await operations.RetryAsync(id, after, ct));
            })
            .AddEndpointFilter<ValidationFilter<RetryRequest>>();

        group.MapPost("/retry", async (RetryMatchingRequest body, PostOperations operations, CancellationToken ct) =>
            {
                RetryDelay.TryParse(body.After, out var after);
                var count = await operations.RetryMatchingAsync(new PostMatch(body.Status, body.FailureReason, body.PersonaId), after, ct);
                return Results.Ok(new RetryMatchingResponse(count));
            })
            .AddEndpointFilter<ValidationFilter<RetryMatchingRequest>>();

        group.MapPost("/{id:int}/cancel", async (int id, PostOperations operations, CancellationToken ct) =>
            ToResult(await operations.CancelAsync(id, ct)));

        return api;
    }

    private static string? NormalizePath(string? path) => path?.Replace('\\', '/').Trim('/');

    private static IResult ToResult(OperationResult<Post> result) => result.Status switch
    {
        OperationStatus.Ok or OperationStatus.Created => Results.Ok(PostResponse.From(result.Value!, withAttempts: false)),
        OperationStatus.NotFound => Problems.NotFound(result.Error),
        _ => Problems.Conflict(result.Error),
    };
}
