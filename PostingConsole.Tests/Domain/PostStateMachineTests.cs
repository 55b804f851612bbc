using PostingConsole.Domain;
using static PostingConsole.Domain.PostStatus;

namespace PostingConsole.Tests.Domain;

public class PostStateMachineTests
{
    /// <summary>The whole table, written out independently of the production code: every pair is checked.</summary>
    private static readonly Dictionary<PostStatus, PostStatus[]> Expected = new()
    {
        [Scheduled] = [Scheduled, InProgress, Held, Cancelled],
        [InProgress] = [Scheduled, Published, Retrying, Failed, Held],
        [Retrying] = [Scheduled, InProgress, Held, Cancelled],
        [Failed] = [Scheduled, Held, Cancelled],
        [Held] = [Scheduled, Cancelled],
        [Published] = [Scheduled],
        [Cancelled] = [],
    };

    public static TheoryData<PostStatus, PostStatus> AllPairs()
    {
        var data = new TheoryData<PostStatus, PostStatus>();
        foreach (var from in Enum.GetValues<PostStatus>())
        foreach (var to in Enum.GetValues<PostStatus>())
            data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Every_pair_of_statuses_is_allowed_or_refused_as_the_table_says(PostStatus from, PostStatus to)
    {
        var allowed = Expected[from].Contains(to);

        PostStateMachine.CanMove(from, to).ShouldBe(allowed);
        if (allowed)
        {
            Should.NotThrow(() => PostStateMachine.Ensure(from, to));
        }
        else
        {
            var ex = Should.Throw<InvalidPostTransitionException>(() => PostStateMachine.Ensure(from, to));
            ex.From.ShouldBe(from);
            ex.To.ShouldBe(to);
        }
    }

    [Fact]
    public void The_table_covers_every_status_and_only_cancelled_is_final()
    {
        foreach (var status in Enum.GetValues<PostStatus>())
        {
            // MovesFrom throws for a status the table does not list.
            var moves = Should.NotThrow(() => PostStateMachine.MovesFrom(status), $"{status} is in the table");
            (moves.Count == 0).ShouldBe(status == Cancelled, $"{status}: only a given-up post has nowhere to go");
        }
    }

    [Fact]
    public void Only_scheduled_and_retrying_posts_are_claimable() =>
        PostStateMachine.Claimable.ShouldBe([Scheduled, Retrying], ignoreOrder: true);
}
