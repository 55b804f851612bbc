using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;
using PostingConsole.Api;

namespace PostingConsole.Extensions;

public static class ApiExtensions
{
    public static WebApplicationBuilder AddPostingApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatorsFromAssemblyContaining<CreatePostRequestValidator>(ServiceLifetime.Singleton,
            filter: f => f.ValidatorType.Namespace == typeof(CreatePostRequestValidator).Namespace);
        services.AddProblemDetails();
        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyAuthenticationHandler.PolicyName, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Bad JSON reaches BadRequestExceptionHandler, which names the field, instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            // Numbers are numbers: "personaId": "1" is refused like any other wrong type.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        return builder;
    }

    public static WebApplication MapPostingApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(ApiKeyAuthenticationHandler.PolicyName);
        api.MapPersonaEndpoints();
        api.MapPostEndpoints();
        api.MapDispatchEndpoints();
        api.MapStatsEndpoints();
        api.MapReadinessEndpoints();
        return app;
    }
}
