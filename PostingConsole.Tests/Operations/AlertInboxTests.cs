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

        var shown = await queries.AlertInboxAsync("day-shift", 10, CancellationToken.None);
        shown.Unread.ShouldBe(2);
        await queries.MarkAlertsReadAsync("day-shift", shown.Recent[0].Id, CancellationToken.None);

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

        // Two tabs of one user marking at once, one of them with an older page: no collision, and the mark never goes back.
        var newest = (await queries.AlertInboxAsync("night-shift", 10, CancellationToken.None)).Recent[0].Id;
        await Task.WhenAll(queries.MarkAlertsReadAsync("night-shift", newest, CancellationToken.None),
            queries.MarkAlertsReadAsync("night-shift", newest - 2, CancellationToken.None));
        await queries.MarkAlertsReadAsync("night-shift", newest - 2, CancellationToken.None);
        (await queries.AlertInboxAsync("night-shift", 10, CancellationToken.None)).Unread.ShouldBe(0);
    }

    [Fact]
    public async Task A_new_user_starts_with_the_alerts_raised_before_them_read()
    {
        await using var app = new ConsoleAppFactory();
        var queries = app.GetService<ConsoleQueries>();
        await AddAlertsAsync(app, "어제 일", "그제 일");

        (await app.GetService<UserAccounts>().CreateAsync(TestActors.Admin, "new-operator", "a-long-enough-password-1", Roles.Operator, CancellationToken.None))
            .Succeeded.ShouldBeTrue();
        (await queries.AlertInboxAsync("new-operator", 10, CancellationToken.None)).Unread.ShouldBe(0);

        await AddAlertsAsync(app, "오늘 일");
        (await queries.AlertInboxAsync("new-operator", 10, CancellationToken.None)).Unread.ShouldBe(1);
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
