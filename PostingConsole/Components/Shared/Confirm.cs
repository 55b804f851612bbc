using MudBlazor;

namespace PostingConsole.Components.Shared;

/// <summary>Confirmation before anything destructive or irreversible.</summary>
public static class Confirm
{
    public static async Task<bool> AskAsync(IDialogService dialogs, string title, string message, string yes) =>
        await dialogs.ShowMessageBoxAsync(title, message, yesText: yes, cancelText: UiText.T("Cancel")) == true;
}
