using System.Security.Claims;
using PostingConsole.Security;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Worker;
using PostingConsole.Operations;
using PostingConsole.Domain;

namespace PostingConsole.Api;

/// <summary><c>/api/dispatch</c> and <c>/healthz</c> (docs/architecture.md#the-api).</summary>
public static class DispatchEndpoints
{
    public static RouteGroupBuilder MapDispatchEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/dispatch").WithTags("Dispatch");
        group.MapGet("/", (DispatchControl control, CancellationToken ct) => control.GetAsync(ct));
        group.MapPost("/stop", async (ClaimsPrincipal user, DispatchControl control, CancellationToken ct) =>
                Problems.Of(await control.StopAsync(user.ApiActor(), ct), r => Results.Ok(r.Value)))
            .RequirePermission(Permission.Operate);
        group.MapPost("/start", async (ClaimsPrincipal user, DispatchControl control, CancellationToken ct) =>
                Problems.Of(await control.StartAsync(user.ApiActor(), ct), r => Results.Ok(r.Value)))
            .RequirePermission(Permission.Operate);
        return api;
    }

    /// <summary>200 when the database answers and the worker ticked within the last 3 minutes; 503 otherwise. No key needed.</summary>
    public static WebApplication MapHealthEndpoint(this WebApplication app)
    {
        app.MapGet("/healthz", async (IDbContextFactory<PostingDbContext> contexts, TimeProvider time, CancellationToken ct) =>
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(ct);
                var lastTick = await db.DispatcherState.Where(s => s.Id == 1).Select(s => s.LastTickAt).FirstOrDefaultAsync(ct);
                var fresh = lastTick is { } at && time.GetUtcNow().UtcDateTime - at < TimeSpan.FromMinutes(3);
                return fresh
                    ? Results.Ok(new { status = "ok", lastTickAt = lastTick })
                    : Results.Json(new { status = "worker-stale", lastTickAt = lastTick }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                return Results.Json(new { status = "database-unavailable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
