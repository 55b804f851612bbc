using MudBlazor;
using PostingConsole.Components.Shared;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Security;
using static PostingConsole.Components.Shared.UiText;

namespace PostingConsole.Components.Pages.Personas;

/// <summary>
/// What an operator does to a persona from a screen (the personas board, the readiness screen), each asking first: pause it,
/// re-authorize it with a new token (Admin), or place its automatically placed posts again. Each returns whether it was done; each acts as the screen's signed-in user at the time.
/// </summary>
public sealed class PersonaActions(Func<Actor> signedIn, PersonaOperations operations, IDialogService dialogs, ISnackbar snackbar)
{
    public async Task<bool> PauseAsync(Persona persona)
    {
        if (!await Confirm.AskAsync(dialogs, T("Pause"), TFormat("Pause posting for {0}? Waiting posts will be held.", persona.Name), T("Pause"))) return false;
        await operations.PauseAsync(signedIn(), persona.Id, T("Paused by an operator"), CancellationToken.None);
        return true;
    }

    /// <summary>"다시 배치": the persona's automatically placed posts not yet due, placed again by its scores as they are now.</summary>
    public async Task<bool> ReslotAsync(Persona persona)
    {
        if (!await Confirm.AskAsync(dialogs, T("다시 배치", "Re-slot"),
                IsEnglish ? $"Place {persona.Name}'s automatically placed posts (not yet due) again by the current scores?"
                          : $"'{persona.Name}'의 자동 배치 포스트(아직 예정 시각 전)를 현재 점수로 다시 배치할까요?",
                T("다시 배치", "Re-slot"))) return false;
        var result = await operations.ReslotAsync(signedIn(), persona.Id, CancellationToken.None);
        if (result.Succeeded)
            snackbar.Add(IsEnglish ? $"{persona.Name}: {result.Value} posts moved" : $"'{persona.Name}': 자동 배치 포스트 {result.Value}건을 옮겼습니다", Severity.Success);
        else snackbar.Add(result.Error ?? "", Severity.Warning);
        return result.Succeeded;
    }

    /// <summary>Whether the persona's new posts carry Instagram's AI label (posts already made keep theirs; nothing to confirm).</summary>
    public async Task<bool> SetAiLabelDefaultAsync(Persona persona, bool label)
    {
        var result = await operations.SetAiLabelDefaultAsync(signedIn(), persona.Id, label, CancellationToken.None);
        if (result.Succeeded)
        {
            snackbar.Add(label
                ? (IsEnglish ? $"{persona.Name}: new posts carry the AI label" : $"'{persona.Name}': 새 포스트에 AI 라벨을 붙입니다")
                : (IsEnglish ? $"{persona.Name}: new posts without the AI label" : $"'{persona.Name}': 새 포스트에 AI 라벨을 붙이지 않습니다"), Severity.Success);
        }
        else snackbar.Add(result.Error ?? "", Severity.Warning);
        return result.Succeeded;
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
