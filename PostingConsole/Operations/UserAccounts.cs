using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Operations;

namespace PostingConsole.Operations;

public sealed record UserSummary(string Id, string UserName, string? Role, bool LockedOut, int FailedSignIns);

/// <summary>
/// The console's users: the first admin (from <c>PostingConsole create-admin</c> or from <c>Bootstrap:*</c>
/// configuration on a database with no user yet), and the Admin's users screen. Each call has its own scope,
/// so no Identity store outlives it; each change is written with its audit row in one transaction.
/// </summary>
public sealed class UserAccounts(IServiceScopeFactory scopes, TimeProvider time, ILogger<UserAccounts> logger)
{
    public const string BootstrapUserKey = "Bootstrap:AdminUser";
    public const string BootstrapPasswordKey = "Bootstrap:AdminPassword";

    /// <summary>Who did it, for changes made from the command line.</summary>
    public static readonly Actor CommandLine = new("command-line", Roles.Admin, "command");

    /// <summary>At start: the three roles exist; with no user yet, the first admin comes from configuration, once.</summary>
    public async Task EnsureAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        await EnsureRolesAsync();
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.Users.AnyAsync(cancellationToken))
        {
            if (!string.IsNullOrEmpty(configuration[BootstrapPasswordKey]))
                logger.BootstrapPasswordIgnored(BootstrapPasswordKey);
            return;
        }

        var password = configuration[BootstrapPasswordKey];
        if (string.IsNullOrEmpty(password))
        {
            logger.NoUserYet(BootstrapPasswordKey);
            return;
        }

        var userName = configuration[BootstrapUserKey] is { Length: > 0 } name ? name : "admin";
        var created = await CreateAsync(new Actor("configuration", Roles.Admin, "bootstrap"), userName, password, Roles.Admin, cancellationToken);
        if (created.Succeeded)
            logger.FirstAdminCreated(userName, BootstrapPasswordKey);
        else
            logger.FirstAdminNotCreated(BootstrapPasswordKey, created.Error);
    }

    public async Task EnsureRolesAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
        }
    }

    public async Task<OperationResult<UserSummary>> CreateAsync(Actor actor, string userName, string password, string role, CancellationToken cancellationToken)
    {
        if (!actor.Can(Permission.Administer)) return OperationResult<UserSummary>.Forbidden(actor, Permission.Administer);
        if (!Roles.All.Contains(role)) return OperationResult<UserSummary>.Conflict($"role: one of {string.Join(", ", Roles.All)}.");

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var db = scope.ServiceProvider.GetRequiredService<PostingDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = new IdentityUser(userName.Trim());
        Audit(db, actor, AuditActions.UserCreate, user.UserName!, role);
        var result = await users.CreateAsync(user, password);
        if (result.Succeeded) result = await users.AddToRoleAsync(user, role);
        if (!result.Succeeded) return OperationResult<UserSummary>.Conflict(Describe(result));

        // A new user's bell counts what is raised from now on, not every alert the console has ever raised.
        db.AlertReadMarks.Add(new AlertReadMark { UserName = user.UserName!, ReadThroughId = await db.Alerts.MaxAsync(a => (long?)a.Id, cancellationToken) ?? 0 });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return OperationResult<UserSummary>.Created(new UserSummary(user.Id, user.UserName!, role, false, 0));
    }

    public Task<OperationResult<UserSummary>> ChangeRoleAsync(Actor actor, string userId, string role, CancellationToken cancellationToken) =>
        ChangeUserAsync(actor, userId, async (users, db, user) =>
        {
            if (!Roles.All.Contains(role)) return OperationResult<UserSummary>.Conflict($"role: one of {string.Join(", ", Roles.All)}.");
            var current = (await users.GetRolesAsync(user)).ToList();
            if (current is [var only] && only == role) return OperationResult<UserSummary>.Ok(await SummarizeAsync(users, user));
            if (current.Contains(Roles.Admin) && role != Roles.Admin && (await users.GetUsersInRoleAsync(Roles.Admin)).Count == 1)
                return OperationResult<UserSummary>.Conflict("The last Admin cannot lose the Admin role.");

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            Audit(db, actor, AuditActions.UserRole, user.UserName!, $"{string.Join(",", current)} → {role}");
            var result = await users.RemoveFromRolesAsync(user, current);
            if (result.Succeeded) result = await users.AddToRoleAsync(user, role);
            // A new stamp signs the user's open screens out at their next revalidation.
            if (result.Succeeded) result = await users.UpdateSecurityStampAsync(user);
            if (!result.Succeeded) return OperationResult<UserSummary>.Conflict(Describe(result));

            await transaction.CommitAsync(cancellationToken);
            return OperationResult<UserSummary>.Ok(await SummarizeAsync(users, user));
        });

    /// <summary>Removes a user (someone who left); never oneself and never the last Admin.</summary>
    public Task<OperationResult<UserSummary>> RemoveAsync(Actor actor, string userId, CancellationToken cancellationToken) =>
        ChangeUserAsync(actor, userId, async (users, db, user) =>
        {
            if (user.UserName == actor.Name) return OperationResult<UserSummary>.Conflict("You cannot remove yourself.");
            var summary = await SummarizeAsync(users, user);
            if (summary.Role == Roles.Admin && (await users.GetUsersInRoleAsync(Roles.Admin)).Count == 1)
                return OperationResult<UserSummary>.Conflict("The last Admin cannot be removed.");

            Audit(db, actor, AuditActions.UserRemove, user.UserName!, summary.Role);
            var result = await users.DeleteAsync(user); // saves the audit row with the removal
            return result.Succeeded ? OperationResult<UserSummary>.Ok(summary) : OperationResult<UserSummary>.Conflict(Describe(result));
        });

    /// <summary>Ends a lockout now (an Admin vouches for the user) and clears the failed sign-in count.</summary>
    public Task<OperationResult<UserSummary>> UnlockAsync(Actor actor, string userId, CancellationToken cancellationToken) =>
        ChangeUserAsync(actor, userId, async (users, db, user) =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            Audit(db, actor, AuditActions.UserUnlock, user.UserName!, null);
            var result = await users.SetLockoutEndDateAsync(user, null);
            if (result.Succeeded) result = await users.ResetAccessFailedCountAsync(user);
            if (!result.Succeeded) return OperationResult<UserSummary>.Conflict(Describe(result));

            await transaction.CommitAsync(cancellationToken);
            return OperationResult<UserSummary>.Ok(await SummarizeAsync(users, user));
        });

    /// <summary>What every change to an existing user starts with: the Admin check, a scope of its own, the user.</summary>
    private async Task<OperationResult<UserSummary>> ChangeUserAsync(Actor actor, string userId,
        Func<UserManager<IdentityUser>, PostingDbContext, IdentityUser, Task<OperationResult<UserSummary>>> change)
    {
        if (!actor.Can(Permission.Administer)) return OperationResult<UserSummary>.Forbidden(actor, Permission.Administer);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return OperationResult<UserSummary>.NotFound($"User {userId} does not exist.");
        return await change(users, scope.ServiceProvider.GetRequiredService<PostingDbContext>(), user);
    }

    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var list = new List<UserSummary>();
        foreach (var user in await users.Users.OrderBy(u => u.UserName).ToListAsync(cancellationToken))
        {
            list.Add(await SummarizeAsync(users, user));
        }

        return list;
    }

    /// <summary>A password for a new account, shown once: 16 characters from an unambiguous alphabet.</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 16);
    }

    private async Task<UserSummary> SummarizeAsync(UserManager<IdentityUser> users, IdentityUser user) =>
        new(user.Id, user.UserName!, Roles.All.FirstOrDefault((await users.GetRolesAsync(user)).Contains),
            user.LockoutEnd is { } end && end > time.GetUtcNow(), user.AccessFailedCount);

    private void Audit(PostingDbContext db, Actor actor, string action, string target, string? detail) =>
        db.AuditLog.Add(AuditEntry.For(actor, action, $"user {target}", detail, time.GetUtcNow().UtcDateTime));

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}
