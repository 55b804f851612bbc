using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Operations;

namespace PostingConsole.Tests.Operations;

public class SharedViewsTests
{
    private readonly EventHub hub = new(NullLogger<EventHub>.Instance);
    private readonly FakeTimeProvider time = new();
    private int queries;

    private SharedViews NewViews() => new(hub, time);

    private async Task<string> Ask(SharedViews views, string question, TaskCompletionSource? gate = null, bool fresh = false) =>
        await views.GetAsync(question, async () =>
        {
            var n = Interlocked.Increment(ref queries);
            if (gate is not null) await gate.Task;
            return $"{question} #{n}";
        }, fresh);

    private void PublishEvent() => hub.Publish(new PostChanged(DateTime.UtcNow, 1, 1, PostStatus.Published, null));

    [Fact]
    public async Task Screens_asking_the_same_question_between_two_events_share_one_query()
    {
        var views = NewViews();
        var gate = new TaskCompletionSource();
        var fifty = Enumerable.Range(0, 50).Select(_ => Ask(views, "now", gate)).ToList();
        gate.SetResult();

        (await Task.WhenAll(fifty)).Distinct().ShouldBe(["now #1"]);
        queries.ShouldBe(1);
        (await Ask(views, "history")).ShouldBe("history #2", "another question is its own query");
    }

    [Fact]
    public async Task An_event_published_after_a_query_makes_the_next_ask_query_again()
    {
        var views = NewViews();
        (await Ask(views, "now")).ShouldBe("now #1");

        PublishEvent();

        (await Ask(views, "now")).ShouldBe("now #2", "a screen woken by the event sees the state after it");
        (await Ask(views, "now")).ShouldBe("now #2");
    }

    [Fact]
    public async Task An_event_published_while_a_query_runs_is_not_answered_by_that_query()
    {
        var views = NewViews();
        var gate = new TaskCompletionSource();
        var running = Ask(views, "now", gate);
        // The query runs on the thread pool: published once it is reading, not before it has started.
        SpinWait.SpinUntil(() => Volatile.Read(ref queries) == 1, TimeSpan.FromSeconds(10)).ShouldBeTrue("the first query started");

        PublishEvent(); // committed and published while the first query was reading
        var after = Ask(views, "now");
        gate.SetResult();

        (await running).ShouldBe("now #1");
        (await after).ShouldBe("now #2");
    }

    [Fact]
    public async Task A_page_opened_or_reloaded_queries_afresh_and_an_answer_serves_others_two_seconds_at_most()
    {
        var views = NewViews();
        (await Ask(views, "history")).ShouldBe("history #1");

        // A change made without an event here (another console process on the database): a reload sees it at once …
        (await Ask(views, "history", fresh: true)).ShouldBe("history #2");
        (await Ask(views, "history")).ShouldBe("history #2", "and the others share the reload's answer");

        // … and a live refresh within the answer's age.
        time.Advance(SharedViews.MaxAge);
        (await Ask(views, "history")).ShouldBe("history #3");
    }

    [Fact]
    public async Task A_failed_query_is_not_kept_and_a_screen_that_joined_it_asks_alone()
    {
        var views = NewViews();
        await Should.ThrowAsync<InvalidOperationException>(() => views.GetAsync<string>("now", () => throw new InvalidOperationException("database busy")));
        (await Ask(views, "now")).ShouldBe("now #1");

        PublishEvent();
        var gate = new TaskCompletionSource();
        var first = views.GetAsync<string>("now", async () => { await gate.Task; throw new InvalidOperationException("database busy"); });
        var joined = Ask(views, "now");
        gate.SetResult();
        await Should.ThrowAsync<InvalidOperationException>(() => first);
        (await joined).ShouldBe("now #2", "the joined screen got an answer of its own, not the first one's failure");
    }
}
