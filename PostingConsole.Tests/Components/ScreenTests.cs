using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostingConsole.Components.Pages.Failures;
using PostingConsole.Components.Pages.Personas;
using PostingConsole.Components.Pages.PostDetail;
using PostingConsole.Components.Pages.Progress;
using PostingConsole.Components.Pages.Queue;
using PostingConsole.Components.Shared;
using PostingConsole.Domain;
using PostingConsole.Notifications;
using PostingConsole.Tests.TestInfrastructure;
using PostingConsole.Worker;
using PostingConsole.Operations;

namespace PostingConsole.Tests.Components;

public class QueuePageTests : ConsoleComponentTest
{
    [Fact]
    public async Task Renders_a_card_per_post_with_persona_time_in_seoul_and_status_badge()
    {
        await SeedAsync("지수", at: new DateTime(2026, 11, 24, 3, 0, 0, DateTimeKind.Utc));

        var page = RenderPage<QueuePage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=post-card]").Count.ShouldBe(1));
        page.Markup.ShouldContain("지수");
        page.Markup.ShouldContain("2026-11-24 12:00", customMessage: "03:00 UTC is 12:00 in Seoul");
        page.Find("[data-testid=status-badge]").TextContent.ShouldContain("🕒 대기");
    }

    [Fact]
    public async Task The_queue_opens_on_now_and_the_history_lists_the_past_newest_first()
    {
        var now = Time.GetUtcNow().UtcDateTime;
        var (_, old) = await SeedAsync("지수", PostStatus.Published, at: now.AddHours(-3));
        var (_, stillOpen) = await SeedAsync("민준", PostStatus.Retrying, at: now.AddHours(-5));
        var (_, failed) = await SeedAsync("하준", PostStatus.Failed, at: now.AddHours(-4));
        var (_, recent) = await SeedAsync("서연", PostStatus.Published, at: now.AddMinutes(-30));
        var (_, next) = await SeedAsync("지수", at: now.AddHours(2));

        var page = RenderPage<QueuePage>();

        page.WaitForAssertion(() => Ids(page).ShouldBe([stillOpen.Id, recent.Id, next.Id], "now: the one waiting to retry, the last hour, what comes next"));
        page.Markup.ShouldNotContain($"data-post-id=\"{failed.Id}\"", Case.Sensitive, "a failed post is the failure screen's");
        page.Find($"[data-post-id='{next.Id}'] [data-testid=relative-time]").TextContent.ShouldBe("(2시간 후)");
        page.Find($"[data-post-id='{recent.Id}'] [data-testid=relative-time]").TextContent.ShouldBe("(30분 전)");
        page.Markup.ShouldNotContain($"data-post-id=\"{old.Id}\"");
    }

    [Fact]
    public async Task The_history_toggle_lists_every_post_newest_first()
    {
        var now = Time.GetUtcNow().UtcDateTime;
        var (_, old) = await SeedAsync("지수", PostStatus.Published, at: now.AddHours(-3));
        var (_, stillOpen) = await SeedAsync("민준", PostStatus.Failed, at: now.AddHours(-5));
        var (_, recent) = await SeedAsync("서연", PostStatus.Published, at: now.AddMinutes(-30));
        var (_, next) = await SeedAsync("지수", at: now.AddHours(2));
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/?history=true");

        var history = RenderPage<QueuePage>();

        history.WaitForAssertion(() => Ids(history).ShouldBe([next.Id, recent.Id, old.Id, stillOpen.Id], "history: everything, newest first"));
    }

    [Fact]
    public async Task The_compact_list_shows_a_row_a_post_with_the_same_actions()
    {
        var now = Time.GetUtcNow().UtcDateTime;
        await SeedAsync("지수", PostStatus.Published, at: now.AddMinutes(-10));
        var (_, waiting) = await SeedAsync("민준", at: now.AddHours(3));
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/?list=true");

        var page = RenderPage<QueuePage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=post-row]").Count.ShouldBe(2));
        page.FindAll("[data-testid=post-card]").ShouldBeEmpty();
        var row = page.Find($"[data-testid=post-row][data-post-id='{waiting.Id}']").Closest("tr")!;
        row.TextContent.ShouldContain("민준");
        row.TextContent.ShouldContain("(3시간 후)");
        row.QuerySelector("[data-testid=status-badge]")!.TextContent.ShouldContain("🕒 대기");
        page.FindAll("[data-testid=publish-now]").Count.ShouldBe(2);

        page.Find($"[data-testid=post-row][data-post-id='{waiting.Id}']").Closest("tr")!.QuerySelector("[data-testid=publish-now]")!.Click();
        ConfirmWith("지금 게시");
        await AssertEventually(async () =>
        {
            await using var db = Db();
            (await db.Posts.SingleAsync(p => p.Id == waiting.Id)).NextAttemptAt.ShouldBe(now);
        });
    }

    private static List<int> Ids(IRenderedComponent<QueuePage> rendered) =>
        rendered.FindAll("[data-testid=post-card]").Select(c => int.Parse(c.GetAttribute("data-post-id")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Theory]
    [InlineData(0, "지금", "now")]
    [InlineData(59, "지금", "now")]
    [InlineData(3 * 60, "3분 후", "in 3 min")]
    [InlineData(-3 * 60, "3분 전", "3 min ago")]
    [InlineData(2 * 3600 + 59 * 60, "2시간 후", "in 2 h")]
    [InlineData(-26 * 3600, "1일 전", "1 d ago")]
    public void Relative_times_read_in_the_viewers_language(int seconds, string korean, string english)
    {
        var now = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
        var culture = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("ko");
            PostingConsole.Components.Shared.RelativeTime.Format(now.AddSeconds(seconds), now).ShouldBe(korean);
            System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("en");
            PostingConsole.Components.Shared.RelativeTime.Format(now.AddSeconds(seconds), now).ShouldBe(english);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = culture;
        }
    }

    [Fact]
    public async Task A_post_spaced_out_after_its_time_shows_its_expected_start()
    {
        var at = new DateTime(2026, 11, 24, 3, 0, 0, DateTimeKind.Utc);
        var (_, spaced) = await SeedAsync("지수", at: at);
        await SeedAsync("민준", at: at);
        await using (var db = Db())
        {
            // As the dispatcher leaves it for Posting:MinIntervalPerPersona: due 20 minutes after its time.
            await db.Posts.Where(p => p.Id == spaced.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.NextAttemptAt, at.AddMinutes(20)));
        }

        var page = RenderPage<QueuePage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=post-card]").Count.ShouldBe(2));
        page.FindAll("[data-testid=expected-start]").Single().TextContent.ShouldBe("예상 시작 2026-11-24 12:20");
    }

    [Fact]
    public async Task A_post_scheduled_closer_to_the_personas_previous_one_than_the_interval_is_marked()
    {
        Service<Microsoft.Extensions.Options.IOptions<PostingConsole.Configuration.PostingOptions>>().Value.MinIntervalPerPersona = TimeSpan.FromMinutes(30);
        var at = Time.GetUtcNow().UtcDateTime.AddHours(2);
        var (_, first) = await SeedAsync("지수", at: at);
        var (_, close) = await SeedAsync("지수", at: at.AddMinutes(10));
        var (_, apart) = await SeedAsync("지수", at: at.AddMinutes(60));
        await SeedAsync("민준", at: at.AddMinutes(5));

        var page = RenderPage<QueuePage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=post-card]").Count.ShouldBe(4));
        page.FindAll("[data-testid=too-close]").Count.ShouldBe(1);
        page.Find($"[data-post-id='{close.Id}'] [data-testid=too-close]").ShouldNotBeNull();
    }

    [Fact]
    public async Task The_status_filter_comes_from_the_url()
    {
        await SeedAsync("지수", PostStatus.Published);
        await SeedAsync("민준");
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/?status=Published");

        var page = RenderPage<QueuePage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=post-card]").Count.ShouldBe(1));
        page.Find("[data-testid=post-card]").GetAttribute("data-status").ShouldBe("Published");
        page.Find("[data-testid=queue-total]").TextContent.ShouldContain("1");
    }

    [Fact]
    public async Task Post_now_asks_first_then_makes_the_post_due()
    {
        var (_, post) = await SeedAsync(at: Time.GetUtcNow().UtcDateTime.AddHours(5));
        var page = RenderPage<QueuePage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=publish-now]").Count.ShouldBe(1));

        page.Find("[data-testid=publish-now]").Click();
        ConfirmWith("지금 게시");

        await AssertEventually(async () =>
        {
            await using var db = Db();
            (await db.Posts.SingleAsync(p => p.Id == post.Id)).NextAttemptAt.ShouldBe(Time.GetUtcNow().UtcDateTime);
        });
    }

    [Fact]
    public async Task Cancel_asks_first_and_gives_the_post_up()
    {
        var (_, post) = await SeedAsync();
        var page = RenderPage<QueuePage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=cancel]").Count.ShouldBe(1));

        page.Find("[data-testid=cancel]").Click();
        ConfirmWith("포기");

        await AssertEventually(async () =>
        {
            await using var db = Db();
            (await db.Posts.SingleAsync(p => p.Id == post.Id)).Status.ShouldBe(PostStatus.Cancelled);
        });
    }

    [Fact]
    public async Task A_push_does_not_close_an_open_schedule_dialog()
    {
        var (_, post) = await SeedAsync();
        var page = RenderPage<QueuePage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=edit-schedule]").Count.ShouldBe(1));

        page.Find("[data-testid=edit-schedule]").Click();
        Host.WaitForAssertion(() => Host.FindAll(".mud-dialog").Count.ShouldBe(1));
        var refreshes = page.Instance.RefreshCount;

        Service<EventHub>().Publish(new PostChanged(DateTime.UtcNow, post.Id, post.PersonaId, PostStatus.InProgress, null));
        page.WaitForAssertion(() => page.Instance.RefreshCount.ShouldBe(refreshes + 1));
        Host.FindAll(".mud-dialog").Count.ShouldBe(1, "the dialog stays open through a live refresh");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_past_time_in_the_schedule_dialog_asks_as_publish_now_does_before_it_requeues(bool confirm)
    {
        var now = Time.GetUtcNow().UtcDateTime;
        var (_, post) = await SeedAsync("지수", PostStatus.Failed, at: now.AddHours(-1));
        var page = RenderPage<QueuePage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=edit-schedule]").Count.ShouldBe(1));

        page.Find("[data-testid=edit-schedule]").Click();
        Host.WaitForAssertion(() => Host.FindAll("[data-testid=schedule-save]").Count.ShouldBe(1));
        Host.Find("[data-testid=schedule-save]").Click(); // the post's own time, an hour ago
        Host.WaitForAssertion(() => Host.Markup.ShouldContain("페르소나 '지수'의 포스팅을 지금 바로 게시할까요?"));
        ConfirmWith(confirm ? "지금 게시" : "취소");

        await AssertEventually(async () =>
        {
            await using var db = Db();
            var after = await db.Posts.SingleAsync(p => p.Id == post.Id);
            if (confirm)
            {
                after.Status.ShouldBe(PostStatus.Scheduled);
                after.NextAttemptAt.ShouldBe(now, "due from now, not from the hour-old time");
            }
            else
            {
                after.Status.ShouldBe(PostStatus.Failed, "declined: nothing changed");
            }
        });
    }

    [Fact]
    public async Task A_published_event_changes_the_card_without_reload()
    {
        var (_, post) = await SeedAsync();
        var page = RenderPage<QueuePage>();
        page.WaitForAssertion(() => page.Find("[data-testid=post-card]").GetAttribute("data-status").ShouldBe("Scheduled"));

        await using (var db = Db())
        {
            var tracked = await db.Posts.SingleAsync(p => p.Id == post.Id);
            tracked.Claim("t", 1, Time.GetUtcNow().UtcDateTime, Time.GetUtcNow().UtcDateTime);
            tracked.MarkPublished("42", null, Time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        }

        Service<EventHub>().Publish(new PostChanged(DateTime.UtcNow, post.Id, post.PersonaId, PostStatus.Published, null));
        page.WaitForAssertion(() => page.Find("[data-testid=post-card]").GetAttribute("data-status").ShouldBe("Published"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_post_that_moves_re_renders_its_own_card_or_row_and_not_the_others_or_the_filters(bool list)
    {
        var now = Time.GetUtcNow().UtcDateTime;
        var (_, moving) = await SeedAsync("지수", at: now); // due, so it can be claimed
        var (_, still) = await SeedAsync("민준", at: now.AddMinutes(10.5)); // "10분 후" before and after the refresh
        if (list) Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/?list=true");
        var page = RenderPage<QueuePage>();
        IReadOnlyList<QueueItem> Shown() => list
            ? page.FindComponents<QueueRow>().Select(c => (QueueItem)c.Instance).ToList()
            : page.FindComponents<QueueCard>().Select(c => (QueueItem)c.Instance).ToList();
        page.WaitForAssertion(() => Shown().Count.ShouldBe(2));
        var (movingItem, stillItem) = (Shown().Single(i => i.Post.Id == moving.Id), Shown().Single(i => i.Post.Id == still.Id));
        var (movingRenders, stillRenders) = (movingItem.Renders, stillItem.Renders);
        var filterRenders = page.FindComponent<QueueFilters>().Instance.Renders;

        await using (var db = Db())
        {
            (await db.Posts.SingleAsync(p => p.Id == moving.Id)).Claim("t", 1, now, now);
            await db.SaveChangesAsync();
        }

        Service<EventHub>().Publish(new PostChanged(DateTime.UtcNow, moving.Id, moving.PersonaId, PostStatus.InProgress, null));
        page.WaitForAssertion(() => page.Find($"[data-post-id='{moving.Id}']").GetAttribute("data-status").ShouldBe("InProgress"));

        Shown().Single(i => i.Post.Id == still.Id).ShouldBeSameAs(stillItem, "the unchanged post keeps its card or row (not rebuilt)");
        stillItem.Renders.ShouldBe(stillRenders, "a card or row whose post did not change is not rendered again");
        var moved = Shown().Single(i => i.Post.Id == moving.Id);
        (moved == movingItem ? moved.Renders - movingRenders : moved.Renders).ShouldBe(1, "the one whose post moved is rendered once to show it");
        page.FindComponent<QueueFilters>().Instance.Renders.ShouldBe(filterRenders, "the filters did not change");
    }

}

public class ProgressPageTests : ConsoleComponentTest
{
    [Fact]
    public async Task Open_throttle_circuits_show_as_banners_with_their_reopening_in_operator_time()
    {
        var (persona, _) = await SeedAsync("지수");
        var page = RenderPage<ProgressPage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=daily-row]").Count.ShouldBe(7));
        page.FindAll("[data-testid=meta-limit]").ShouldBeEmpty("no circuit, no banner");
        page.FindAll("[data-testid=meta-limit-accounts]").ShouldBeEmpty();

        var now = Time.GetUtcNow().UtcDateTime; // 12:00 in Seoul
        await using (var db = Db())
        {
            (await db.DispatcherState.SingleAsync()).AppThrottledUntil = now.AddMinutes(30);
            (await db.Personas.SingleAsync(p => p.Id == persona.Id)).OpenCircuit(now.AddMinutes(10), now);
            await db.SaveChangesAsync();
        }

        Time.Advance(LiveComponentBase.MinRefreshInterval);
        Service<EventHub>().Publish(new PersonaChanged(now, persona.Id, PersonaStatus.Active));
        page.WaitForAssertion(() => page.Find("[data-testid=meta-limit]").TextContent.ShouldContain("Meta 호출 제한 — 12:30까지 대기"));
        page.Find("[data-testid=meta-limit-accounts]").TextContent.ShouldContain("'지수' 12:10까지");
    }

    [Fact]
    public async Task The_last_seven_days_show_what_was_published_and_failed_and_the_success_rate()
    {
        await SeedAsync("지수", PostStatus.Published);
        await SeedAsync("민준", PostStatus.Failed);

        var page = RenderPage<ProgressPage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=daily-row]").Count.ShouldBe(7));
        var today = page.Find("[data-testid=daily-row][data-date='2026-11-24']");
        today.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ShouldBe(["2026-11-24", "1", "1", (0.5).ToString("P0")]);
        page.Find("[data-testid=daily-row][data-date='2026-11-23']").QuerySelectorAll("td")[^1].TextContent.ShouldBe("—");
    }

    [Fact]
    public async Task The_charts_show_thirty_days_today_by_the_hour_and_the_failure_reasons()
    {
        await SeedAsync("지수", PostStatus.Published);
        await SeedAsync("서연", PostStatus.Published);
        await SeedAsync("민준", PostStatus.Failed);

        var page = RenderPage<ProgressPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=success-rate-30]").TextContent.ShouldContain("66.7%"));
        var daily = page.Find("[data-testid=chart-daily]");
        daily.TextContent.ShouldContain("성공 2");
        daily.TextContent.ShouldContain("실패 1");
        daily.QuerySelectorAll("svg").Length.ShouldBeGreaterThan(0);
        daily.TextContent.ShouldContain("11-24", customMessage: "the last day is labelled");
        // Published at 03:00 UTC = 12:00 in Seoul: the hourly chart's noon bar, the only one.
        var charts = page.FindComponents<ProgressCharts>().Single().Instance;
        charts.Hours.Select((count, hour) => (count, hour)).Where(x => x.count > 0).ShouldBe([(2, 12)]);
        page.Find("[data-testid=chart-reasons]").TextContent.ShouldContain(Texts.Reason(FailureReason.Transient, System.Globalization.CultureInfo.GetCultureInfo("ko")));
    }

    [Fact]
    public void Without_failures_the_reasons_chart_says_so()
    {
        var days = Enumerable.Range(0, 30).Select(i => new DailyStats(new DateOnly(2026, 11, 1).AddDays(i), 3, 0, 1, new Dictionary<FailureReason, int>(), new Dictionary<MediaType, MediaTypeStats>())).ToList();

        var charts = Context.Render<ProgressCharts>(p => p.Add(c => c.Days, days).Add(c => c.Hours, new int[24]));

        charts.Find("[data-testid=chart-reasons]").TextContent.ShouldContain("실패 없음");
        charts.Find("[data-testid=success-rate-30]").TextContent.ShouldContain("100.0%");
        charts.Find("[data-testid=chart-daily]").TextContent.ShouldContain("11-30");
    }

    [Fact]
    public async Task Shows_todays_progress_the_log_and_appends_streamed_lines()
    {
        await SeedAsync("지수", PostStatus.Published);
        await SeedAsync("민준", PostStatus.Failed);
        await using (var db = Db())
        {
            db.ActivityLog.Add(new ActivityLogEntry { At = Time.GetUtcNow().UtcDateTime, Level = ActivityLevel.Info, Message = "페르소나 '지수' 포스팅 시작..." });
            await db.SaveChangesAsync();
        }

        var page = RenderPage<ProgressPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=progress-text]").TextContent.ShouldBe("성공 1 / 전체 2"));
        page.Find("[data-testid=error-badge]").TextContent.ShouldContain("1");
        page.Find("[data-testid=log-line]").TextContent.ShouldBe("[12:00:00] 페르소나 '지수' 포스팅 시작...");

        Service<EventHub>().Publish(new ActivityLogged(new DateTime(2026, 11, 24, 3, 0, 15, DateTimeKind.Utc), 999, ActivityLevel.Success, "✅ 성공! 포스트 ID: 123456", null, null));
        page.WaitForAssertion(() => page.FindAll("[data-testid=log-line]")[^1].TextContent.ShouldBe("[12:00:15] ✅ 성공! 포스트 ID: 123456"));
    }

    [Theory]
    [InlineData("en", "ko", "[12:00:00] ⏳ Persona '지수': Meta call limit — waiting until 12:30:00", "[12:00:15] ✅ Published! Post ID: 123456", "Live log")]
    [InlineData("ko", "en", "[12:00:00] ⏳ 페르소나 '지수' Meta 호출 제한 — 12:30:00까지 대기", "[12:00:15] ✅ 성공! 포스트 ID: 123456", "실시간 로그")]
    public async Task The_log_is_worded_in_the_viewers_language_with_times_in_the_operators_zone(string language, string publisherLanguage, string stored,
        string streamed, string heading)
    {
        var waiting = Notice.WaitingForMeta("지수", new DateTime(2026, 11, 24, 3, 30, 0, DateTimeKind.Utc));
        await using (var db = Db())
        {
            db.ActivityLog.Add(new ActivityLogEntry
            {
                At = Time.GetUtcNow().UtcDateTime, Level = ActivityLevel.Warning, Message = waiting.Korean(), Code = waiting.Code, Args = waiting.ArgsJson(),
            });
            await db.SaveChangesAsync();
        }

        var culture = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo(language);
            var page = RenderPage<ProgressPage>();
            // Stored as a code and its arguments: worded for this viewer, the time in the operator's zone (Asia/Seoul).
            page.WaitForAssertion(() => page.Find("[data-testid=log-line]").TextContent.ShouldBe(stored));
            // Published from another thread in another language (the dispatcher, an operator who reads the other language).
            var published = Notice.Published("123456");
            await Task.Run(() =>
            {
                System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo(publisherLanguage);
                System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo(publisherLanguage);
                Service<EventHub>().Publish(new ActivityLogged(new DateTime(2026, 11, 24, 3, 0, 15, DateTimeKind.Utc), 999, ActivityLevel.Success,
                    published.Korean(), null, null, published));
            });
            page.WaitForAssertion(() => page.FindAll("[data-testid=log-line]")[^1].TextContent.ShouldBe(streamed));
            page.WaitForAssertion(() => page.Instance.RefreshCount.ShouldBeGreaterThan(0));
            page.Markup.ShouldContain(heading, customMessage: "the refresh the event caused rendered in the viewer's language");
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = culture;
        }
    }

    [Fact]
    public async Task Stop_asks_first_then_stops_dispatch_and_resume_starts_it()
    {
        var page = RenderPage<ProgressPage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=stop]").Count.ShouldBe(1));

        page.Find("[data-testid=stop]").Click();
        ConfirmWith("중단");

        page.WaitForAssertion(() => page.FindAll("[data-testid=start]").Count.ShouldBe(1));
        (await Service<DispatchControl>().GetAsync(CancellationToken.None)).Running.ShouldBeFalse();

        page.Find("[data-testid=start]").Click();
        page.WaitForAssertion(() => page.FindAll("[data-testid=stop]").Count.ShouldBe(1));
        (await Service<DispatchControl>().GetAsync(CancellationToken.None)).Running.ShouldBeTrue();
    }
}

public class PostDetailPageTests : ConsoleComponentTest
{
    [Fact]
    public async Task Shows_image_caption_persona_result_and_attempts_and_retry_requeues()
    {
        var (_, post) = await SeedAsync("지수", PostStatus.Failed);
        await using (var db = Db())
        {
            db.PostAttempts.Add(new PostAttempt { PostId = post.Id, At = Time.GetUtcNow().UtcDateTime, Step = "create_container", HttpStatus = 500, Code = 2, Message = "HTTP 500 code 2: unexpected", FbtraceId = "AARJAGNjss", DurationMs = 40 });
            await db.SaveChangesAsync();
        }

        var page = RenderPage<PostDetailPage>(p => p.Add(x => x.Id, post.Id));

        page.WaitForAssertion(() => page.Find("[data-testid=final-caption]").TextContent.ShouldBe("지수의 포스팅\n\n#데일리"));
        page.Find("[data-testid=persona-name]").TextContent.ShouldBe("지수");
        page.Find("[data-testid=post-image]").GetAttribute("src").ShouldStartWith("/media/demo/a.jpg?t=", Case.Sensitive);
        page.Find("[data-testid=failure-reason]").TextContent.ShouldContain("API 오류");
        page.Find("[data-testid=attempts]").TextContent.ShouldContain("AARJAGNjss");
        page.Find("[data-testid=attempts]").TextContent.ShouldContain("2");

        page.Find("[data-testid=retry]").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=status-badge]").TextContent.ShouldContain("대기"));
    }

    [Fact]
    public async Task A_published_post_links_to_instagram()
    {
        var (_, post) = await SeedAsync("지수", PostStatus.Published);
        await using (var db = Db())
        {
            var tracked = await db.Posts.SingleAsync(p => p.Id == post.Id);
            tracked.RecordPermalink("https://www.instagram.com/p/abc/", Time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        }

        var page = RenderPage<PostDetailPage>(p => p.Add(x => x.Id, post.Id));
        page.WaitForAssertion(() => page.Find("[data-testid=instagram-link]").GetAttribute("href").ShouldBe("https://www.instagram.com/p/abc/"));
    }
}

public class FailuresPageTests : ConsoleComponentTest
{
    [Fact]
    public async Task Groups_failures_by_reason_and_retries_the_selected_ones_keeping_selection_across_pushes()
    {
        var (_, failed) = await SeedAsync("지수", PostStatus.Failed);
        await SeedAsync("민준", PostStatus.Retrying);
        await SeedAsync("서연", PostStatus.Published);

        var page = RenderPage<FailuresPage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=row-reason]").Count.ShouldBe(2));
        var groups = page.FindAll("[data-testid=reason-group]").Select(g => g.TextContent).ToList();
        groups.ShouldContain(g => g.Contains("API 오류") && g.Contains('1'));
        groups.ShouldContain(g => g.Contains("Rate Limit") && g.Contains('1'));

        page.FindAll("tbody input[type=checkbox]")[0].Change(true);
        page.WaitForAssertion(() => page.Find("[data-testid=selected-count]").TextContent.ShouldBe("선택 1개"));
        // A live push re-queries the rows (the refresh is seen to happen); the selection stays.
        var refreshes = page.Instance.RefreshCount;
        Time.Advance(LiveComponentBase.MinRefreshInterval);
        Service<EventHub>().Publish(new PostChanged(DateTime.UtcNow, 999, 1, PostStatus.Failed, FailureReason.Transient));
        page.WaitForAssertion(() => page.Instance.RefreshCount.ShouldBe(refreshes + 1));
        page.Find("[data-testid=selected-count]").TextContent.ShouldBe("선택 1개");

        page.Find("[data-testid=retry-selected]").Click();
        page.WaitForAssertion(() => page.FindAll("[data-testid=row-reason]").Count.ShouldBe(1));
        await using var db = Db();
        (await db.Posts.CountAsync(p => p.Status == PostStatus.Scheduled)).ShouldBe(1);
    }

    [Fact]
    public async Task Posts_held_by_their_account_are_pointed_to_the_personas_board_and_retry_all_leaves_them_held()
    {
        await SeedAsync("지수", PostStatus.Failed);
        var (_, held) = await SeedAsync("서연");
        await using (var db = Db())
        {
            (await db.Posts.SingleAsync(p => p.Id == held.Id)).Hold(FailureReason.AccountSuspended, "25/2207050", Time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        }

        var page = RenderPage<FailuresPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=held-by-account]").TextContent.ShouldContain("계정 정지 1"));
        page.Find("[data-testid=held-by-account] a").GetAttribute("href").ShouldBe("/personas");
        page.FindAll("[data-testid=row-reason]").Count.ShouldBe(1, "the list holds what a retry can fix");

        page.Find("[data-testid=retry-all]").Click();
        ConfirmWith("재시도");

        page.WaitForAssertion(() => page.FindAll("[data-testid=no-failures]").Count.ShouldBe(1));
        await using var check = Db();
        (await check.Posts.SingleAsync(p => p.Id == held.Id)).Status.ShouldBe(PostStatus.Held, "retrying cannot help while the account is suspended");
    }

    [Fact]
    public async Task A_post_held_because_it_missed_its_time_is_listed_with_its_reason_and_can_be_sent_now()
    {
        var (_, missed) = await SeedAsync("지수");
        await using (var db = Db())
        {
            (await db.Posts.SingleAsync(p => p.Id == missed.Id)).HoldAsMissed(TimeSpan.FromHours(1), Time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        }

        var page = RenderPage<FailuresPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=row-reason]").TextContent.ShouldBe("예약 시간 놓침"));
        page.FindAll("[data-testid=held-by-account]").ShouldBeEmpty("its account is fine");
        page.FindAll("[data-testid=reason-group]").Single().TextContent.ShouldContain("예약 시간 놓침");

        page.Find("[data-testid=retry-one]").Click();
        page.WaitForAssertion(() => page.FindAll("[data-testid=no-failures]").Count.ShouldBe(1));
        await using var check = Db();
        (await check.Posts.SingleAsync(p => p.Id == missed.Id)).Status.ShouldBe(PostStatus.Scheduled, "sent back to the queue, due now");
    }

    [Fact]
    public async Task Retry_all_retries_what_the_list_shows_missed_posts_included()
    {
        await SeedAsync("지수", PostStatus.Failed);
        var (_, missed) = await SeedAsync("민준");
        await using (var db = Db())
        {
            (await db.Posts.SingleAsync(p => p.Id == missed.Id)).HoldAsMissed(TimeSpan.FromHours(1), Time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        }

        var page = RenderPage<FailuresPage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=row-reason]").Count.ShouldBe(2));
        page.Find("[data-testid=retry-all]").Click();
        ConfirmWith("재시도");

        page.WaitForAssertion(() => page.FindAll("[data-testid=no-failures]").Count.ShouldBe(1));
        await using var check = Db();
        (await check.Posts.CountAsync(p => p.Status == PostStatus.Scheduled)).ShouldBe(2);
    }

    [Fact]
    public async Task Retry_all_asks_first_and_retries_what_the_reason_filter_shows()
    {
        await SeedAsync("지수", PostStatus.Failed);
        var (_, throttled) = await SeedAsync("민준", PostStatus.Retrying);
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/failures?reason=Transient");
        var page = RenderPage<FailuresPage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=row-reason]").Count.ShouldBe(1));

        page.Find("[data-testid=retry-all]").Click();
        ConfirmWith("재시도");

        page.WaitForAssertion(() => page.FindAll("[data-testid=no-failures]").Count.ShouldBe(1));
        await using var db = Db();
        (await db.Posts.CountAsync(p => p.Status == PostStatus.Scheduled)).ShouldBe(1);
        (await db.Posts.SingleAsync(p => p.Id == throttled.Id)).Status.ShouldBe(PostStatus.Retrying, "outside the filter, untouched");
    }

    [Fact]
    public async Task Give_up_asks_first_and_cancels()
    {
        var (_, post) = await SeedAsync("지수", PostStatus.Failed);
        var page = RenderPage<FailuresPage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=give-up]").Count.ShouldBe(1));

        page.Find("[data-testid=give-up]").Click();
        ConfirmWith("포기");

        page.WaitForAssertion(() => page.FindAll("[data-testid=no-failures]").Count.ShouldBe(1));
        await using var db = Db();
        (await db.Posts.SingleAsync(p => p.Id == post.Id)).Status.ShouldBe(PostStatus.Cancelled);
    }
}

public class PersonasPageTests : ConsoleComponentTest
{
    [Fact]
    public async Task An_account_behind_its_throttle_circuit_shows_when_it_reopens()
    {
        var (throttled, _) = await SeedAsync("지수");
        await SeedAsync("민준");
        var now = Time.GetUtcNow().UtcDateTime;
        await using (var db = Db())
        {
            (await db.Personas.SingleAsync(p => p.Id == throttled.Id)).OpenCircuit(now.AddMinutes(45), now);
            await db.SaveChangesAsync();
        }

        var page = RenderPage<PersonasPage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=call-limit]").Count.ShouldBe(2));
        var cells = page.FindAll("[data-testid=persona-row]").Zip(page.FindAll("[data-testid=call-limit]"))
            .ToDictionary(r => r.First.GetAttribute("data-persona-id")!, r => r.Second.TextContent.Trim());
        cells[throttled.Id.ToString()].ShouldBe("12:45까지 대기");
        cells.Values.ShouldContain("—");
    }

    [Fact]
    public async Task A_push_renders_again_only_the_row_of_the_persona_that_changed()
    {
        var (changing, _) = await SeedAsync("지수");
        var (still, _) = await SeedAsync("민준");
        var page = RenderPage<PersonasPage>();
        PersonaRow Row(int id) => page.FindComponents<PersonaRow>().Single(r => r.Instance.Overview.Persona.Id == id).Instance;
        page.WaitForAssertion(() => page.FindComponents<PersonaRow>().Count.ShouldBe(2));
        var (changingRow, stillRow) = (Row(changing.Id), Row(still.Id));
        var (changingRenders, stillRenders) = (changingRow.Renders, stillRow.Renders);

        await using (var db = Db())
        {
            (await db.Personas.SingleAsync(p => p.Id == changing.Id)).Pause("테스트", Time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        }

        Service<EventHub>().Publish(new PersonaChanged(DateTime.UtcNow, changing.Id, PersonaStatus.Paused));
        page.WaitForAssertion(() => page.FindAll("[data-testid=persona-status]").Select(e => e.TextContent).ShouldContain("일시 중단"));

        Row(still.Id).ShouldBeSameAs(stillRow, "the unchanged persona keeps its row (not rebuilt)");
        stillRow.Renders.ShouldBe(stillRenders, "a row whose persona did not change is not rendered again");
        Row(changing.Id).ShouldBeSameAs(changingRow, "the changed persona keeps its row too: only what it shows is sent");
        (changingRow.Renders - changingRenders).ShouldBe(1, "the changed row is rendered once to show it");
    }

    [Fact]
    public async Task Lists_accounts_and_pause_asks_first_then_holds_and_a_push_updates_the_row()
    {
        var (persona, post) = await SeedAsync("지수");
        var page = RenderPage<PersonasPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=persona-status]").TextContent.ShouldBe("정상"));
        page.Markup.ShouldContain("••••abcd");
        page.Markup.ShouldContain("0 / 10");

        page.Find("[data-testid=pause]").Click();
        ConfirmWith("일시 중단");

        page.WaitForAssertion(() => page.Find("[data-testid=persona-status]").TextContent.ShouldBe("일시 중단"));
        await using (var db = Db())
        {
            (await db.Posts.SingleAsync(p => p.Id == post.Id)).Status.ShouldBe(PostStatus.Held);
        }

        // A change made elsewhere (the API) reaches the open screen.
        await Service<PostingConsole.Operations.PersonaOperations>().ResumeAsync(TestActors.Admin, persona.Id, CancellationToken.None);
        Time.Advance(LiveComponentBase.MinRefreshInterval); // the pause's own push refreshed the screen a moment ago
        page.WaitForAssertion(() => page.Find("[data-testid=persona-status]").TextContent.ShouldBe("정상"));
    }
}

public class PersonaReauthTests : ConsoleComponentTest
{
    [Fact]
    public async Task Reauthorize_takes_a_pasted_token_confirms_and_releases_held_posts()
    {
        var (persona, post) = await SeedAsync("지수");
        await using (var db = Db())
        {
            (await db.Personas.SingleAsync(p => p.Id == persona.Id)).MarkNeedsReauth("190/463", Time.GetUtcNow().UtcDateTime);
            (await db.Posts.SingleAsync(p => p.Id == post.Id)).Hold(FailureReason.AuthExpired, "190", Time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        }

        var page = RenderPage<PersonasPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=persona-status]").TextContent.ShouldBe("재인증 필요"));

        page.Find("[data-testid=reauth]").Click();
        Host.WaitForAssertion(() => Host.FindAll("[data-testid=reauth-token] input, input[type=password]").Count.ShouldBeGreaterThan(0));
        Host.Find("input[type=password]").Input("EAA-new-pasted-token-WXYZ");
        Host.Find("[data-testid=reauth-save]").Click();
        ConfirmWith("교체");

        page.WaitForAssertion(() => page.Find("[data-testid=persona-status]").TextContent.ShouldBe("정상"));
        page.Markup.ShouldContain("••••WXYZ");
        page.Markup.ShouldNotContain("EAA-new-pasted-token");
        await using var check = Db();
        (await check.Posts.SingleAsync(p => p.Id == post.Id)).Status.ShouldBe(PostStatus.Scheduled);
    }

    [Fact]
    public async Task Each_persona_shows_its_rhythm_of_the_last_week()
    {
        var now = Time.GetUtcNow().UtcDateTime;
        var (persona, _) = await SeedAsync("지수", PostStatus.Published);
        await SeedAsync("민준");
        await using (var db = Db())
        {
            // Published 12 h, 8 h and (the seeded one) now: gaps 4 h and 8 h, median 6 h; 3 posts in 7 days.
            foreach (var hoursAgo in new[] { 12, 8 })
            {
                var post = Post.Create(persona.Id, null, "demo/demo-01.jpg", $"리듬 {hoursAgo}", null, now.AddHours(-hoursAgo), null, now.AddHours(-hoursAgo));
                db.Posts.Add(post);
                await db.SaveChangesAsync();
                await db.Posts.Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.Status, PostStatus.Published).SetProperty(p => p.PublishedAt, now.AddHours(-hoursAgo)));
            }

            await db.Posts.Where(p => p.PersonaId == persona.Id && p.Caption.StartsWith("리듬") == false)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.PublishedAt, now));
        }

        var page = RenderPage<PersonasPage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=rhythm]").Count.ShouldBe(2));
        var rows = page.FindAll("tbody tr");
        rows.Single(r => r.TextContent.Contains("지수")).QuerySelector("[data-testid=rhythm]")!.TextContent.ShouldBe("하루 0.4건 · 간격 6시간 0분");
        rows.Single(r => r.TextContent.Contains("민준")).QuerySelector("[data-testid=rhythm]")!.TextContent.ShouldBe("—");
    }

    [Fact]
    public async Task An_admin_sets_a_personas_posting_hours_a_bad_time_is_refused_in_the_dialog_and_the_row_shows_them()
    {
        var (persona, _) = await SeedAsync("지수");
        var page = RenderPage<PersonasPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=posting-window]").TextContent.ShouldBe("—"));

        page.Find("[data-testid=edit-window]").Click();
        Host.WaitForAssertion(() => Host.FindAll("[data-testid=window-dialog]").Count.ShouldBeGreaterThan(0));
        var inputs = Host.FindAll(".mud-dialog input");
        inputs[0].Input("8시");
        inputs[1].Input("23:00");
        Host.WaitForAssertion(() => Host.Find("[data-testid=window-problem]").TextContent.ShouldContain("시작"));
        Host.Find("[data-testid=window-save]").HasAttribute("disabled").ShouldBeTrue();

        Host.FindAll(".mud-dialog input")[0].Input("08:00");
        Host.WaitForAssertion(() => Host.FindAll("[data-testid=window-problem]").ShouldBeEmpty());
        Host.Find("[data-testid=window-save]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=posting-window]").TextContent.ShouldBe("08:00–23:00"));
        await using var check = Db();
        var stored = await check.Personas.SingleAsync(p => p.Id == persona.Id);
        (stored.WindowFrom, stored.WindowTo).ShouldBe((new TimeOnly(8, 0), new TimeOnly(23, 0)));
        (await check.AuditLog.CountAsync(a => a.Action == AuditActions.PersonaWindow)).ShouldBe(1);
    }
}

/// <summary>The leak path: after disposal no handler runs and no subscription is left, for every live screen.</summary>
public class LiveScreenDisposalTests : ConsoleComponentTest
{
    [Theory]
    [InlineData(typeof(QueuePage))]
    [InlineData(typeof(ProgressPage))]
    [InlineData(typeof(FailuresPage))]
    [InlineData(typeof(PersonasPage))]
    [InlineData(typeof(PostDetailPage))]
    public async Task After_disposal_no_handler_runs_and_no_subscription_is_left(Type pageType)
    {
        var (_, post) = await SeedAsync();
        var hub = Service<EventHub>();
        var before = hub.SubscriberCount;

        var page = Context.Render<DynamicComponent>(p => p
            .Add(x => x.Type, pageType)
            .Add(x => x.Parameters, pageType == typeof(PostDetailPage) ? new Dictionary<string, object> { ["Id"] = post.Id } : null));
        var live = (LiveComponentBase)page.FindComponents<ComponentBase>().Select(c => c.Instance).First(i => i is LiveComponentBase);
        hub.SubscriberCount.ShouldBe(before + 1);

        hub.Publish(new PostChanged(DateTime.UtcNow, post.Id, post.PersonaId, PostStatus.Published, null));
        hub.Publish(new PersonaChanged(DateTime.UtcNow, post.PersonaId, PersonaStatus.Active));
        page.WaitForAssertion(() => live.RefreshCount.ShouldBe(1));

        // While it lives, a push once the throttle's interval has passed refreshes it at once: the control for what follows.
        Time.Advance(LiveComponentBase.MinRefreshInterval);
        hub.Publish(new PostChanged(DateTime.UtcNow, post.Id, post.PersonaId, PostStatus.Published, null));
        page.WaitForAssertion(() => live.RefreshCount.ShouldBe(2));

        await Context.DisposeComponentsAsync();
        hub.SubscriberCount.ShouldBe(before);
        Time.Advance(LiveComponentBase.MinRefreshInterval);
        hub.Publish(new PostChanged(DateTime.UtcNow, post.Id, post.PersonaId, PostStatus.Published, null));
        // A live component would have refreshed within this window (shown just above); a disposed one must not.
        await Task.Delay(400);
        live.RefreshCount.ShouldBe(2);
    }

    [Fact]
    public async Task A_burst_of_events_is_coalesced_to_one_render_per_refresh_window()
    {
        await SeedAsync();
        var page = Context.Render<QueuePage>();
        var hub = Service<EventHub>();

        // 40 events over one second of (fake) time.
        for (var i = 0; i < 40; i++)
        {
            hub.Publish(new PostChanged(DateTime.UtcNow, i, 1, PostStatus.InProgress, null));
            Time.Advance(TimeSpan.FromMilliseconds(25));
        }

        // Refreshes at 0, 100, 200 … 1000 ms: never more than one per window (the queue's, 100 ms).
        var windows = (int)(TimeSpan.FromSeconds(1) / QueuePage.QueueRefreshInterval) + 1;
        windows.ShouldBe(11);
        page.WaitForAssertion(() => page.Instance.RefreshCount.ShouldBe(windows));
        Time.Advance(TimeSpan.FromSeconds(5));
        page.Instance.RefreshCount.ShouldBe(windows);
    }
}

public class AdminScreenTests : ConsoleComponentTest
{
    [Fact]
    public async Task Issuing_a_key_shows_it_once_and_lists_only_its_prefix_and_revoking_asks_first()
    {
        var page = RenderPage<PostingConsole.Components.Pages.Admin.ApiKeysPage>();
        page.Find("input[data-testid=new-key-name], [data-testid=new-key-name] input").Input("005-approval");
        page.Find("[data-testid=issue-key]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=new-key-secret]").TextContent.ShouldContain("pc_"));
        var secret = page.Find("[data-testid=new-key-secret] code").TextContent;
        page.FindAll("[data-testid=key-row]").Count.ShouldBe(1);
        page.Find("[data-testid=keys-table]").TextContent.ShouldNotContain(secret);

        page.Find("[data-testid=revoke-key]").Click();
        ConfirmWith("폐기");
        page.WaitForAssertion(() => page.FindAll("[data-testid=revoke-key]").Count.ShouldBe(0));
        await using var db = Db();
        (await db.ApiKeys.SingleAsync()).RevokedAt.ShouldNotBeNull();
        (await db.AuditLog.Select(a => a.Actor).Distinct().ToListAsync()).ShouldBe(["test-admin"]);
    }

    [Fact]
    public async Task Adding_a_user_shows_a_generated_password_once_and_is_audited()
    {
        await Service<PostingConsole.Operations.UserAccounts>().EnsureRolesAsync();
        var page = RenderPage<PostingConsole.Components.Pages.Admin.UsersPage>();
        page.Find("input[data-testid=new-user-name], [data-testid=new-user-name] input").Input("minjun");
        page.Find("[data-testid=create-user]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=new-user-password] code").TextContent.Length.ShouldBe(16));
        page.FindAll("[data-testid=user-row]").Select(r => r.TextContent).ShouldBe(["minjun"]);
        await using var db = Db();
        (await db.AuditLog.SingleAsync()).Action.ShouldBe(AuditActions.UserCreate);
    }

    [Fact]
    public async Task A_viewer_sees_no_persona_actions()
    {
        SignInAs(PostingConsole.Domain.Roles.Viewer);
        await SeedAsync("지수");
        var page = RenderPage<PersonasPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=persona-status]").TextContent.ShouldBe("정상"));
        page.FindAll("[data-testid=pause]").ShouldBeEmpty();
        page.FindAll("[data-testid=reauth]").ShouldBeEmpty();
    }

    [Fact]
    public async Task An_operator_sees_queue_actions_but_not_persona_actions()
    {
        SignInAs(PostingConsole.Domain.Roles.Operator);
        await SeedAsync("지수");
        var queue = RenderPage<QueuePage>();
        queue.WaitForAssertion(() => queue.FindAll("[data-testid=publish-now]").Count.ShouldBe(1));

        var personas = Context.Render<PersonasPage>();
        personas.WaitForAssertion(() => personas.Find("[data-testid=persona-status]").TextContent.ShouldBe("정상"));
        personas.FindAll("[data-testid=pause]").ShouldBeEmpty();
    }
}

public class AlertBellTests : ConsoleComponentTest
{
    [Fact]
    public async Task Clicking_the_bell_opens_the_alerts_and_marks_them_read_for_this_user()
    {
        await using (var db = Db())
        {
            db.Alerts.Add(new Alert { At = Time.GetUtcNow().UtcDateTime, Kind = AlertKind.PostFailed, IncidentKey = "post:1:failed", Message = "페르소나 '지수' 포스트 #1: 게시 실패" });
            await db.SaveChangesAsync();
        }

        var bell = RenderPage<PostingConsole.Components.Layout.AlertBell>();
        bell.WaitForAssertion(() => bell.Find("[data-testid=alert-badge]").TextContent.ShouldContain("1"));

        bell.Find("[data-testid=alert-bell] button").Click();

        Host.WaitForAssertion(() => Host.FindAll("[data-testid=alert-item]").ShouldHaveSingleItem().TextContent.ShouldContain("게시 실패"));
        await AssertEventually(async () =>
        {
            await using var db = Db();
            (await db.AlertReadMarks.SingleAsync()).ReadThroughId.ShouldBe(1);
        });
    }
}
