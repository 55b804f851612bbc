using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Publishing;

/// <summary>The console's own record of its Graph calls (what the multi-process tests count calls in flight from).</summary>
public class GraphCallLogTests
{
    [Fact]
    public async Task Each_request_to_Meta_is_logged_when_it_begins_and_ends_by_its_path_alone()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = EngineHarness.Start(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:PostingConsole.Publishing.Graph.GraphCallLog"] = "Debug",
            ["Posting:MaxConcurrency"] = "3",
        }, logs: logs);
        var personas = new List<PostingConsole.Domain.Persona>();
        for (var i = 0; i < 3; i++) personas.Add(await app.AddPersonaAsync($"기록{i}"));
        foreach (var persona in personas) await app.AddPostAsync(persona);
        var dispatcher = app.CreateDispatcher();
        using (app.Sandbox.HoldAnswers())
        {
            (await dispatcher.TickAsync(CancellationToken.None)).ShouldBe(3);
            await Condition.WaitUntilAsync(() => app.Sandbox.CallsInFlight == 3); // three runs wait for Meta at once
        }

        await dispatcher.WhenIdleAsync();
        app.Sandbox.AllMedia.Count.ShouldBe(3);
        // A day on, their insights: each account's read with its newest media (GET /{ig-user-id}?fields=…, field expansion).
        app.Time.Advance(TimeSpan.FromDays(1));
        (await app.GetService<PostingConsole.Insights.InsightsReader>().RunAsync(CancellationToken.None))!.PostsRead.ShouldBe(3);
        var lines = string.Join('\n', logs.Entries.Where(e => e.Contains("GraphCallLog")));
        var timeline = new GraphCallTimeline((lines, false));
        timeline.Calls.ShouldBe(app.Sandbox.Calls, "one begin line per request that reached Meta");
        timeline.MaxInFlight.ShouldBe(3, "the three held calls overlapped, and no more");
        lines.Contains('?', StringComparison.Ordinal).ShouldBeFalse("no query string (the account read's fields=…) in the lines");
        lines.ShouldContain($" GET /sandbox/graph/v25.0/{personas[0].IgUserId} began", Case.Sensitive, "the account read is logged by its path alone");
    }
}
