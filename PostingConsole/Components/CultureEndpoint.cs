using Microsoft.AspNetCore.Localization;

namespace PostingConsole.Components;

public static class CultureEndpoint
{
    /// <summary><c>/culture/{ko|en}?redirect=/path</c>: remembers the operator's language in a cookie and goes back.</summary>
    public static WebApplication MapCultureEndpoint(this WebApplication app)
    {
        app.MapGet("/culture/{code}", (string code, string? redirect, HttpContext http) =>
        {
            var culture = code == "en" ? "en" : "ko";
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
            return Results.LocalRedirect(Security.LocalUrl.OrRoot(redirect));
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
