using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Api;
using PostingConsole.Domain;
using PostingConsole.Security;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Operations;

namespace PostingConsole.Tests.Security;

/// <summary>
/// Tokens, keys and passwords never leave the process: a whole run at Trace level (tokens going in through the
/// API, token errors from Meta, server errors, a lost publish answer, a restricted account, a new token, an API key
/// issued, used and revoked, wrong and right passwords, a refused body) is captured, and no secret is in any log
/// entry, database column outside the encrypted token, webhook body, API answer or problem details.
/// </summary>
public class SecretsTests
{
    [Fact]
    public async Task A_full_run_with_token_errors_logs_and_stores_and_answers_no_secret()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = EngineHarness.Start(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Trace",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Trace",
        }, logs: logs);
        var api = app.CreateApiClient();
        api.BaseAddress = app.BaseUrl;
        var secrets = new List<string>();

        string Secret(string kind)
        {
            var value = $"EAA{kind}{Guid.NewGuid():N}";
            secrets.Add(value);
            return value;
        }

        // Accounts created through the API, each playing a different fault of Meta's.
        var faults = new[] { SandboxFault.None, SandboxFault.TokenExpired, SandboxFault.ServerErrors, SandboxFault.LostPublishAnswer, SandboxFault.Restricted, SandboxFault.Throttled };
        var personas = new List<PersonaResponse>();
        foreach (var (fault, i) in faults.Select((f, i) => (f, i)))
        {
            var persona = await api.CreatePersonaAsync($"비밀{i}", $"1784140000{i:D7}", Secret("persona"));
            app.Sandbox.SetFault(persona.IgUserId, fault);
            personas.Add(persona);
            await app.AddPostAsync((await app.ReadPersonaAsync(persona.Id)), imagePath: "demo/demo-01.jpg");
        }

        for (var pass = 0; pass < 4; pass++)
        {
            await app.RunOnceAsync();
            app.Time.Advance(TimeSpan.FromMinutes(6));
        }

        // A new token for the expired account, and its held post goes out.
        app.Sandbox.ClearFault(personas[1].IgUserId);
        (await api.PutAsJsonAsync($"/api/personas/{personas[1].Id}/token", new { accessToken = Secret("renewed") })).EnsureSuccessStatusCode();
        await app.RunOnceAsync();

        // A refused body that carries a token: the problem details must not echo it.
        var refusedToken = Secret("refused");
        var refused = await api.PostAsJsonAsync("/api/personas", new { name = "", igUserId = "17841400009999", accessToken = refusedToken });
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var refusedBody = await refused.Content.ReadAsStringAsync();

        // An API key issued, used, revoked, then refused.
        var issued = await app.GetService<ApiKeyStore>().IssueAsync(TestActors.Admin, "secret-test", Roles.Operator, CancellationToken.None);
        secrets.Add(issued.Value!.Secret);
        using var keyed = new HttpClient { BaseAddress = app.BaseUrl };
        keyed.DefaultRequestHeaders.Add("X-Api-Key", issued.Value.Secret);
        (await keyed.GetAsync("/api/posts")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await app.GetService<ApiKeyStore>().RevokeAsync(TestActors.Admin, issued.Value.Key.Id, CancellationToken.None);
        (await keyed.GetAsync("/api/posts")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // Passwords: a wrong one and the right one.
        await ConsoleSignIn.EnsureUserAsync(app.Services, "secret-user", Roles.Operator);
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = app.BaseUrl });
        var wrongPassword = Secret("password");
        // (This client follows redirects: a successful sign-in ends on the queue, signed in.)
        (await (await browser.SignInAsync("secret-user", wrongPassword)).Content.ReadAsStringAsync()).ShouldContain("data-testid=\"login-error\"");
        (await (await browser.SignInAsync("secret-user", ConsoleSignIn.Password)).Content.ReadAsStringAsync()).ShouldContain("data-testid=\"signed-in-user\"");
        secrets.Add(ConsoleSignIn.Password);

        // The run did what it should, so the absence of secrets below means something.
        (await app.ReadPersonaAsync(personas[1].Id)).Status.ShouldBe(PersonaStatus.Active);
        (await app.ReadPersonaAsync(personas[4].Id)).Status.ShouldBe(PersonaStatus.Suspended);
        logs.Entries.ShouldContain(e => e.Contains("code 190"), "the token error was logged");
        logs.Entries.Count.ShouldBeGreaterThan(500, "Trace level was on");

        var answers = string.Join("\n", refusedBody,
            await api.GetStringAsync("/api/personas"),
            await api.GetStringAsync("/api/posts?pageSize=200"),
            string.Join("\n", await Task.WhenAll(personas.Select(p => api.GetStringAsync($"/api/personas/{p.Id}")))));

        await using var db = app.CreateDbContext();
        var stored = string.Join("\n",
            string.Join("\n", await db.ActivityLog.Select(l => l.Message).ToListAsync()),
            string.Join("\n", await db.Alerts.Select(a => a.Message).ToListAsync()),
            string.Join("\n", await db.AuditLog.Select(a => a.Actor + a.Target + a.Detail).ToListAsync()),
            string.Join("\n", await db.PostAttempts.Select(a => a.Message).ToListAsync()),
            string.Join("\n", await db.Posts.Select(p => p.LastError).ToListAsync()),
            string.Join("\n", await db.Personas.Select(p => p.LastError + p.StatusReason + p.TokenHint).ToListAsync()),
            string.Join("\n", await db.ApiKeys.Select(k => k.Prefix + k.Name).ToListAsync()),
            string.Join("\n", await db.WebhookMessages.Select(m => m.Body).ToListAsync()));
        (await db.WebhookMessages.CountAsync()).ShouldBeGreaterThan(0, "webhook bodies were written and checked");

        foreach (var secret in secrets)
        {
            logs.Entries.Where(e => e.Contains(secret, StringComparison.Ordinal)).ShouldBeEmpty($"no log entry holds {secret[..8]}…");
            answers.ShouldNotContain(secret, Case.Sensitive);
            stored.ShouldNotContain(secret, Case.Sensitive);
        }

        // Only the encrypted form is stored, and it is not the token.
        (await db.Personas.Select(p => p.ProtectedToken).ToListAsync()).ShouldAllBe(t => !secrets.Contains(t));
    }
}
