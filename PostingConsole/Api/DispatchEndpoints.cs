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
}
