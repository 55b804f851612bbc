using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PostingConsole.Data;
using PostingConsole.Publishing;

namespace PostingConsole.Api;

/// <summary>
/// ASP.NET Core's health checks (docs/operations.md#health-checks), no key needed: <c>/healthz</c> is liveness (the process
/// answers: no check runs), <c>/readyz</c> readiness (the database answers, the dispatcher ticked within
/// <see cref="DispatcherCheck.MaxTickAge"/>, Meta's app-wide throttle circuit closed). 200 when Healthy or Degraded, 503 when
/// Unhealthy, in the JSON shape probes and dashboards read (<c>status</c>, <c>totalDuration</c>, <c>entries</c> with each check's
/// <c>status</c>, <c>description</c>, <c>duration</c>, <c>data</c>).
/// </summary>
public static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IServiceCollection AddConsoleHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: [Ready])
            .AddCheck<DispatcherCheck>("dispatcher", tags: [Ready])
            .AddCheck<GraphCircuitCheck>("graph", tags: [Ready]);
        return services;
    }

    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = r => r.Tags.Contains(Ready), ResponseWriter = WriteAsync }).AllowAnonymous();
        return app;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            totalDuration = report.TotalDuration.ToString("c"),
            entries = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                duration = e.Value.Duration.ToString("c"),
                data = e.Value.Data,
            }),
        }, Json));
    }

    /// <summary>The database answers a read of the dispatcher's state.</summary>
    public sealed class DatabaseCheck(IDbContextFactory<PostingDbContext> contexts) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                await db.DispatcherState.AnyAsync(cancellationToken);
                return HealthCheckResult.Healthy(db.Database.ProviderName);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("the database does not answer", ex);
            }
        }
    }

    /// <summary>Some console process on the database ran the dispatcher's minute tick lately (the queue is being worked).</summary>
    public sealed class DispatcherCheck(IDbContextFactory<PostingDbContext> contexts, TimeProvider time) : IHealthCheck
    {
        public static readonly TimeSpan MaxTickAge = TimeSpan.FromMinutes(3);

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                var last = await db.DispatcherState.Where(s => s.Id == 1).Select(s => s.LastTickAt).FirstOrDefaultAsync(cancellationToken);
                var data = new Dictionary<string, object> { ["lastTickAt"] = last?.ToString("O") ?? "never" };
                return last is { } at && time.GetUtcNow().UtcDateTime - at < MaxTickAge
                    ? HealthCheckResult.Healthy("the dispatcher ticks", data)
                    : HealthCheckResult.Unhealthy($"no dispatcher tick for {MaxTickAge.TotalMinutes:0} minutes", data: data);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("the database does not answer", ex);
            }
        }
    }

    /// <summary>Meta's app-wide throttle circuit: open is Degraded (the console serves; nothing is sent to Meta until it closes).</summary>
    public sealed class GraphCircuitCheck(ThrottleCircuits circuits, IDbContextFactory<PostingDbContext> contexts, TimeProvider time) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken)) await circuits.RefreshAsync(db, cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var accounts = circuits.OpenAccounts(now);
            var data = new Dictionary<string, object> { ["accountsThrottled"] = accounts.Count };
            if (circuits.AppUntil is { } until && until > now)
            {
                data["appThrottledUntil"] = until.ToString("O");
                return HealthCheckResult.Degraded("Meta throttles the whole app: no Graph call until then", data: data);
            }

            return HealthCheckResult.Healthy(accounts.Count == 0 ? "no throttle circuit open" : $"{accounts.Count} accounts throttled", data);
        }
    }
}
