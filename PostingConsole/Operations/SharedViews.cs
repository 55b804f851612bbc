using System.Collections.Concurrent;
using PostingConsole.Notifications;

namespace PostingConsole.Operations;

/// <summary>
/// Push at scale: what an event changes is queried once and shared by every open screen asking the same question (the same
/// list, filter and page), instead of once per circuit. A result is tagged with the <see cref="EventHub"/>'s count of
/// events published when its query started; a question asked after a later event queries again, so a screen woken by an
/// event never shows a state older than that event. Results are read-only view data.
/// </summary>
public sealed class SharedViews(EventHub hub)
{
    /// <summary>Questions kept at most (filters and pages in use); beyond it the cache starts afresh.</summary>
    private const int MaxQuestions = 512;

    private readonly ConcurrentDictionary<object, Answer> answers = new();

    /// <summary>The answer to <paramref name="question"/> (a value-equal key) as of now: shared when already asked since the last event.</summary>
    public async Task<T> GetAsync<T>(object question, Func<Task<T>> query)
    {
        var version = hub.Published;
        if (answers.Count > MaxQuestions) answers.Clear();
        var answer = answers.AddOrUpdate(question,
            _ => new Answer(version, new Lazy<Task<object?>>(() => Run(query))),
            (_, current) => current.Version >= version && !current.Failed ? current : new Answer(version, new Lazy<Task<object?>>(() => Run(query))));
        return (T)(await answer.Result.Value)!;
    }

    private static async Task<object?> Run<T>(Func<Task<T>> query) => await query();

    private sealed record Answer(long Version, Lazy<Task<object?>> Result)
    {
        public bool Failed => Result.IsValueCreated && (Result.Value.IsFaulted || Result.Value.IsCanceled);
    }
}
