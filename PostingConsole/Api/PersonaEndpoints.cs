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
                ToResult(await operations.CreateAsync(user.ApiActor(), body.Name!.Trim(), body.IgUserId!, body.AccessToken!, body.TimeZone, ct,
                    body.AiLabelDefault ?? true)))
            .RequirePermission(Permission.Administer)
            .AddEndpointFilter<ValidationFilter<CreatePersonaRequest>>();

        group.MapPatch("/{id:int}", async (int id, UpdatePersonaRequest body, ClaimsPrincipal user, PersonaOperations operations, CancellationToken ct) =>
                ToResult(await operations.SetAiLabelDefaultAsync(user.ApiActor(), id, body.AiLabelDefault!.Value, ct)))
            .RequirePermission(Permission.Administer)
            .AddEndpointFilter<ValidationFilter<UpdatePersonaRequest>>();

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

        group.MapGet("/{id:int}/insights", async (int id, string? from, string? to, PersonaQueries personas, Insights.InsightsQueries insights,
            TimeProvider time, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var now = time.GetUtcNow().UtcDateTime;
            DateTime fromUtc = now.AddDays(-56), toUtc = now;
            if (from is not null && !IsoTime.TryParse(from, out fromUtc)) errors["from"] = ["from must be ISO 8601 with an offset."];
            if (to is not null && !IsoTime.TryParse(to, out toUtc)) errors["to"] = ["to must be ISO 8601 with an offset."];
            if (errors.Count == 0 && toUtc <= fromUtc) errors["to"] = ["to must be after from."];
            if (errors.Count == 0 && toUtc - fromUtc > Insights.InsightsQueries.LongestRange) errors["from"] = ["from and to may be at most 366 days apart."];
            if (errors.Count > 0) return Problems.Validation(errors);
            if (await personas.GetAsync(id, ct) is not { } overview) return Problems.NotFound($"Persona {id} does not exist.");
            var results = await insights.ForPersonaAsync(overview.Persona, fromUtc, toUtc, ct);
            return Results.Ok(new PersonaInsightsResponse(id,
                results.Posts.Select(p => new PersonaPostInsightResponse(p.PostId, p.MediaType, p.PublishedAt, InsightResponse.From(p.Last))).ToList(),
                results.ByHourOfWeek));
        });

        group.MapGet("/{id:int}/slots", async (int id, Slots.SlotService slots, CancellationToken ct) =>
        {
            if (await slots.OverviewAsync(id, ct) is not { } overview) return Problems.NotFound($"Persona {id} does not exist.");
            var english = System.Globalization.CultureInfo.GetCultureInfo("en");
            return Results.Ok(new SlotsResponse(id,
                Enumerable.Range(0, Slots.SlotScores.Hours)
                    .Select(h => new SlotScoreResponse((DayOfWeek)(h / 24), h % 24, Math.Round(overview.Scores.Score(h), 3), overview.Scores.Posts(h))).ToList(),
                overview.Next.Select(c => new SlotTimeResponse(c.At, Math.Round(c.Score, 3), Texts.Slot(c.Reason, c.At, overview.Persona.TimeZone, english))).ToList()));
        });

        group.MapPost("/{id:int}/reslot", async (int id, ClaimsPrincipal user, PersonaOperations operations, CancellationToken ct) =>
                Problems.Of(await operations.ReslotAsync(user.ApiActor(), id, ct), r => Results.Ok(new ReslotResponse(r.Value))))
            .RequirePermission(Permission.Operate);

        return api;
    }

    private static IResult ToResult(OperationResult<Persona> result) =>
        Problems.Of(result, r => r.Status == OperationStatus.Created
            ? Results.Created($"/api/personas/{r.Value!.Id}", PersonaResponse.From(r.Value, 0))
            : Results.Ok(PersonaResponse.From(r.Value!, 0)));
}
