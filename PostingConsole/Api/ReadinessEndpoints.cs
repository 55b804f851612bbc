using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Domain;
using PostingConsole.Readiness;

namespace PostingConsole.Api;

/// <summary>
/// <c>GET /api/readiness?from=&amp;to=&amp;personaId=&amp;state=</c> (docs/readiness.md#api): the upcoming posts of the window with their
/// state and problems, and how many are in each state. Default window: now to <c>Readiness:Horizon</c>.
/// </summary>
public static class ReadinessEndpoints
{
    /// <summary>The widest window one call lists.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(8);

    public static RouteGroupBuilder MapReadinessEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/readiness", async (string? from, string? to, int? personaId, string? state, ReadinessQueries queries, TimeProvider time,
            IOptions<ReadinessOptions> options, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var now = time.GetUtcNow().UtcDateTime;
            var fromUtc = now;
            var toUtc = now + options.Value.Horizon;
            if (from is not null && !IsoTime.TryParse(from, out fromUtc)) errors["from"] = ["from must be ISO 8601 with an offset."];
            if (to is not null && !IsoTime.TryParse(to, out toUtc)) errors["to"] = ["to must be ISO 8601 with an offset."];
            else if (to is null && from is not null) toUtc = fromUtc + options.Value.Horizon;
            ReadinessState? stateFilter = null;
            if (state is not null)
            {
                if (Enum.TryParse<ReadinessState>(state, ignoreCase: false, out var s) && Enum.IsDefined(s)) stateFilter = s;
                else errors["state"] = [$"state must be one of {string.Join(", ", Enum.GetNames<ReadinessState>())}."];
            }

            if (errors.Count == 0 && toUtc <= fromUtc) errors["to"] = ["to must be after from."];
            if (errors.Count == 0 && toUtc - fromUtc > MaxWindow) errors["to"] = [$"At most {MaxWindow.TotalDays:0} days at once."];
            if (errors.Count > 0) return Problems.Validation(errors);

            var report = await queries.ListAsync(fromUtc, toUtc, personaId, stateFilter, ct);
            var counts = report.Counts.ToDictionary(c => c.Key.ToString(), c => c.Value);
            counts["Unchecked"] = report.Unchecked;
            return Results.Ok(new ReadinessListResponse(
                report.Items.Where(i => i.Verdict is not null).Select(i => new ReadinessItemResponse(i.Post.Id, i.Post.PersonaId, i.Post.Persona?.Name,
                    i.Post.ScheduledAt, i.DueAt, i.Verdict!.State, ReadinessResponse.ProblemsOf(i.Verdict), i.Verdict.CheckedAt)).ToList(),
                counts));
        }).WithTags("Readiness");
        return api;
    }
}
