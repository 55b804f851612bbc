using PostingConsole.Operations;

namespace PostingConsole.Tests.Operations;

public class PostingRhythmTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Posts_a_day_over_the_week_and_the_median_gap_between_two()
    {
        var rhythm = PostingRhythm.Of([Now, Now.AddHours(-12), Now.AddHours(-8)]);
        rhythm.PostsPerDay.ShouldBe(3 / 7.0);
        rhythm.MedianGap.ShouldBe(TimeSpan.FromHours(6), "gaps 4 h and 8 h");
    }

    [Fact]
    public void An_odd_number_of_gaps_takes_the_middle_one_and_one_post_has_no_gap()
    {
        PostingRhythm.Of([Now, Now.AddHours(-1), Now.AddHours(-3), Now.AddHours(-10)]).MedianGap.ShouldBe(TimeSpan.FromHours(2));
        PostingRhythm.Of([Now]).MedianGap.ShouldBeNull();
        PostingRhythm.Of([]).PostsPerDay.ShouldBe(0);
    }
}
