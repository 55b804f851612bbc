using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Operations;

namespace PostingConsole.Operations;

public sealed record IssuedApiKey(ApiKey Key, string Secret);

public sealed record ApiCaller(string Name, string Role);

/// <summary>
/// API keys: the ones issued in the console (hashed, revocable, last use recorded) and the bootstrap keys of
/// <c>Api:Keys</c> in configuration (for automation; they act as Admin).
/// </summary>
public sealed class ApiKeyStore(IDbContextFactory<PostingDbContext> contextFactory, EventHub hub, TimeProvider time, IOptionsMonitor<ApiOptions> options)
{
    public const string SecretPrefix = "pc_";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<OperationResult<IssuedApiKey>> IssueAsync(Actor actor, string name, string role, CancellationToken cancellationToken)
    {
        if (!actor.Can(Permission.Administer)) return OperationResult<IssuedApiKey>.Forbidden(actor, Permission.Administer);
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100) return OperationResult<IssuedApiKey>.Conflict("name: 1 to 100 characters.");
        if (!Roles.All.Contains(role)) return OperationResult<IssuedApiKey>.Conflict($"role: one of {string.Join(", ", Roles.All)}.");

        var secret = SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var journal = new Journal(db, hub, time);
        var key = new ApiKey
        {
            Name = name.Trim(), Role = role, Prefix = secret[..(SecretPrefix.Length + 6)], Hash = HashOf(secret),
            CreatedAt = journal.Now, CreatedBy = actor.Name,
        };
        db.ApiKeys.Add(key);
        journal.Audit(actor, AuditActions.ApiKeyIssue, $"api key {key.Prefix}…", $"{key.Name} ({role})");
        await journal.CommitAsync(cancellationToken);
        return OperationResult<IssuedApiKey>.Created(new IssuedApiKey(key, secret));
    }

    public async Task<OperationResult<ApiKey>> RevokeAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (!actor.Can(Permission.Administer)) return OperationResult<ApiKey>.Forbidden(actor, Permission.Administer);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null) return OperationResult<ApiKey>.NotFound($"API key {id} does not exist.");
        if (!key.IsActive) return OperationResult<ApiKey>.Conflict("The key is revoked already.");

        var journal = new Journal(db, hub, time);
        key.RevokedAt = journal.Now;
        journal.Audit(actor, AuditActions.ApiKeyRevoke, $"api key {key.Prefix}…", key.Name);
        await journal.CommitAsync(cancellationToken);
        return OperationResult<ApiKey>.Ok(key);
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().OrderBy(k => k.RevokedAt != null).ThenByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>Who a presented key belongs to, or null. Records the last use (at most once a minute per key).</summary>
    public async Task<ApiCaller?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        var configured = options.CurrentValue.Keys.FindIndex(k => FixedTimeEquals(k, presented));
        if (configured >= 0) return new ApiCaller($"config-key-{configured}", Roles.Admin);
        if (!presented.StartsWith(SecretPrefix, StringComparison.Ordinal)) return null;

        var hash = HashOf(presented);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Hash == hash && k.RevokedAt == null, cancellationToken);
        if (key is null) return null;

        var now = time.GetUtcNow().UtcDateTime;
        if (key.LastUsedAt is not { } last || now - last >= LastUsedResolution)
        {
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        }

        return new ApiCaller($"api-key {key.Prefix}… ({key.Name})", key.Role);
    }

    private static string HashOf(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool FixedTimeEquals(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
