using PostingConsole.Domain;
using System.Security.Claims;
using PostingConsole.Operations;
using PostingConsole.Security;

namespace PostingConsole.Api;

/// <summary><c>/api/posts</c> (docs/architecture.md#the-api): intake from 005-approval, reads, and the operator's actions.</summary>
public static class PostEndpoints
{
    public static RouteGroupBuilder MapPostEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/posts").WithTags("Posts");

        group.MapPost("/", async (CreatePostRequest body, ClaimsPrincipal user, PostOperations operations, CancellationToken ct) =>
            {
                _ = IsoTime.TryParse(body.ScheduledAt, out var scheduledAt); // validated by the endpoint filter
                SlotRange? slot = null;
                if (body.ScheduledAt is null && SlotBody.Parse(body.Slot, out var after, out var before) is null) slot = new SlotRange(after, before);
                var result = await operations.CreateAsync(user.ApiActor(), new NewPost(body.PersonaId!.Value, body.ToContent(),
                    body.Caption ?? "", body.Hashtags, scheduledAt, body.ExternalId, slot, body.AiGenerated, body.ToFields(), body.FirstComment), ct);
                return Problems.Of(result, r => r.Status == OperationStatus.Created
                    ? Results.Created($"/api/posts/{r.Value!.Id}", PostResponse.From(r.Value, withAttempts: true))
                    : Results.Ok(PostResponse.From(r.Value!, withAttempts: true)));
            })
            .RequirePermission(Permission.Operate)
            .AddEndpointFilter<ValidationFilter<CreatePostRequest>>();

        group.MapGet("/", async (string? status, int? personaId, string? from, string? to, int? page, int? pageSize, string? mediaType,
            PostQueries queries, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            DateTime? fromUtc = null, toUtc = null;
            if (from is not null) { if (IsoTime.TryParse(from, out var f)) fromUtc = f; else errors["from"] = ["from must be ISO 8601 with an offset."]; }
            if (to is not null) { if (IsoTime.TryParse(to, out var t)) toUtc = t; else errors["to"] = ["to must be ISO 8601 with an offset."]; }
            PostStatus? statusFilter = null;
            if (status is not null)
            {
                if (Enum.GetNames<PostStatus>().Contains(status)) statusFilter = Enum.Parse<PostStatus>(status);
                else errors["status"] = [$"status must be one of {string.Join(", ", Enum.GetNames<PostStatus>())}."];
            }

            if (!MediaTypes.TryParse(mediaType, out var type)) errors["mediaType"] = [$"mediaType must be one of {string.Join(", ", MediaTypes.All.Select(MediaTypes.Name))}."];
            if (page is < 1) errors["page"] = ["page starts at 1."];
            if (pageSize is < 1 or > PostQueries.MaxPageSize) errors["pageSize"] = [$"pageSize must be between 1 and {PostQueries.MaxPageSize}."];
            if (errors.Count > 0) return Problems.Validation(errors);

            var filter = new PostFilter(statusFilter is { } s ? [s] : null, personaId, fromUtc, toUtc, MediaType: mediaType is null ? null : type);
            var result = await queries.ListAsync(filter, page ?? 1, pageSize ?? 50, ct);
            return Results.Ok(new PostListResponse(result.Items.Select(p => PostResponse.From(p, withAttempts: false)).ToList(), result.Total));
        });

        group.MapGet("/{id:int}", async (int id, PostQueries queries, Insights.InsightsQueries insights, CancellationToken ct) =>
            await queries.GetAsync(id, ct) is { } post
                ? Results.Ok(PostResponse.From(post, withAttempts: true, await insights.ForPostAsync(id, ct)))
                : Problems.NotFound($"Post {id} does not exist."));

        group.MapPatch("/{id:int}", async (int id, EditPostRequest body, ClaimsPrincipal user, PostOperations operations, CancellationToken ct) =>
            {
                DateTime? scheduledAt = IsoTime.TryParse(body.ScheduledAt, out var at) ? at : null;
                Func<PostFields, PostFields>? fields = body.ChangesFields ? current => PostFieldsBody.Merge(body, current) : null;
                return ToResult(await operations.EditAsync(user.ApiActor(), id,
                    new PostEdit(body.Caption, body.Hashtags, scheduledAt, body.AiGenerated, fields, body.FirstComment), ct));
            })
            .RequirePermission(Permission.Operate)
            .AddEndpointFilter<ValidationFilter<EditPostRequest>>();

        group.MapPost("/{id:int}/publish-now", async (int id, PublishNowRequest? body, ClaimsPrincipal user, PostOperations operations, CancellationToken ct) =>
                ToResult(await operations.PublishNowAsync(user.ApiActor(), id, body?.Republish ?? false, ct)))
            .RequirePermission(Permission.Operate);

        group.MapPost("/{id:int}/retry", async (int id, RetryRequest body, ClaimsPrincipal user, PostOperations operations, CancellationToken ct) =>
            {
                _ = RetryDelay.TryParse(body.After, out var after); // validated by the endpoint filter
                return ToResult(await operations.RetryAsync(user.ApiActor(), id, after, ct));
            })
            .RequirePermission(Permission.Operate)
            .AddEndpointFilter<ValidationFilter<RetryRequest>>();

        group.MapPost("/retry", async (RetryMatchingRequest body, ClaimsPrincipal user, PostOperations operations, CancellationToken ct) =>
            {
                _ = RetryDelay.TryParse(body.After, out var after); // validated by the endpoint filter
                var result = await operations.RetryMatchingAsync(user.ApiActor(), new PostMatch(body.Status, body.FailureReason, body.PersonaId), after, ct);
                return Problems.Of(result, r => Results.Ok(new RetryMatchingResponse(r.Value)));
            })
            .RequirePermission(Permission.Operate)
            .AddEndpointFilter<ValidationFilter<RetryMatchingRequest>>();

        group.MapPost("/{id:int}/first-comment/retry", async (int id, ClaimsPrincipal user, PostOperations operations, CancellationToken ct) =>
                ToResult(await operations.RetryFirstCommentAsync(user.ApiActor(), id, ct)))
            .RequirePermission(Permission.Operate);

        group.MapPost("/{id:int}/cancel", async (int id, ClaimsPrincipal user, PostOperations operations, CancellationToken ct) =>
                ToResult(await operations.CancelAsync(user.ApiActor(), id, ct)))
            .RequirePermission(Permission.Operate);

        return api;
    }


    private static IResult ToResult(OperationResult<Post> result) =>
        Problems.Of(result, r => Results.Ok(PostResponse.From(r.Value!, withAttempts: false)));
}
