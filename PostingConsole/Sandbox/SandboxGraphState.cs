using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Domain;
using PostingConsole.Publishing;

namespace PostingConsole.Sandbox;

/// <summary>
/// The simulated Instagram of Sandbox mode: containers, published media and the moving 24-hour quota
/// per account, plus the fault each account plays. In memory: a restart is a fresh Instagram.
/// </summary>
public sealed partial class SandboxGraphState(TimeProvider time, GraphClock clock, IOptions<SandboxOptions> options)
{
    private readonly ConcurrentDictionary<string, SandboxContainer> containers = new();
    private readonly ConcurrentDictionary<string, SandboxMedia> media = new();
    private long nextId = 17_889_455_560_000_000 + Random.Shared.Next(0, 1_000_000);

    /// <summary>Publishing quota per account per moving 24 hours (Meta's pages say 100, 50 or 25).</summary>
    public int QuotaTotal { get; set; } = 50;

    /// <summary>How long a new image container stays IN_PROGRESS (real time). Meta's images are usually FINISHED by the time they are published.</summary>
    public TimeSpan ContainerProcessing { get; set; } = TimeSpan.Zero;

    /// <summary>How long a container stays IN_PROGRESS under the Slow fault (Meta's answer to publishing it early: 9007/2207027).</summary>
    public TimeSpan SlowContainerProcessing { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Time from a request's arrival to its answer, work included (the benchmark sets 50 ms).</summary>
    public TimeSpan Latency { get; set; } = options.Value.AnswerTime;

    /// <summary>Answer time under the Slow fault.</summary>
    public TimeSpan SlowLatency { get; set; } = TimeSpan.FromSeconds(2);

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    private int callsInFlight;
    private int maxCallsInFlight;

    /// <summary>Graph calls being answered right now, measured at the Graph side.</summary>
    public int CallsInFlight => Volatile.Read(ref callsInFlight);

    /// <summary>The most Graph calls ever answered at one moment since the last <see cref="ResetCallCount"/>.</summary>
    public int MaxCallsInFlight => Volatile.Read(ref maxCallsInFlight);

    /// <summary>Every Graph call answered since the last <see cref="ResetCallCount"/>.</summary>
    public int Calls => Volatile.Read(ref calls);
    private int calls;

    public void ResetCallCount()
    {
        Volatile.Write(ref maxCallsInFlight, CallsInFlight);
        Volatile.Write(ref calls, 0);
    }

    private volatile TaskCompletionSource? held;

    /// <summary>Meta stalls: every call arriving from now on waits, unanswered, until the result is disposed.</summary>
    public IDisposable HoldAnswers()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        held = gate;
        return new Released(() =>
        {
            held = null;
            gate.TrySetResult();
        });
    }

    private volatile Func<SandboxContainer, bool>? holdAfter;
    private volatile TaskCompletionSource? pendingHold;

    /// <summary>
    /// Meta stalls right after making a container that matches <paramref name="when"/>: every call arriving from then on
    /// (not that container's own answer) waits until the result is disposed. A crash "between two steps" is played so.
    /// </summary>
    public IDisposable HoldAnswersAfter(Func<SandboxContainer, bool> when)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pendingHold = gate;
        holdAfter = when;
        return new Released(() =>
        {
            holdAfter = null;
            if (held == gate) held = null;
            gate.TrySetResult();
        });
    }

    /// <summary>Waits while answers are held.</summary>
    public Task WhileHeldAsync(CancellationToken cancellationToken) => held?.Task.WaitAsync(cancellationToken) ?? Task.CompletedTask;

    private sealed class Released(Action release) : IDisposable
    {
        public void Dispose() => release();
    }

    /// <summary>
    /// Counts a call from its arrival until its answer leaves (dispose) or its client hangs up (<paramref name="clientGone"/>):
    /// a request the caller gave up on is no longer in flight for either side, even if the answer is still being worked out.
    /// </summary>
    public IDisposable CallStarted(CancellationToken clientGone)
    {
        Interlocked.Increment(ref calls);
        if (clientGone.IsCancellationRequested) return new Released(() => { });

        var now = Interlocked.Increment(ref callsInFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref maxCallsInFlight)) && Interlocked.CompareExchange(ref maxCallsInFlight, now, seen) != seen)
        {
        }

        var scope = new CallScope(this);
        scope.Watch(clientGone);
        return scope;
    }

    private sealed class CallScope(SandboxGraphState state) : IDisposable
    {
        private int disposed;
        private CancellationTokenRegistration clientGone;

        public void Watch(CancellationToken token) => clientGone = token.Register(Dispose);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) return;
            Interlocked.Decrement(ref state.callsInFlight);
            clientGone.Unregister();
        }
    }

    public string NewId() => Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private readonly ConcurrentDictionary<string, (SandboxAccount? Account, long ReadAt)> accounts = new();
    private readonly ConcurrentDictionary<string, string> accountTokens = new();

    /// <summary>The account as stored with its persona (fault, token), read through a short cache (an edit shows within a second).</summary>
    public async Task<SandboxAccount?> AccountAsync(string igUserId, Func<Task<SandboxAccount?>> read, bool fresh = false)
    {
        var now = Environment.TickCount64;
        if (!fresh && accounts.TryGetValue(igUserId, out var cached) && now - cached.ReadAt < 1000) return cached.Account;
        var account = await read();
        accounts[igUserId] = (account, now);
        return account;
    }

    /// <summary>
    /// Meta's record of the account's current token. Without one, the token stored with the persona is the current one;
    /// with one, a different stored token is stale (190), as after a password change.
    /// </summary>
    public void SetAccountToken(string igUserId, string token) => accountTokens[igUserId] = token;

    public string? AccountToken(string igUserId) => accountTokens.GetValueOrDefault(igUserId);

    /// <summary>The account whose current token (as set by <see cref="SetAccountToken"/>) is <paramref name="token"/>, if any.</summary>
    public string? AccountWithToken(string token) => accountTokens.FirstOrDefault(a => a.Value == token).Key;

    /// <summary>
    /// Whether a POST answers the <c>fields</c> it asks for (Graph API's read-after-write, documented Graph-wide). Off rehearses a
    /// Meta that answers <c>media_publish</c> with the id alone: the permalink is then read apart.
    /// </summary>
    public bool ReadAfterWrite { get; set; } = true;

    /// <summary>X-App-Usage call_count (percent of the app's hourly budget) on normal answers.</summary>
    public int AppUsagePercent { get; set; } = 3;

    private ThrottleWindow? appWindow;
    private readonly ConcurrentDictionary<string, ThrottleWindow> accountWindows = new();
    private int callsIntoBlock;

    /// <summary>
    /// The whole app is throttled until <paramref name="until"/> (business time): every call gets 403 code 4 with
    /// <c>X-App-Usage</c> at 100 %, and Meta gives no estimate.
    /// </summary>
    public void ThrottleApp(DateTime until) => appWindow = new ThrottleWindow(4, null, until);

    /// <summary>One account is throttled until <paramref name="until"/>: code 4, 17, 32, 613, 80001 or 80002, with or without its estimate.</summary>
    public void ThrottleAccount(string igUserId, DateTime until, int code = 4, TimeSpan? estimate = null) =>
        accountWindows[igUserId] = new ThrottleWindow(code, estimate, until);

    /// <summary>Calls that arrived in a throttle window after Meta had already refused one there: what lengthens a block.</summary>
    public int CallsIntoBlock => Volatile.Read(ref callsIntoBlock);

    /// <summary>The app's window when it is active now; counts the call if it arrived after a refusal had been answered.</summary>
    public ThrottleWindow? AppThrottle(long arrived) => Refuse(appWindow, arrived);

    /// <summary>The account's window when it is active now; counts the call as <see cref="AppThrottle"/> does.</summary>
    public ThrottleWindow? AccountThrottle(string igUserId, long arrived) => Refuse(accountWindows.GetValueOrDefault(igUserId), arrived);

    private ThrottleWindow? Refuse(ThrottleWindow? window, long arrived)
    {
        if (window is null || Now >= window.Until) return null;
        lock (window)
        {
            if (window.FirstRefusal is { } first && arrived > first) Interlocked.Increment(ref callsIntoBlock);
            window.FirstRefusal ??= clock.Time.GetTimestamp();
        }

        return window;
    }

    /// <summary>The <c>status</c> text of a container in ERROR (the ContainerError fault): no subcode unless a test sets one.</summary>
    public string ContainerErrorStatus { get; set; } = "Error: The media could not be processed.";

    /// <summary>How many status reads a new video container answers IN_PROGRESS before it is FINISHED (Meta processes video for a while).</summary>
    public int VideoReadsUntilReady { get; set; } = 2;

    /// <summary>How many status reads a new image container answers IN_PROGRESS (0: ready at once, as Meta's images usually are).</summary>
    public int ImageReadsUntilReady { get; set; }

    public SandboxContainer AddContainer(string igUserId, string imageUrl, string caption, TimeSpan processing, bool fails = false) =>
        AddContainer(new SandboxContainer(NewId(), igUserId, imageUrl, caption, Now, Environment.TickCount64 + (long)processing.TotalMilliseconds) { Fails = fails });

    public SandboxContainer AddContainer(SandboxContainer container)
    {
        containers[container.Id] = container;
        if (holdAfter is { } when && when(container))
        {
            holdAfter = null;
            held = pendingHold;
        }

        return container;
    }

    public SandboxContainer? Container(string id) => containers.GetValueOrDefault(id);

    /// <summary>Every container the account was given, published or not.</summary>
    public IReadOnlyList<SandboxContainer> ContainersOf(string igUserId) => containers.Values.Where(c => c.IgUserId == igUserId).ToList();

    public SandboxMedia? Media(string id) => deleted.ContainsKey(id) ? null : media.GetValueOrDefault(id);

    private readonly ConcurrentDictionary<string, bool> deleted = new();

    /// <summary>The account deleted the media in the app: every read of it from now on is an unknown object.</summary>
    public void DeleteMedia(string id) => deleted[id] = true;

    public bool IsDeleted(string id) => deleted.ContainsKey(id);

    private readonly ConcurrentDictionary<string, SandboxAudience> audiences = new();

    /// <summary>The account's simulated audience (<see cref="SandboxAudience.For"/> unless a test set one).</summary>
    public SandboxAudience AudienceOf(string igUserId) => audiences.GetOrAdd(igUserId, SandboxAudience.For);

    /// <summary>Gives an account an audience of a test's choosing.</summary>
    public void SetAudience(string igUserId, SandboxAudience audience) => audiences[igUserId] = audience;

    /// <summary>Publishes a FINISHED container exactly once; a second call for the same container returns null.</summary>
    public SandboxMedia? Publish(SandboxContainer container)
    {
        lock (container)
        {
            if (container.MediaId is not null) return null;
            var item = new SandboxMedia(NewId(), container.IgUserId, container.Caption, Now, Shortcode(), container.Id)
            {
                Kind = container.Kind,
                Fields = container.Fields,
                ItemFields = container.Children.Select(c => Container(c)?.Fields ?? SandboxFields.None).ToList(),
            };
            media[item.Id] = item;
            container.MediaId = item.Id;
            // A published carousel's children read PUBLISHED too: they cannot go into another carousel.
            foreach (var child in container.Children) Container(child)?.MarkPublishedWith(item.Id);
            return item;
        }
    }

    public int QuotaUsage(string igUserId)
    {
        var since = Now.AddHours(-24);
        return media.Values.Count(m => m.IgUserId == igUserId && m.PublishedAt > since);
    }

    /// <summary>The account's feed media (<c>/media</c>): photos, carousels and reels; stories are listed apart.</summary>
    public IReadOnlyList<SandboxMedia> MediaOf(string igUserId, DateTime sinceUtc) =>
        media.Values.Where(m => m.IgUserId == igUserId && m.PublishedAt >= sinceUtc && m.Kind != SandboxMediaKind.Stories && !deleted.ContainsKey(m.Id))
            .OrderByDescending(m => m.PublishedAt).ToList();

    /// <summary>The account's live stories (<c>/stories</c>): published within the last 24 hours.</summary>
    public IReadOnlyList<SandboxMedia> StoriesOf(string igUserId) =>
        media.Values.Where(m => m.IgUserId == igUserId && m.Kind == SandboxMediaKind.Stories && m.PublishedAt > Now.AddHours(-24))
            .OrderByDescending(m => m.PublishedAt).ToList();

    /// <summary>How many times each container was published (the "never twice" tests read this).</summary>
    public IReadOnlyList<SandboxMedia> AllMedia => media.Values.ToList();

    private static string Shortcode()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        return string.Create(11, Random.Shared, (span, random) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[random.Next(alphabet.Length)];
        });
    }

    private sealed class FaultOverride(SandboxFault fault, int? remaining)
    {
        public SandboxFault Fault { get; } = fault;
        public int? Remaining { get; set; } = remaining;
    }
}

