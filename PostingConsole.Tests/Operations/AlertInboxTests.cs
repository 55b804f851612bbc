using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Operations;

/// <summary>Alerts are read per user: one operator opening the bell does not clear the others' unread count.</summary>
public class AlertInboxTests
{
    [Fact]
    public async Task Opening_the_bell_marks_the_alerts_read_for_that_user_only()
    {
        await using var app = new ConsoleAppFactory();
        var queries = app.GetService<ConsoleQueries>();
        await AddAlertsAsync(app, "첫 번째", "두 번째");

        (await queries.AlertInboxAsync("day-shift", 10, CancellationToken.None)).Unread.ShouldBe(2);
        await queries.MarkAlertsReadAsync("day-shift", CancellationToken.None);

        var day = await queries.AlertInboxAsync("day-shift", 10, CancellationToken.None);
        day.Unread.ShouldBe(0);
        day.Recent.ShouldAllBe(a => day.IsRead(a));
        var night = await queries.AlertInboxAsync("night-shift", 10, CancellationToken.None);
        night.Unread.ShouldBe(2, "the other user has not read them");
        night.Recent.ShouldAllBe(a => !night.IsRead(a));

        // A new alert is unread for both; the first user's older ones stay read.
        await AddAlertsAsync(app, "세 번째");
        day = await queries.AlertInboxAsync("day-shift", 10, CancellationToken.None);
        day.Unread.ShouldBe(1);
        day.Recent.Where(a => !day.IsRead(a)).Select(a => a.Message).ShouldBe(["세 번째"]);
        (await queries.AlertInboxAsync("night-shift", 10, CancellationToken.None)).Unread.ShouldBe(3);
    }

    private static async Task AddAlertsAsync(ConsoleAppFactory app, params string[] messages)
    {
        await using var db = app.CreateDbContext();
        foreach (var message in messages)
        {
            db.Alerts.Add(new Alert { At = DateTime.UtcNow, Kind = AlertKind.PostFailed, IncidentKey = $"test:{Guid.NewGuid():N}", Message = message });
        }

        await db.SaveChangesAsync();
    }
}
