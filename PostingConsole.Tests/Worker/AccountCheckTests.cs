using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;

namespace PostingConsole.Tests.Worker;

/// <summary>The daily account check against the Sandbox Graph on loopback, one account per kind of answer.</summary>
public class AccountCheckTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_dead_token_is_found_before_its_posts_are_due_and_nothing_else_changes()
    {
        var healthy = await app.AddPersonaAsync("정상");
        var expired = await app.AddPersonaAsync("만료", SandboxFault.TokenExpired);
        var restricted = await app.AddPersonaAsync("정지", SandboxFault.Restricted);
        var throttled = await app.AddPersonaAsync("제한", SandboxFault.Throttled);
        var tomorrow = await app.AddPostAsync(expired, app.Now.AddHours(20));
        var later = await app.AddPostAsync(restricted, app.Now.AddHours(5));
        var fine = await app.AddPostAsync(healthy, app.Now.AddHours(5));

        var result = await app.GetService<AccountCheck>().RunAsync(CancellationToken.None);

        result.ShouldBe(new AccountCheckResult(Checked: 4, NeedsReauth: 1, Suspended: 0, Unanswered: 1));
        (await app.ReadPersonaAsync(expired.Id)).Status.ShouldBe(PersonaStatus.NeedsReauth);
        // Like Meta, the Sandbox refuses a restricted account's publishing, not its reads: that is found at publish time.
        (await app.ReadPersonaAsync(restricted.Id)).Status.ShouldBe(PersonaStatus.Active);
        (await app.ReadPersonaAsync(throttled.Id)).Status.ShouldBe(PersonaStatus.Active, "throttling says nothing about the account");
        var ok = await app.ReadPersonaAsync(healthy.Id);
        ok.Status.ShouldBe(PersonaStatus.Active);
        ok.QuotaTotal.ShouldNotBeNull("the quota on the personas board is refreshed");

        (await app.ReadPostAsync(tomorrow.Id)).Status.ShouldBe(PostStatus.Held);
        (await app.ReadPostAsync(tomorrow.Id)).FailureReason.ShouldBe(FailureReason.AuthExpired);
        (await app.ReadPostAsync(later.Id)).Status.ShouldBe(PostStatus.Scheduled);
        (await app.ReadPostAsync(fine.Id)).Status.ShouldBe(PostStatus.Scheduled);

        await using var db = app.CreateDbContext();
        (await db.Alerts.Select(a => a.Kind).ToListAsync()).ShouldBe([AlertKind.AuthExpired]);
        (await db.ActivityLog.Select(l => l.Message).ToListAsync()).ShouldContain(m => m.StartsWith("🔎 계정 점검: 4개 확인"));

        // The next day: the account waiting for a new token is not checked again, so no second alert.
        var again = await app.GetService<AccountCheck>().RunAsync(CancellationToken.None);
        again.Checked.ShouldBe(3);
        (await db.Alerts.CountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Only_an_admin_may_start_it_by_hand_and_that_is_audited()
    {
        await app.AddPersonaAsync("정상");
        var check = app.GetService<AccountCheck>();

        await Should.ThrowAsync<UnauthorizedAccessException>(() => check.RunAsync(CancellationToken.None, TestActors.Operator));
        await check.RunAsync(CancellationToken.None, TestActors.Admin);

        await using var db = app.CreateDbContext();
        (await db.AuditLog.SingleAsync()).Action.ShouldBe(AuditActions.PersonaCheck);
    }
}
