using MudBlazor;
using PostingConsole.Components.Shared;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Security;
using static PostingConsole.Components.Shared.UiText;

namespace PostingConsole.Components.Pages.Queue;

/// <summary>
/// What an operator does to a post from the queue (publish now, edit the schedule, give up), each asking first. One per
/// screen, shared by its cards and rows, so a card re-rendered for a change gets the same actions; each acts as the screen's
/// signed-in user at the time.
/// </summary>
public sealed class QueueActions(Func<Actor> signedIn, PostOperations operations, IDialogService dialogs, ISnackbar snackbar, TimeProvider businessTime)
{
    private Actor Me => signedIn();

    public bool CanOperate => Me.Can(Permission.Operate);

    public async Task PublishNowAsync(Post post)
    {
        if (!await ConfirmPublishNowAsync(post)) return;
        Report(await operations.PublishNowAsync(Me, post.Id, republish: false, cancellationToken: CancellationToken.None), T("Queued to publish now."));
    }

    public async Task EditScheduleAsync(Post post)
    {
        var dialog = await dialogs.ShowAsync<ScheduleDialog>(T("Edit schedule"), new DialogParameters<ScheduleDialog> { { d => d.ScheduledAtUtc, post.ScheduledAt } });
        if (await dialog.Result is not { Canceled: false, Data: DateTime at }) return;
        // A time that has passed puts the post on the queue now (as PATCH does): the same question as publish-now first.
        if (at <= businessTime.GetUtcNow().UtcDateTime && !await ConfirmPublishNowAsync(post)) return;
        Report(await operations.EditAsync(Me, post.Id, new PostEdit(null, null, at), CancellationToken.None), T("Schedule updated."));
    }

    public async Task CancelAsync(Post post)
    {
        if (!await Confirm.AskAsync(dialogs, T("Cancel post"), T("Give up this post? This cannot be undone."), T("Give up"))) return;
        Report(await operations.CancelAsync(Me, post.Id, CancellationToken.None), T("Post given up."));
    }

    private Task<bool> ConfirmPublishNowAsync(Post post) => Confirm.AskAsync(dialogs, T("Post now"),
        TFormat("Publish {0}'s post now?", post.Persona?.Name), T("Publish now"));

    private void Report(OperationResult<Post> result, string success)
    {
        if (result.Succeeded) snackbar.Add(success, Severity.Success);
        else snackbar.Add(result.Error ?? T("Could not do that."), Severity.Warning);
    }
}
