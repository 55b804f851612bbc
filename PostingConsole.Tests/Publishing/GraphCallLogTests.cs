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
        for (var i = 0; i < 3; i++) await app.AddPostAsync(await app.AddPersonaAsync($"기록{i}"));
        var dispatcher = app.CreateDispatcher();
        using (app.Sandbox.HoldAnswers())
        {
            (await dispatcher.TickAsync(CancellationToken.None)).ShouldBe(3);
            await Condition.WaitUntilAsync(() => app.Sandbox.CallsInFlight == 3); // three runs wait for Meta at once
        }

        await dispatcher.WhenIdleAsync();
        app.Sandbox.AllMedia.Count.ShouldBe(3);
        // A day on, their insights (one batch read per account, GET /?ids=…) and each account's online_followers (?metric=…).
        app.Time.Advance(TimeSpan.FromDays(1));
        (await app.GetService<PostingConsole.Insights.InsightsReader>().RunAsync(CancellationToken.None))!.PostsRead.ShouldBe(3);
        var lines = string.Join('\n', logs.Entries.Where(e => e.Contains("GraphCallLog")));
        var timeline = new GraphCallTimeline((lines, false));
        timeline.Calls.ShouldBe(app.Sandbox.Calls, "one begin line per request that reached Meta");
        timeline.MaxInFlight.ShouldBe(3, "the three held calls overlapped, and no more");
        lines.Contains('?', StringComparison.Ordinal).ShouldBeFalse("no query string (the batch read's ids=…, the insights' metric=…) in the lines");
        lines.ShouldContain(" GET /sandbox/graph/v25.0/ began", Case.Sensitive, "the batch read is logged by its path alone");
    }
}
