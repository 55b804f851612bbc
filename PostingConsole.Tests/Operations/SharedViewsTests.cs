using Microsoft.Extensions.Logging.Abstractions;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Operations;

namespace PostingConsole.Tests.Operations;

public class SharedViewsTests
{
    private readonly EventHub hub = new(NullLogger<EventHub>.Instance);
    private int queries;

    private async Task<string> Ask(SharedViews views, string question, TaskCompletionSource? gate = null) =>
        await views.GetAsync(question, async () =>
        {
            Interlocked.Increment(ref queries);
            if (gate is not null) await gate.Task;
            return $"{question} #{Volatile.Read(ref queries)}";
        });

    [Fact]
    public async Task Screens_asking_the_same_question_between_two_events_share_one_query()
    {
        var views = new SharedViews(hub);
        var gate = new TaskCompletionSource();
        var fifty = Enumerable.Range(0, 50).Select(_ => Ask(views, "now", gate)).ToList();
        gate.SetResult();

        (await Task.WhenAll(fifty)).Distinct().ShouldBe(["now #1"]);
        queries.ShouldBe(1);
        (await Ask(views, "history")).ShouldBe("history #2", "another question is its own query");
    }

    [Fact]
    public async Task An_event_published_after_a_query_started_makes_the_next_ask_query_again()
    {
        var views = new SharedViews(hub);
        (await Ask(views, "now")).ShouldBe("now #1");

        hub.Publish(new PostChanged(DateTime.UtcNow, 1, 1, PostStatus.Published, null));

        (await Ask(views, "now")).ShouldBe("now #2", "a screen woken by the event sees the state after it");
        (await Ask(views, "now")).ShouldBe("now #2");
    }

    [Fact]
    public async Task A_failed_query_is_not_kept()
    {
        var views = new SharedViews(hub);
        await Should.ThrowAsync<InvalidOperationException>(() => views.GetAsync<string>("now", () => throw new InvalidOperationException("database busy")));
        (await Ask(views, "now")).ShouldBe("now #1");
    }
}
