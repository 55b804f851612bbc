using PostingConsole.Domain;
using PostingConsole.Operations;

namespace PostingConsole.Api;

/// <summary><c>/api/personas</c> of api.md. The token goes in and never comes out; answers carry only <c>tokenHint</c>.</summary>
public static class PersonaEndpoints
{
    public static RouteGroupBuilder MapPersonaEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/personas").WithTags("Personas");

        group.MapGet("/", async (PersonaQueries queries, CancellationToken ct) =>
            (await queries.ListAsync(ct)).Select(PersonaResponse.From).ToList());

        group.MapGet("/{id:int}", async (int id, PersonaQueries queries, CancellationToken ct) =>
            await queries.GetAsync(id, ct) is { } persona ? Results.Ok(PersonaResponse.From(persona)) : Problems.NotFound($"Persona {id} does not exist."));

        group.MapPost("/", async (CreatePersonaRequest body, PersonaOperations operations, CancellationToken ct) =>
                ToResult(await operations.CreateAsync(body.Name!.Trim(), body.IgUserId!, body.AccessToken!, body.TimeZone, ct)))
            .AddEndpointFilter<ValidationFilter<CreatePersonaRequest>>();

        group.MapPut("/{id:int}/token", async (int id, UpdateTokenRequest body, PersonaOperations operations, CancellationToken ct) =>
                ToResult(await operations.ReplaceTokenAsync(id, body.AccessToken!, ct)))
            .AddEndpointFilter<ValidationFilter<UpdateTokenRequest>>();

        group.MapPost("/{id:int}/pause", async (int id, PauseRequest? body, PersonaOperations operations, CancellationToken ct) =>
                ToResult(await operations.PauseAsync(id, body?.Reason, ct)));

        group.MapPost("/{id:int}/resume", async (int id, PersonaOperations operations, CancellationToken ct) =>
            ToResult(await operations.ResumeAsync(id, ct)));

        return api;
    }

    private static IResult ToResult(OperationResult<Persona> result) => result.Status switch
    {
        OperationStatus.Created => Results.Created($"/api/personas/{result.Value!.Id}", PersonaResponse.From(result.Value, 0)),
        OperationStatus.Ok => Results.Ok(PersonaResponse.From(result.Value!, 0)),
        OperationStatus.NotFound => Problems.NotFound(result.Error),
        _ => Problems.Conflict(result.Error),
    };
}
