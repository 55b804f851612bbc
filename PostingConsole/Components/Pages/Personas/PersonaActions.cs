using MudBlazor;
using PostingConsole.Components.Shared;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Security;
using static PostingConsole.Components.Shared.UiText;

namespace PostingConsole.Components.Pages.Personas;

/// <summary>
/// What an Admin does to a persona from a screen (the personas board, the readiness screen), each asking first: pause it, or
/// re-authorize it with a new token. Each returns whether it was done; each acts as the screen's signed-in user at the time.
/// </summary>
public sealed class PersonaActions(Func<Actor> signedIn, PersonaOperations operations, IDialogService dialogs, ISnackbar snackbar)
{
    public async Task<bool> PauseAsync(Persona persona)
    {
        if (!await Confirm.AskAsync(dialogs, T("Pause"), TFormat("Pause posting for {0}? Waiting posts will be held.", persona.Name), T("Pause"))) return false;
        await operations.PauseAsync(signedIn(), persona.Id, T("Paused by an operator"), CancellationToken.None);
        return true;
    }

    public async Task<bool> ReauthorizeAsync(Persona persona)
    {
        var dialog = await dialogs.ShowAsync<ReauthDialog>(TFormat("Re-authorize {0}", persona.Name));
        if (await dialog.Result is not { Canceled: false, Data: string token }) return false;
        if (!await Confirm.AskAsync(dialogs, T("Re-authorize"), T("Replace the token and put held posts back in the queue?"), T("Replace"))) return false;
        await operations.ReplaceTokenAsync(signedIn(), persona.Id, token, CancellationToken.None);
        snackbar.Add(TFormat("{0} re-authorized", persona.Name), Severity.Success);
        return true;
    }
}
