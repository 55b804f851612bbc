using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Security;
using PostingConsole.Operations;

namespace PostingConsole.Api;

/// <summary>
/// The <c>X-Api-Key</c> scheme for <c>/api</c>: a key issued in the console or one of <c>Api:Keys</c>
/// (<see cref="ApiKeyStore"/>). The principal carries the key's role, so the same policies as the screens apply.
/// As an authentication scheme it is checked before the body is read, so a caller without a key learns nothing.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyStore keys, IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string PolicyName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[HeaderName].ToString();
        if (presented.Length == 0) return AuthenticateResult.NoResult();

        var caller = await keys.AuthenticateAsync(presented, Context.RequestAborted);
        if (caller is null) return AuthenticateResult.Fail($"The {HeaderName} header is not a valid key.");

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, caller.Name), new Claim(ClaimTypes.Role, caller.Role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var presented = Request.Headers[HeaderName].ToString();
        return WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized",
            presented.Length == 0 ? $"The {HeaderName} header is missing." : $"The {HeaderName} header is not a valid key.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "This key's role may not do this.");

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
