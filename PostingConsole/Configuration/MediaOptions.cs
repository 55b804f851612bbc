using FluentValidation;

namespace PostingConsole.Configuration;

/// <summary>Section <c>Media</c>: local image files and the address Meta fetches them from.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary>Folder of <c>imagePath</c> files; relative paths are taken from the data folder's parent (the working directory).</summary>
    public string? LocalRoot { get; set; }
    /// <summary>Public address of this console, used in image URLs Meta fetches. Empty: the console's own listening URL.</summary>
    public string? PublicBaseUrl { get; set; }
}

public sealed class MediaOptionsValidator : AbstractValidator<MediaOptions>
{
    public MediaOptionsValidator()
    {
        RuleFor(o => o.PublicBaseUrl).Must(u => string.IsNullOrEmpty(u) || (Uri.TryCreate(u, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            .WithName("Media:PublicBaseUrl").WithMessage("Media:PublicBaseUrl must be an absolute http or https URL.");
    }
}
