using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Operations;
using PostingConsole.Tests.Notifications;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;

namespace PostingConsole.Tests.ScaleOut;

/// <summary>
/// Two consoles on one PostgreSQL database (each with its own services, hub, key ring cache and connection pool, as two
/// processes have): what must be shared is shared, and what must happen once happens once.
/// </summary>
[Trait("Database", "Postgres")]
public sealed class SharedStateAcrossProcessesTests : IAsyncLifetime
{
    private WebhookReceiver receiver = null!;
    private EngineHarness a = null!;
    private EngineHarness b = null!;

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        a = EngineHarness.Start(new Dictionary<string, string?> { ["Database:Provider"] = "Postgres", ["Notifications:Webhooks:0"] = receiver.Url });
        b = EngineHarness.Start(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres", ["ConnectionStrings:Posting"] = a.PostgresDatabase, ["Notifications:Webhooks:0"] = receiver.Url,
        });
    }

    public async Task DisposeAsync()
    {
        await b.DisposeAsync();
        await a.DisposeAsync();
        await receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_change_made_on_one_process_reaches_the_others_screens_once_within_a_second()
    {
        var seenOnB = new ConcurrentQueue<PostingEvent>();
        var seenOnA = new ConcurrentQueue<PostingEvent>();
        using var onB = b.Hub.Subscribe(e => { seenOnB.Enqueue(e); return Task.CompletedTask; });
        using var onA = a.Hub.Subscribe(e => { seenOnA.Enqueue(e); return Task.CompletedTask; });
        var post = await a.AddPostAsync(await a.AddPersonaAsync());
        await WaitForListenersAsync();

        (await a.GetService<PostOperations>().CancelAsync(TestActors.Operator, post.Id, CancellationToken.None)).Succeeded.ShouldBeTrue();
        var clock = Stopwatch.StartNew(); // from the commit (the change is published on A's hub as it commits)
        await Condition.WaitUntilAsync(() => seenOnB.OfType<PostChanged>().Any(e => e.PostId == post.Id), TimeSpan.FromSeconds(5));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(1), "process B's screens hear of A's change within a second");
        seenOnB.OfType<PostChanged>().Single(e => e.PostId == post.Id).Status.ShouldBe(PostStatus.Cancelled);
        seenOnB.OfType<ActivityLogged>().ShouldBeEmpty("a cancel writes no log line; nothing else was invented on the way");

        // B's own event comes back to A after anything B might have echoed: A saw its change once, not twice.
        b.Hub.Publish(new PersonaChanged(b.Now, 4242, PersonaStatus.Active));
        await Condition.WaitUntilAsync(() => seenOnA.OfType<PersonaChanged>().Any(e => e.PersonaId == 4242), TimeSpan.FromSeconds(5));
        seenOnA.OfType<PostChanged>().Count(e => e.PostId == post.Id).ShouldBe(1, "no echo");
    }

    [Fact]
    public async Task Tokens_protected_on_one_process_are_read_on_the_other()
    {
        var stored = a.GetService<TokenProtector>().Protect("EAA-shared-token");
        b.GetService<TokenProtector>().Unprotect(stored).ShouldBe("EAA-shared-token");
        await using var db = a.CreateDbContext();
        (await ((PostgresPostingDbContext)db).DataProtectionKeys.CountAsync()).ShouldBe(1, "one key ring, in the database");
    }

    [Fact]
    public async Task The_webhook_outbox_is_delivered_by_one_process_at_a_time_each_message_once()
    {
        await using (var db = a.CreateDbContext())
        {
            db.WebhookMessages.Add(WebhookMessage.Create(WebhookTypes.PostPublished, new { postId = 1 }, a.Now));
            await db.SaveChangesAsync();
        }

        Task<int> first;
        using (receiver.HoldAnswers())
        {
            first = a.GetService<WebhookSender>().DeliverDueAsync(CancellationToken.None);
            await Condition.WaitUntilAsync(() => receiver.Arrived == 1);
            (await b.GetService<WebhookSender>().DeliverDueAsync(CancellationToken.None)).ShouldBe(0, "A is delivering: B leaves the outbox alone");
        }

        (await first).ShouldBe(1);
        (await b.GetService<WebhookSender>().DeliverDueAsync(CancellationToken.None)).ShouldBe(0, "delivered, by A");
        receiver.Arrived.ShouldBe(1);
    }

    [Fact]
    public async Task The_daily_account_check_runs_on_one_process_a_day()
    {
        var persona = await a.AddPersonaAsync();
        a.Sandbox.SetAccountToken(persona.IgUserId, "not-the-stored-token"); // Meta no longer takes the stored token
        (await a.GetService<AccountCheck>().RunDailyAsync(CancellationToken.None)).ShouldNotBeNull().NeedsReauth.ShouldBe(1);
        (await b.GetService<AccountCheck>().RunDailyAsync(CancellationToken.None)).ShouldBeNull("A ran today's check");
        await using var db = a.CreateDbContext();
        (await db.Alerts.CountAsync(x => x.Kind == AlertKind.AuthExpired)).ShouldBe(1);
        b.Time.Advance(TimeSpan.FromDays(1));
        (await b.GetService<AccountCheck>().RunDailyAsync(CancellationToken.None)).ShouldNotBeNull("a day later it is B's turn");
    }

    [Fact]
    public async Task Dispatch_stopped_on_one_process_is_stopped_on_all()
    {
        var post = await a.AddPostAsync(await a.AddPersonaAsync());
        (await a.GetService<DispatchControl>().StopAsync(TestActors.Admin, CancellationToken.None)).Succeeded.ShouldBeTrue();
        (await b.RunOnceAsync()).ShouldBe(0, "B obeys the switch A turned");
        (await b.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Scheduled);
        (await b.GetService<DispatchControl>().StartAsync(TestActors.Admin, CancellationToken.None)).Succeeded.ShouldBeTrue();
        (await a.RunOnceAsync()).ShouldBe(1);
    }

    /// <summary>Both relays are listening (each has its LISTEN connection open).</summary>
    private async Task WaitForListenersAsync()
    {
        await Condition.WaitUntilAsync(async () =>
        {
            await using var db = a.CreateDbContext();
            return await db.Database.SqlQuery<int>(
                $"SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE application_name = {PostgresEventRelay.ListenerName} AND datname = current_database() AND query = {"LISTEN " + PostgresEventRelay.Channel} AND state = 'idle'").SingleAsync() == 2;
        }, TimeSpan.FromSeconds(10));
    }
}
