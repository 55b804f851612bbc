using PostingConsole.Domain;
using PostingConsole.Slots;

namespace PostingConsole.Tests.Slots;

/// <summary>
/// The slot planner's rules as pure functions (issue 26): the best free hour, inside the posting window, apart from the persona's
/// other posts by the interval, within the hourly limit and the 24-hour quota, never on a minute another persona took; exploring
/// takes the least-known of the better hours.
/// </summary>
public sealed class SlotPlannerTests
{
    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");

    /// <summary>Monday 2026-12-07 00:00 in Seoul.</summary>
    private static readonly DateTime Monday = new(2026, 12, 6, 15, 0, 0, DateTimeKind.Utc);

    /// <summary>Scores that peak at the given local hour every day (21:00 by default), from a persona's own results.</summary>
    private static SlotScores PeakingAt(int hour = 21, int posts = 4)
    {
        var own = new List<SlotObservation>();
        for (var d = 0; d < 7; d++)
        {
            for (var h = 0; h < 24; h++)
            {
                var distance = Math.Min(Math.Abs(h - hour), 24 - Math.Abs(h - hour));
                for (var k = 0; k < posts / 4 + 1; k++) own.Add(new SlotObservation(d * 24 + h, Math.Exp(-distance * distance / 8.0) * 2 + 0.2));
            }
        }

        return SlotLearner.Learn(own, null, null);
    }

    private static SlotFacts Facts(SlotScores? scores = null, IReadOnlyList<DateTime>? own = null, IReadOnlySet<DateTime>? fleet = null,
        TimeOnly? from = null, TimeOnly? to = null, TimeSpan? interval = null, int hourly = 10, int quota = 25) =>
        new(Seoul, from, to, own ?? [], fleet ?? new HashSet<DateTime>(), scores ?? PeakingAt(), interval ?? TimeSpan.Zero, hourly, quota);

    private static DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, Seoul);

    [Fact]
    public void The_best_hour_of_the_range_is_taken_at_its_first_free_minute()
    {
        var pick = SlotPlanner.Pick(Monday, Monday.AddDays(1), Facts(), explore: false)!;
        Local(pick.At).ShouldBe(new DateTime(2026, 12, 7, 21, 0, 0));
        pick.Reason.ShouldBe(SlotReason.Learned);
    }

    [Fact]
    public void The_posting_window_is_respected()
    {
        var pick = SlotPlanner.Pick(Monday, Monday.AddDays(1), Facts(from: new TimeOnly(9, 0), to: new TimeOnly(18, 0)), explore: false)!;
        var local = Local(pick.At);
        local.Hour.ShouldBe(17, "the best hour inside 09:00–18:00 is its last");
    }

    [Fact]
    public void Other_posts_of_the_persona_are_kept_an_interval_away()
    {
        var own = new[] { TimeZoneInfo.ConvertTimeToUtc(new DateTime(2026, 12, 7, 21, 0, 0), Seoul) };
        var pick = SlotPlanner.Pick(Monday, Monday.AddDays(1), Facts(own: own, interval: TimeSpan.FromHours(2)), explore: false)!;
        (pick.At - own[0]).Duration().ShouldBeGreaterThanOrEqualTo(TimeSpan.FromHours(2));
        Local(pick.At).Hour.ShouldBeOneOf(19, 23);
    }

    [Fact]
    public void The_hourly_limit_and_the_24_hour_quota_are_respected()
    {
        var nine = TimeZoneInfo.ConvertTimeToUtc(new DateTime(2026, 12, 7, 21, 0, 0), Seoul);
        var hourFull = Enumerable.Range(1, 3).Select(i => nine.AddMinutes(10 * i)).ToList();
        var pick = SlotPlanner.Pick(Monday, Monday.AddDays(1), Facts(own: hourFull, hourly: 3), explore: false)!;
        hourFull.Count(t => t > pick.At.AddHours(-1) && t <= pick.At).ShouldBeLessThan(3);
        hourFull.Count(t => t >= pick.At && t < pick.At.AddHours(1)).ShouldBeLessThan(3);

        // A day already holding the quota: nothing fits in it, and the next day's best hour is taken.
        var dayFull = Enumerable.Range(0, 5).Select(i => Monday.AddHours(1 + i)).ToList();
        var next = SlotPlanner.Pick(Monday, Monday.AddDays(2), Facts(own: dayFull, quota: 5), explore: false)!;
        next.At.ShouldBeGreaterThan(dayFull[0].AddHours(24));
        SlotPlanner.Pick(Monday, Monday.AddHours(20), Facts(own: dayFull, quota: 5), explore: false).ShouldBeNull();
    }

    [Fact]
    public void The_fleet_is_spread_across_the_minutes_of_the_hour()
    {
        var taken = new HashSet<DateTime>();
        for (var persona = 0; persona < 100; persona++)
        {
            var pick = SlotPlanner.Pick(Monday, Monday.AddDays(1), Facts(fleet: taken), explore: false)!;
            taken.Add(pick.At).ShouldBeTrue("never the same minute as another persona's post");
        }

        taken.Select(Local).Count(t => t.Hour == 21).ShouldBe(60, "each minute of the best hour once, then the next best hour");
    }

    [Fact]
    public void Exploring_takes_the_least_known_of_the_better_hours()
    {
        // Known everywhere but at 19:00 and 03:00; 19:00 scores in the better half, 03:00 does not.
        var own = new List<SlotObservation>();
        for (var d = 0; d < 7; d++)
        {
            for (var h = 0; h < 24; h++)
            {
                if (h is 18 or 19 or 20 or 2 or 3 or 4) continue;
                var distance = Math.Min(Math.Abs(h - 21), 24 - Math.Abs(h - 21));
                for (var k = 0; k < 3; k++) own.Add(new SlotObservation(d * 24 + h, Math.Exp(-distance * distance / 8.0) * 2 + 0.2));
            }
        }

        var scores = SlotLearner.Learn(own, Enumerable.Range(0, 24).Select(h => h is >= 17 and <= 23 ? 500 : 50).ToList(), null);
        var pick = SlotPlanner.Pick(Monday, Monday.AddDays(1), Facts(scores), explore: true)!;
        Local(pick.At).Hour.ShouldBe(19);
        pick.Reason.ShouldBe(SlotReason.Explore);
    }

    [Fact]
    public void Scores_lean_on_the_audience_and_the_fleet_while_own_results_are_thin()
    {
        var online = Enumerable.Range(0, 24).Select(h => h == 8 ? 900 : 100).ToList();
        var thin = SlotLearner.Learn([], online, null);
        thin.Score(1 * 24 + 8).ShouldBeGreaterThan(thin.Score(1 * 24 + 14));
        thin.ReasonFor(1 * 24 + 8).ShouldBe(SlotReason.Audience);

        var fleet = Enumerable.Range(0, SlotScores.Hours).Select(h => h % 24 == 20 ? 2.0 : 1.0).ToArray();
        var fleetOnly = SlotLearner.Learn([], null, fleet);
        fleetOnly.Score(20).ShouldBeGreaterThan(fleetOnly.Score(10));
        fleetOnly.ReasonFor(20).ShouldBe(SlotReason.Fleet);

        // Its own results, once there are enough, outweigh a prior that says otherwise.
        var own = Enumerable.Range(0, 7).SelectMany(d => new[] { new SlotObservation(d * 24 + 14, 3), new SlotObservation(d * 24 + 8, 0.3) }).ToList();
        var learned = SlotLearner.Learn(own, online, null);
        learned.Score(2 * 24 + 14).ShouldBeGreaterThan(learned.Score(2 * 24 + 8));
        learned.ReasonFor(2 * 24 + 14).ShouldBe(SlotReason.Learned);
    }
}
