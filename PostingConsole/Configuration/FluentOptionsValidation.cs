using FluentValidation;
using Microsoft.Extensions.Options;

namespace PostingConsole.Configuration;

/// <summary>Runs a FluentValidation validator over an options class when it is first built (and at start-up).</summary>
public sealed class FluentOptionsValidation<TOptions>(IValidator<TOptions> validator) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var result = validator.Validate(options);
        return result.IsValid
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(result.Errors.Select(e => e.ErrorMessage));
    }
}

public static class OptionsRegistration
{
    /// <summary>Binds <typeparamref name="TOptions"/> to <paramref name="section"/>, validates it with <typeparamref name="TValidator"/> at start.</summary>
    public static IServiceCollection AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidator<TOptions>
    {
        services.AddSingleton<IValidator<TOptions>, TValidator>();
        services.AddSingleton<IValidateOptions<TOptions>, FluentOptionsValidation<TOptions>>();
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        return services;
    }
}
