using MudBlazor.Services;
using PostingConsole.Api;
using PostingConsole.Components;
using PostingConsole.Configuration;
using PostingConsole.Notifications;
using PostingConsole.Operations;
using PostingConsole.Sandbox;
using PostingConsole.Security;

namespace PostingConsole.Extensions;

/// <summary>The table of contents of the app: each concern registers itself in its own extension method.</summary>
public static class HostingExtensions
{
    public static WebApplicationBuilder AddPostingConsole(this WebApplicationBuilder builder)
    {
        builder.AddOperatorConfigFile();
        // Microsoft.Data.Sqlite runs its "async" calls synchronously, and a writer waiting for SQLite's lock
        // blocks its thread: with a small pool (2 cores) that delays every timer and HTTP continuation.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), completionPorts);
        var paths = new AppPaths(builder.Configuration);
        paths.EnsureCreated();
        builder.Services.AddSingleton(paths);
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddConsoleOptions();
        builder.AddPostingData(paths);
        builder.AddPostingOperations();
        builder.AddPostingEngine();
        builder.AddConsoleSecurity();
        builder.AddPostingApi();
        builder.AddConsoleUi();
        builder.AddPostingTelemetry();
        return builder;
    }

    public static WebApplication UsePostingConsole(this WebApplication app)
    {
        app.LogStartupBanner();
        app.UseSecurityHeaders();
        app.UseSandboxGraphClock();
        // The API answers errors as problem details (an unknown route 404, a wrong content type 415); the screens with pages.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"), ui =>
        {
            ui.UseExceptionHandler("/Error", createScopeForErrors: true);
            ui.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        });
        if (!app.Environment.IsDevelopment())
        {
            // Redirects to HTTPS once an HTTPS endpoint (or https_port behind a proxy) is configured.
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        // Routing after the error and status-code handlers, so a re-executed request (/not-found, /Error) is routed again.
        app.UseRouting();
        app.UseRequestLocalization(options =>
        {
            // Korean first; English when the operator picks it (cookie), never from the browser's language.
            options.SetDefaultCulture("ko").AddSupportedCultures("ko", "en").AddSupportedUICultures("ko", "en");
            options.RequestCultureProviders = [new Microsoft.AspNetCore.Localization.CookieRequestCultureProvider()];
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        // Every endpoint needs a signed-in user with a role (the fallback policy) unless it allows anonymous here.
        app.MapStaticAssets().AllowAnonymous();
        app.MapMediaEndpoints();
        app.MapCultureEndpoint();
        app.MapHealthEndpoints();
        app.MapMetricsEndpoint();
        app.MapAccountEndpoints();
        app.UsePostingEngine();
        app.MapPostingApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    private static WebApplicationBuilder AddPostingOperations(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<EventHub>();
        services.AddConsoleHealthChecks();
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<MediaFiles>();
        services.AddSingleton<PostOperations>();
        services.AddSingleton<Slots.SlotService>();
        services.AddSingleton<Insights.InsightsQueries>();
        services.AddSingleton<PersonaOperations>();
        services.AddSingleton<PostQueries>();
        services.AddSingleton<AlertQueries>();
        services.AddSingleton<ProfileGrid>();
        services.AddSingleton<Readiness.ReadinessQueries>();
        services.AddSingleton<SharedViews>();
        services.AddSingleton<RhythmCache>();
        services.AddSingleton<PersonaQueries>();
        services.AddSingleton<ConsoleQueries>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<StatsQueries>();
        return builder;
    }

    private static WebApplicationBuilder AddConsoleUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        // Korean text goes out as text, not as numeric character references.
        builder.Services.AddSingleton(System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<ConsoleClock>();
        return builder;
    }
}
