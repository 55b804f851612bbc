using System.Net;
using System.Net.Http.Json;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Worker;

/// <summary>A persona's posting window, in its own time zone: a post due outside it waits for it to open.</summary>
public class PostingWindowTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    // Window 08:00–23:00 Asia/Seoul (UTC+9).
    [InlineData("08:00", "23:00", "2026-11-30T00:00:00Z", null)] // 09:00 KST: inside
    [InlineData("08:00", "23:00", "2026-11-30T14:30:00Z", "2026-11-30T23:00:00Z")] // 23:30 KST: opens 08:00 KST next day
    [InlineData("08:00", "23:00", "2026-11-30T22:00:00Z", "2026-11-30T23:00:00Z")] // 07:00 KST: opens within the hour
    // A window over midnight, 22:00–02:00 KST.
    [InlineData("22:00", "02:00", "2026-11-30T16:00:00Z", null)] // 01:00 KST: inside
    [InlineData("22:00", "02:00", "2026-11-30T03:00:00Z", "2026-11-30T13:00:00Z")] // 12:00 KST: opens 22:00 KST
    [InlineData(null, null, "2026-11-30T03:00:00Z", null)] // no window
    public void The_window_opens_at_its_start_in_the_personas_time_zone(string? from, string? to, string now, string? opens) =>
        OpensAt("Asia/Seoul", from, to, now, opens);

    [Theory]
    // Europe/Berlin has daylight saving: 08:00 local is 07:00 UTC in winter and 06:00 UTC in summer.
    [InlineData("2026-11-30T05:00:00Z", "2026-11-30T07:00:00Z")] // 06:00 CET
    [InlineData("2026-07-01T04:00:00Z", "2026-07-01T06:00:00Z")] // 06:00 CEST
    [InlineData("2026-03-29T00:30:00Z", "2026-03-29T06:00:00Z")] // 01:30 CET on the night the clocks go forward: opens 08:00 CEST
    [InlineData("2026-10-24T22:30:00Z", "2026-10-25T07:00:00Z")] // 00:30 CEST on the night they go back: opens 08:00 CET
    public void In_a_zone_with_daylight_saving_the_window_opens_at_its_local_start(string now, string opens) =>
        OpensAt("Europe/Berlin", "08:00", "23:00", now, opens);

    private static void OpensAt(string zone, string? from, string? to, string now, string? opens)
    {
        var at = PostingWindow.OpensAt(from is null ? null : TimeOnly.Parse(from), to is null ? null : TimeOnly.Parse(to), zone,
            DateTime.Parse(now, null, System.Globalization.DateTimeStyles.AdjustToUniversal));
        at.ShouldBe(opens is null ? null : DateTime.Parse(opens, null, System.Globalization.DateTimeStyles.AdjustToUniversal));
    }

    [Theory]
    [InlineData("Asia/Seoul")]
    [InlineData("Europe/Berlin")]
    public async Task A_post_due_outside_the_window_waits_for_it_to_open_and_then_goes_out(string zone)
    {
        var persona = await app.AddPersonaAsync(timeZone: zone);
        (await app.GetService<PersonaOperations>().SetPostingWindowAsync(TestActors.Admin, persona.Id, new TimeOnly(8, 0), new TimeOnly(23, 0), CancellationToken.None))
            .Succeeded.ShouldBeTrue();
        var opens = PostingWindow.OpensAt(new TimeOnly(8, 0), new TimeOnly(23, 0), persona.TimeZone, app.Now);
        if (opens is null)
        {
            // The test clock is inside the window: move it to 23:30 in the persona's zone first.
            var personaZone = TimeZoneInfo.FindSystemTimeZoneById(zone);
            var local = TimeZoneInfo.ConvertTimeFromUtc(app.Now, personaZone);
            var target = TimeZoneInfo.ConvertTimeToUtc(local.Date.AddHours(23.5), personaZone);
            app.Time.Advance(target > app.Now ? target - app.Now : target.AddDays(1) - app.Now);
            opens = PostingWindow.OpensAt(new TimeOnly(8, 0), new TimeOnly(23, 0), persona.TimeZone, app.Now);
        }

        var post = await app.AddPostAsync(persona, app.Now);
        await app.RunOnceAsync();
        var waiting = await app.ReadPostAsync(post.Id);
        waiting.Status.ShouldBe(PostStatus.Scheduled);
        waiting.NextAttemptAt.ShouldBe(opens);
        app.Sandbox.AllMedia.ShouldBeEmpty();

        app.Time.Advance(opens!.Value - app.Now);
        await app.RunOnceAsync();
        var published = await app.ReadPostAsync(post.Id);
        published.Status.ShouldBe(PostStatus.Published, "at the window's opening: due from then, not missed");
        published.PublishedAt.ShouldBe(opens);
    }
}
