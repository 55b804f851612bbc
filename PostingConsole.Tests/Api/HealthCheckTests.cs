using System.Net;
using System.Text.Json;
using PostingConsole.Publishing;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Api;

/// <summary>
/// <c>/healthz</c> (live) and <c>/readyz</c> (ready) through ASP.NET Core's health checks, without a key, in the JSON probes read:
/// ready turns unhealthy when the dispatcher stops ticking and healthy again when it ticks; Meta's app-wide throttle is degraded.
/// </summary>
public sealed class HealthCheckTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var client = new HttpClient { BaseAddress = app.BaseUrl };
        using var response = await client.GetAsync(path);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Live_answers_while_the_process_runs_and_ready_follows_the_dispatchers_tick()
    {
        var (liveStatus, live) = await GetAsync("/healthz");
        liveStatus.ShouldBe(HttpStatusCode.OK);
        live.GetProperty("status").GetString().ShouldBe("Healthy");
        live.GetProperty("entries").EnumerateObject().ShouldBeEmpty("liveness runs no check");

        // No tick yet: not ready, and the entry says why.
        var (neverStatus, never) = await GetAsync("/readyz");
        neverStatus.ShouldBe(HttpStatusCode.ServiceUnavailable);
        never.GetProperty("status").GetString().ShouldBe("Unhealthy");
        never.GetProperty("entries").GetProperty("dispatcher").GetProperty("status").GetString().ShouldBe("Unhealthy");
        never.GetProperty("entries").GetProperty("database").GetProperty("status").GetString().ShouldBe("Healthy");

        await app.RunOnceAsync();
        var (readyStatus, ready) = await GetAsync("/readyz");
        readyStatus.ShouldBe(HttpStatusCode.OK);
        ready.GetProperty("status").GetString().ShouldBe("Healthy");
        ready.GetProperty("entries").EnumerateObject().Select(e => e.Name).ShouldBe(["database", "dispatcher", "graph"], ignoreOrder: true);

        // The dispatcher stops ticking for more than 3 minutes: not ready; it ticks again: ready.
        app.Time.Advance(TimeSpan.FromMinutes(4));
        (await GetAsync("/readyz")).Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await GetAsync("/healthz")).Status.ShouldBe(HttpStatusCode.OK);
        await app.RunOnceAsync();
        (await GetAsync("/readyz")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Metas_app_wide_throttle_is_degraded_not_down()
    {
        await app.RunOnceAsync();
        await app.GetService<ThrottleCircuits>().OpenAppAsync(app.Now.AddMinutes(30), CancellationToken.None);

        var (status, body) = await GetAsync("/readyz");
        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("status").GetString().ShouldBe("Degraded");
        body.GetProperty("entries").GetProperty("graph").GetProperty("data").GetProperty("appThrottledUntil").GetString().ShouldNotBeNull();
    }
}
