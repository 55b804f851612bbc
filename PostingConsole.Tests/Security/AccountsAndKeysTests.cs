using System.Net;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Security;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Operations;

namespace PostingConsole.Tests.Security;

public class AccountsAndKeysTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task An_issued_key_is_stored_only_as_a_hash_records_its_last_use_and_stops_working_when_revoked()
    {
        var keys = app.GetService<ApiKeyStore>();
        var issued = (await keys.IssueAsync(TestActors.Admin, "005-approval", Roles.Operator, CancellationToken.None)).Value!;
        using var client = new HttpClient { BaseAddress = app.BaseUrl };
        client.DefaultRequestHeaders.Add("X-Api-Key", issued.Secret);

        (await client.GetAsync("/api/posts")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var used = (await keys.ListAsync(CancellationToken.None)).Single();
        used.LastUsedAt.ShouldBe(app.Now);
        used.Hash.ShouldNotBe(issued.Secret);
        used.Hash.Length.ShouldBe(64);
        issued.Secret.ShouldStartWith(used.Prefix);

        (await keys.RevokeAsync(TestActors.Admin, used.Id, CancellationToken.None)).Succeeded.ShouldBeTrue();
        (await client.GetAsync("/api/posts")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        await using var db = app.CreateDbContext();
        (await db.AuditLog.Select(a => a.Action).ToListAsync()).ShouldBe([AuditActions.ApiKeyIssue, AuditActions.ApiKeyRevoke]);
    }

    [Fact]
    public async Task Only_an_admin_issues_keys_or_manages_users()
    {
        (await app.GetService<ApiKeyStore>().IssueAsync(TestActors.Operator, "x", Roles.Admin, CancellationToken.None)).Status.ShouldBe(PostingConsole.Operations.OperationStatus.Forbidden);
        (await app.GetService<UserAccounts>().CreateAsync(TestActors.Operator, "sneaky", "long-enough-password-1", Roles.Admin, CancellationToken.None))
            .Status.ShouldBe(PostingConsole.Operations.OperationStatus.Forbidden);
        (await app.GetService<UserAccounts>().ListAsync(CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_role_change_is_audited_and_the_last_admin_keeps_the_admin_role()
    {
        var accounts = app.GetService<UserAccounts>();
        var admin = (await accounts.CreateAsync(TestActors.Admin, "boss", "long-enough-password-1", Roles.Admin, CancellationToken.None)).Value!;
        var op = (await accounts.CreateAsync(TestActors.Admin, "worker", "long-enough-password-2", Roles.Viewer, CancellationToken.None)).Value!;

        (await accounts.ChangeRoleAsync(TestActors.Admin, op.Id, Roles.Operator, CancellationToken.None)).Value!.Role.ShouldBe(Roles.Operator);
        var refused = await accounts.ChangeRoleAsync(TestActors.Admin, admin.Id, Roles.Viewer, CancellationToken.None);
        refused.Status.ShouldBe(PostingConsole.Operations.OperationStatus.Conflict);
        refused.Error!.ShouldContain("last Admin");

        await using var db = app.CreateDbContext();
        var audit = await db.AuditLog.OrderBy(a => a.Id).ToListAsync();
        audit.Select(a => a.Action).ShouldBe([AuditActions.UserCreate, AuditActions.UserCreate, AuditActions.UserRole]);
        audit[^1].Target.ShouldBe("user worker");
        audit[^1].Detail.ShouldBe("Viewer → Operator");
        audit[^1].Actor.ShouldBe(TestActors.Admin.Name);
    }

    [Fact]
    public async Task A_user_who_left_is_removed_and_audited_but_never_oneself_or_the_last_admin()
    {
        var accounts = app.GetService<UserAccounts>();
        var boss = (await accounts.CreateAsync(TestActors.Admin, "boss", "long-enough-password-1", Roles.Admin, CancellationToken.None)).Value!;
        var leaver = (await accounts.CreateAsync(TestActors.Admin, "leaver", "long-enough-password-2", Roles.Operator, CancellationToken.None)).Value!;
        var bossActor = new Actor("boss", Roles.Admin, "test");

        (await accounts.RemoveAsync(bossActor, boss.Id, CancellationToken.None)).Error.ShouldBe("You cannot remove yourself.");
        (await accounts.RemoveAsync(TestActors.Admin, boss.Id, CancellationToken.None)).Error.ShouldBe("The last Admin cannot be removed.");
        (await accounts.RemoveAsync(TestActors.Operator, leaver.Id, CancellationToken.None)).Status.ShouldBe(PostingConsole.Operations.OperationStatus.Forbidden);
        (await accounts.RemoveAsync(bossActor, leaver.Id, CancellationToken.None)).Succeeded.ShouldBeTrue();

        (await accounts.ListAsync(CancellationToken.None)).Select(u => u.UserName).ShouldBe(["boss"]);
        await using var db = app.CreateDbContext();
        var removal = await db.AuditLog.SingleAsync(a => a.Action == AuditActions.UserRemove);
        removal.Target.ShouldBe("user leaver");
        removal.Actor.ShouldBe("boss");
    }

    [Fact]
    public async Task An_admin_unlocks_a_locked_out_user_at_once()
    {
        var accounts = app.GetService<UserAccounts>();
        await ConsoleSignIn.EnsureUserAsync(app.Services, "locked", Roles.Viewer);
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = app.BaseUrl });
        for (var i = 0; i < 5; i++) await client.SignInAsync("locked", $"wrong-{i}-password");
        var locked = (await accounts.ListAsync(CancellationToken.None)).Single(u => u.UserName == "locked");
        locked.LockedOut.ShouldBeTrue();

        var unlocked = await accounts.UnlockAsync(TestActors.Admin, locked.Id, CancellationToken.None);

        unlocked.Value!.LockedOut.ShouldBeFalse();
        unlocked.Value.FailedSignIns.ShouldBe(0);
        (await (await client.SignInAsync("locked", ConsoleSignIn.Password)).Content.ReadAsStringAsync()).ShouldContain("data-testid=\"signed-in-user\"");
        await using var db = app.CreateDbContext();
        (await db.AuditLog.CountAsync(a => a.Action == AuditActions.UserUnlock)).ShouldBe(1);
    }

    [Fact]
    public async Task A_weak_password_creates_no_user_and_no_audit_row()
    {
        var result = await app.GetService<UserAccounts>().CreateAsync(TestActors.Admin, "weak", "short", Roles.Viewer, CancellationToken.None);

        result.Succeeded.ShouldBeFalse();
        (await app.GetService<UserAccounts>().ListAsync(CancellationToken.None)).ShouldBeEmpty();
        await using var db = app.CreateDbContext();
        (await db.AuditLog.CountAsync()).ShouldBe(0, "the audit row went with the rolled-back user");
    }
}
