using MudBlazor;
using PostingConsole.Domain;

namespace PostingConsole.Components.Pages.Personas;

/// <summary>The colour of a persona status, on the board's counts and on each row.</summary>
public static class PersonaColors
{
    public static Color For(PersonaStatus status) => status switch
    {
        PersonaStatus.Active => Color.Success,
        PersonaStatus.Paused => Color.Warning,
        _ => Color.Error,
    };
}
