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
        await RescheduleAsync(post, at);
    }

    /// <summary>
    /// "스케줄 수정" to <paramref name="at"/> (the dialog's, a calendar drop's, a move menu's): a time that has passed puts the post on
    /// the queue now, as PATCH does, so it asks the same question as publish-now first; then the same edit (validation, 409, audit).
    /// With <paramref name="undoable"/> the snackbar offers to put it back for a few seconds. Null when the operator said no.
    /// </summary>
    public async Task<OperationResult<Post>?> RescheduleAsync(Post post, DateTime at, bool undoable = false, Func<Task>? changed = null)
    {
        if (at <= businessTime.GetUtcNow().UtcDateTime && !await ConfirmPublishNowAsync(post)) return null;
        var before = post.ScheduledAt;
        var result = await operations.EditAsync(Me, post.Id, new PostEdit(null, null, at), CancellationToken.None);
        if (!result.Succeeded || !undoable)
        {
            Report(result, T("Schedule updated."));
            return result;
        }

        snackbar.Add(T("스케줄을 옮겼습니다.", "Schedule moved."), Severity.Success, config =>
        {
            config.Action = T("실행 취소", "Undo");
            config.ActionColor = Color.Inherit;
            config.VisibleStateDuration = (int)UndoFor.TotalMilliseconds;
            config.OnClick = async _ =>
            {
                var back = await operations.EditAsync(Me, post.Id, new PostEdit(null, null, before), CancellationToken.None);
                Report(back, T("되돌렸습니다.", "Moved back."));
                if (changed is not null) await changed();
            };
        });
        return result;
    }

    /// <summary>How long a move can be undone.</summary>
    public static readonly TimeSpan UndoFor = TimeSpan.FromSeconds(8);

    /// <summary>Moves each post by <paramref name="delta"/> ("선택 이동"), one edit each; returns how many moved.</summary>
    public async Task<int> MoveAllAsync(IReadOnlyList<Post> posts, TimeSpan delta)
    {
        var now = businessTime.GetUtcNow().UtcDateTime;
        if (posts.Any(p => p.ScheduledAt + delta <= now)
            && !await Confirm.AskAsync(dialogs, T("선택 이동", "Move selected"),
                T("옮길 시간이 이미 지난 포스트는 바로 게시됩니다. 계속할까요?", "Posts moved to a time that has passed are published now. Go on?"), T("이동", "Move")))
            return 0;
        var moved = 0;
        foreach (var post in posts)
        {
            if ((await operations.EditAsync(Me, post.Id, new PostEdit(null, null, post.ScheduledAt + delta), CancellationToken.None)).Succeeded) moved++;
        }

        snackbar.Add(IsEnglish ? $"{moved} of {posts.Count} posts moved" : $"{posts.Count}건 중 {moved}건을 옮겼습니다", moved == posts.Count ? Severity.Success : Severity.Warning);
        return moved;
    }

    /// <summary>
    /// The grid's swap: each post takes the other's time, by the same edit as "스케줄 수정". When the second cannot move (claimed
    /// meanwhile, a collision), the first goes back, so no two posts are left sharing a time.
    /// </summary>
    public async Task<bool> SwapTimesAsync(Post a, Post b)
    {
        if (!PostMarks.Movable(b)) return false;
        var first = await operations.EditAsync(Me, a.Id, new PostEdit(null, null, b.ScheduledAt), CancellationToken.None);
        var second = first.Succeeded ? await operations.EditAsync(Me, b.Id, new PostEdit(null, null, a.ScheduledAt), CancellationToken.None) : first;
        if (first.Succeeded && !second.Succeeded) await operations.EditAsync(Me, a.Id, new PostEdit(null, null, a.ScheduledAt), CancellationToken.None);
        Report(second, T("두 포스트의 시간을 바꿨습니다.", "The two posts swapped their times."));
        return second.Succeeded;
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
