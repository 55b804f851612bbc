using FluentValidation;

namespace PostingConsole.Configuration;

/// <summary>Section <c>Api</c>: keys accepted in the <c>X-Api-Key</c> header.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    public List<string> Keys { get; set; } = [];
}

public sealed class ApiOptionsValidator : AbstractValidator<ApiOptions>
{
    public ApiOptionsValidator()
    {
        RuleForEach(o => o.Keys).NotEmpty().MinimumLength(16).WithName("Api:Keys")
            .WithMessage("Api:Keys:{CollectionIndex} must be at least 16 characters long.");
    }
}
