using System.Collections.Concurrent;
using PostingConsole.Notifications;

namespace PostingConsole.Operations;

/// <summary>
/// Push at scale: what an event changes is queried once and shared by every open screen asking the same question (the same
/// list, filter and page), instead of once per circuit. An answer is tagged with the <see cref="EventHub"/>'s count of events
/// published when its query started, and is reused only by questions asked at that count or before, and only for
/// <see cref="MaxAge"/>: a screen woken by an event never shows a state older than that event, and a change made where no
/// event is published here (another console process on the database) shows within seconds. Answers are read-only view data.
/// </summary>
public sealed class SharedViews(EventHub hub, TimeProvider time)
{
    /// <summary>How long an answer serves other screens at most.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    /// <summary>Questions kept at most (filters and pages in use); beyond it the cache starts afresh.</summary>
    private const int MaxQuestions = 512;

    /// <summary>Beyond this many questions, answers past <see cref="MaxAge"/> (which serve nobody) are dropped as new ones come.</summary>
    private const int PruneFrom = 16;

    private readonly ConcurrentDictionary<object, Answer> answers = new();

    /// <summary>
    /// The answer to <paramref name="question"/> (a value-equal key) as of now: shared when already asked since the last event
    /// and within <see cref="MaxAge"/>; <paramref name="fresh"/> (a page opened or reloaded) always queries, and later askers
    /// share that. The query runs on the thread pool, not on the first asker's circuit.
    /// </summary>
    public async Task<T> GetAsync<T>(object question, Func<Task<T>> query, bool fresh = false)
    {
        var version = hub.Published;
        var now = time.GetTimestamp();
        if (answers.Count > MaxQuestions) answers.Clear();
        else if (answers.Count > PruneFrom) Prune(now);
        Answer? mine = null;
        Answer Create() => mine = new Answer(version, now, new Lazy<Task<object?>>(() => Task.Run(async () => (object?)await query())));
        var answer = answers.AddOrUpdate(question, _ => Create(),
            (_, current) => !fresh && current.Version >= version && !current.Failed && time.GetElapsedTime(current.StartedAt, now) < MaxAge ? current : Create());
        try
        {
            return (T)(await answer.Result.Value)!;
        }
        catch (Exception) when (!ReferenceEquals(answer, mine))
        {
            // Another screen's query failed (a busy database, say): this screen asks on its own once, rather than failing with it.
            return await query();
        }
    }

    /// <summary>Drops answers too old to serve: a question asked once (a calendar's patch of one move) does not hold its answer.</summary>
    private void Prune(long now)
    {
        foreach (var (question, answer) in answers)
        {
            if (time.GetElapsedTime(answer.StartedAt, now) >= MaxAge) answers.TryRemove(new KeyValuePair<object, Answer>(question, answer));
        }
    }

    private sealed record Answer(long Version, long StartedAt, Lazy<Task<object?>> Result)
    {
        public bool Failed => Result.IsValueCreated && (Result.Value.IsFaulted || Result.Value.IsCanceled);
    }
}
