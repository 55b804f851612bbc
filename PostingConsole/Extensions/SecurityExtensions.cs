using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using PostingConsole.Data;
using PostingConsole.Security;
using PostingConsole.Operations;
using PostingConsole.Domain;

namespace PostingConsole.Extensions;

/// <summary>
/// Sign-in and roles: ASP.NET Core Identity on the console's database with a cookie for the screens, the
/// <c>X-Api-Key</c> scheme for /api, one policy per <see cref="Permission"/>, and a fallback policy so every
/// page needs a signed-in user with a role unless it says otherwise.
/// </summary>
public static class SecurityExtensions
{
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";
    private const string ConsoleScheme = "Console";

    public static WebApplicationBuilder AddConsoleSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddScoped<ConsoleActor>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<MediaUrls>();
        services.AddSingleton<UserAccounts>();

        // One default that picks per request: the X-Api-Key scheme under /api (so even a request no endpoint
        // matches is answered 401/404/415 as problem details, never redirected to sign in), the cookie elsewhere.
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = ConsoleScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddPolicyScheme(ConsoleScheme, "Cookie for the screens, X-Api-Key for /api", o => o.ForwardDefaultSelector = context =>
                context.Request.Path.StartsWithSegments("/api") ? Api.ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "PostingConsole.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = LoginPath;
            o.LogoutPath = LogoutPath;
            o.AccessDeniedPath = "/account/denied";
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
        });

        // A removed user, a new role or a new password reaches every cookie within a minute (default: 30).
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddIdentityCore<IdentityUser>(ConfigureIdentity)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PostingDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Policy(Permission.View), p => p.RequireRole(Roles.Admin, Roles.Operator, Roles.Viewer))
            .AddPolicy(Roles.Policy(Permission.Operate), p => p.RequireRole(Roles.Admin, Roles.Operator))
            .AddPolicy(Roles.Policy(Permission.Administer), p => p.RequireRole(Roles.Admin))
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireRole(Roles.All).Build());
        return builder;
    }

    /// <summary>Lockout after 5 failures for 15 minutes; passwords of 12+ characters, any kind (length is what counts).</summary>
    public static void ConfigureIdentity(IdentityOptions o)
    {
        o.Lockout.AllowedForNewUsers = true;
        o.Lockout.MaxFailedAccessAttempts = 5;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
        o.Password.RequiredLength = 12;
        o.Password.RequireDigit = false;
        o.Password.RequireLowercase = false;
        o.Password.RequireUppercase = false;
        o.Password.RequireNonAlphanumeric = false;
        o.SignIn.RequireConfirmedAccount = false;
    }

    /// <summary>
    /// <c>POST /account/logout</c>: a form post, so antiforgery is checked (by the middleware, from the metadata); a post
    /// without a valid token is refused with 400 here, before anything reads the form (with a body: the pages' status-code
    /// handler would otherwise re-run the request, and with it the failed check).
    /// </summary>
    public static WebApplication MapAccountEndpoints(this WebApplication app)
    {
        app.MapPost(LogoutPath, async (HttpContext context, SignInManager<IdentityUser> signIn) =>
            {
                if (context.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is not { IsValid: true })
                    return Results.Text("A valid antiforgery token was not provided with the request.", statusCode: StatusCodes.Status400BadRequest);
                await signIn.SignOutAsync();
                return Results.LocalRedirect(LoginPath);
            })
            .WithMetadata(new Microsoft.AspNetCore.Antiforgery.RequireAntiforgeryTokenAttribute())
            .ExcludeFromDescription();
        return app;
    }
}
