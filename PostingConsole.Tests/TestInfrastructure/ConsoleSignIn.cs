using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PostingConsole.Security;
using PostingConsole.Operations;

namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>Users for tests, and signing in through the real sign-in form (antiforgery token included).</summary>
public static class ConsoleSignIn
{
    public const string Password = "test-password-0123456789";

    /// <summary>Creates <paramref name="userName"/> with <paramref name="role"/> (once) in the app's database.</summary>
    public static async Task EnsureUserAsync(IServiceProvider services, string userName, string role)
    {
        var accounts = services.GetRequiredService<UserAccounts>();
        if ((await accounts.ListAsync(CancellationToken.None)).Any(u => u.UserName == userName)) return;
        var created = await accounts.CreateAsync(TestActors.Admin, userName, Password, role, CancellationToken.None);
        created.Succeeded.ShouldBeTrue(created.Error);
    }

    /// <summary>A client of the in-process app, signed in as a new user with <paramref name="role"/>.</summary>
    public static async Task<HttpClient> CreateSignedInClientAsync(this ConsoleAppFactory app, string role)
    {
        var userName = $"{role.ToLowerInvariant()}-user";
        await EnsureUserAsync(app.Services, userName, role);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        (await client.SignInAsync(userName, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect, "signed in");
        return client;
    }

    /// <summary>The antiforgery token of the form on the page at <paramref name="path"/>.</summary>
    public static async Task<string> FormTokenAsync(this HttpClient client, string path)
    {
        var page = await client.GetStringAsync(path);
        var token = Regex.Match(page, "<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        token.ShouldNotBeNullOrEmpty($"the form on {path} carries an antiforgery token");
        return token;
    }

    /// <summary>Posts the sign-in form as a browser would; returns the answer (a redirect when it worked).</summary>
    public static async Task<HttpResponseMessage> SignInAsync(this HttpClient client, string userName, string password)
    {
        var token = await client.FormTokenAsync("/account/login");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        }));
    }
}
