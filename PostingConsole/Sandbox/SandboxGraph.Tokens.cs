using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Publishing;

namespace PostingConsole.Sandbox;

public static partial class SandboxGraph
{
    /// <summary>The permissions Meta lists for a persona's token in the Sandbox (docs/instagram.md: what publishing needs).</summary>
    private static readonly string[] SandboxScopes = ["instagram_basic", "instagram_content_publish", "pages_read_engagement", "pages_show_list"];

    /// <summary>
    /// <c>GET /debug_token?input_token=…</c> as Meta answers it (docs/readiness.md#tokens): 200 with <c>data</c> in every case, the
    /// token's <c>expires_at</c> (the persona's Sandbox expiry; 0 for never), <c>data_access_expires_at</c> (90 days on) and its
    /// scopes; an expired or unknown token <c>is_valid: false</c> with Meta's error inside <c>data</c>.
    /// </summary>
    private static async Task<IResult> DebugToken(string? input_token, HttpContext http, SandboxGraphState state, IServiceProvider services)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length <= "Bearer ".Length) return SandboxErrors.MissingToken();
        if (string.IsNullOrEmpty(input_token))
            return SandboxErrors.Error(400, """{"error":{"message":"(#100) The parameter input_token is required","type":"OAuthException","code":100}}""");

        var now = state.Now;
        var (igUserId, account) = await AccountByTokenAsync(input_token, state, services);
        JsonObject data;
        if (account is null)
        {
            data = new JsonObject { ["error"] = new JsonObject { ["code"] = 190, ["message"] = "Invalid OAuth access token - Cannot parse access token" }, ["is_valid"] = false, ["scopes"] = new JsonArray() };
        }
        else if (account.Fault == SandboxFault.TokenExpired || account.TokenExpiresAt <= now)
        {
            var expired = account.TokenExpiresAt ?? now.AddHours(-1);
            data = Describe(igUserId!, expired, now, valid: false);
            data["error"] = new JsonObject { ["code"] = 190, ["message"] = $"Error validating access token: Session has expired on {expired:R}.", ["subcode"] = 463 };
        }
        else
        {
            data = Describe(igUserId!, account.TokenExpiresAt, now, valid: true);
        }

        return Results.Content(new JsonObject { ["data"] = data }.ToJsonString(), "application/json");
    }

    private static JsonObject Describe(string igUserId, DateTime? expiresAt, DateTime now, bool valid) => new()
    {
        ["app_id"] = "1000000000000001",
        ["type"] = "PAGE",
        ["application"] = "PostingConsole Sandbox",
        ["data_access_expires_at"] = new DateTimeOffset(now.AddDays(90)).ToUnixTimeSeconds(),
        ["expires_at"] = expiresAt is { } at ? new DateTimeOffset(at, TimeSpan.Zero).ToUnixTimeSeconds() : 0,
        ["is_valid"] = valid,
        ["scopes"] = new JsonArray([.. SandboxScopes.Select(s => (JsonNode)s)]),
        ["user_id"] = igUserId,
    };

    /// <summary>The account whose current token this is (Meta knows its tokens; the Sandbox reads the personas' own).</summary>
    private static async Task<(string? IgUserId, SandboxAccount? Account)> AccountByTokenAsync(string token, SandboxGraphState state, IServiceProvider services)
    {
        // An account Meta was told the token of (a console on another database, a password change), then the personas' own.
        if (state.AccountWithToken(token) is { } known) return (known, await AccountFor(known, state, services, fresh: false));
        var contexts = services.GetService<IDbContextFactory<PostingDbContext>>();
        if (contexts is null) return (null, null);
        await using var db = await contexts.CreateDbContextAsync();
        var ids = await db.Personas.AsNoTracking().Select(p => p.IgUserId).ToListAsync();
        // The accounts as last read first; then read again (a token replaced in the console since).
        foreach (var fresh in new[] { false, true })
        {
            foreach (var igUserId in ids)
            {
                var account = await AccountFor(igUserId, state, services, fresh);
                if (account?.Token == token) return (igUserId, account);
            }
        }

        return (null, null);
    }
}
