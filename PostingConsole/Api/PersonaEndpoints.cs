using System.Security.Claims;
using PostingConsole.Security;
using PostingConsole.Domain;
using PostingConsole.Operations;

namespace PostingConsole.Api;

/// <summary><c>/api/personas</c> (docs/architecture.md#the-api). The token goes in and never comes out; answers carry only <c>tokenHint</c>.</summary>
public static class PersonaEndpoints
{
    public static RouteGroupBuilder MapPersonaEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/personas").WithTags("Personas");

        group.MapGet("/", async (PersonaQueries queries, CancellationToken ct) =>
            (await queries.ListAsync(ct)).Select(PersonaResponse.From).ToList());

        group.MapGet("/{id:int}", async (int id, PersonaQueries queries, CancellationToken ct) =>
            await queries.GetAsync(id, ct) is { } persona ? Results.Ok(PersonaResponse.From(persona)) : Problems.NotFound($"Persona {id} does not exist."));

        group.MapPost("/", async (CreatePersonaRequest body, ClaimsPrincipal user, PersonaOperations operations, CancellationToken ct) =>
                ToResult(await operations.CreateAsync(user.ApiActor(), body.Name!.Trim(), body.IgUserId!, body.AccessToken!, body.TimeZone, ct)))
            .RequirePermission(Permission.Administer)
            .AddEndpointFilter<ValidationFilter<CreatePersonaRequest>>();

        group.MapPut("/{id:int}/token", async (int id, UpdateTokenRequest body, ClaimsPrincipal user, PersonaOperations operations, CancellationToken ct) =>
                ToResult(await operations.ReplaceTokenAsync(user.ApiActor(), id, body.AccessToken!, ct)))
            .RequirePermission(Permission.Administer)
            .AddEndpointFilter<ValidationFilter<UpdateTokenRequest>>();

        group.MapPut("/{id:int}/window", async (int id, PostingWindowBody body, ClaimsPrincipal user, PersonaOperations operations, CancellationToken ct) =>
            {
                var from = PostingWindow.TryParseTime(body.From, out var f) ? f : (TimeOnly?)null;
                var to = PostingWindow.TryParseTime(body.To, out var t) ? t : (TimeOnly?)null;
                return ToResult(await operations.SetPostingWindowAsync(user.ApiActor(), id, from, to, ct));
            })
            .RequirePermission(Permission.Administer)
            .AddEndpointFilter<ValidationFilter<PostingWindowBody>>();

        group.MapPost("/{id:int}/pause", async (int id, PauseRequest? body, ClaimsPrincipal user, PersonaOperations operations, CancellationToken ct) =>
                ToResult(await operations.PauseAsync(user.ApiActor(), id, body?.Reason, ct)))
            .RequirePermission(Permission.Administer);

        group.MapPost("/{id:int}/resume", async (int id, ClaimsPrincipal user, PersonaOperations operations, CancellationToken ct) =>
                ToResult(await operations.ResumeAsync(user.ApiActor(), id, ct)))
            .RequirePermission(Permission.Administer);

        return api;
    }

    private static IResult ToResult(OperationResult<Persona> result) =>
        Problems.Of(result, r => r.Status == OperationStatus.Created
            ? Results.Created($"/api/personas/{r.Value!.Id}", PersonaResponse.From(r.Value, 0))
            : Results.Ok(PersonaResponse.From(r.Value!, 0)));
}
