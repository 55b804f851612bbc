using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostingConsole.Api;
using PostingConsole.Domain;
using PostingConsole.Insights;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Insights;

/// <summary>
/// Insights after publishing against the Sandbox, on fake time (issue 26): each post read once at 24 h and at 72 h, the media of
/// one account in one call; a read missed while the console was down happens late, once; a due post goes first; "not enough
/// viewers" and a deleted media end a post's reads; the reads reach 010-analytics (<c>post.insights</c>) and the API.
/// </summary>
public sealed class InsightsReaderTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private InsightsReader Reader => app.GetService<InsightsReader>();

    /// <summary>One pass; its calls that read posts (an account's daily read carries its newest media too).</summary>
    private async Task<(int PostCalls, InsightsPassResult Pass)> PassAsync(InsightsReader? reader = null)
    {
        var pass = (await (reader ?? Reader).RunAsync(CancellationToken.None))!;
        return (pass.AccountReads + pass.BatchReads + pass.SingleReads, pass);
    }

    /// <summary>Puts <paramref name="count"/> posts of the persona on the queue now and publishes them.</summary>
    private async Task<List<Post>> PublishAsync(Persona persona, int count)
    {
        var posts = new List<Post>();
        for (var i = 0; i < count; i++) posts.Add(await app.AddPostAsync(persona));
        while (await app.RunOnceAsync() > 0)
        {
        }

        var published = new List<Post>();
        foreach (var post in posts) published.Add(await app.ReadPostAsync(post.Id));
        published.ShouldAllBe(p => p.Status == PostStatus.Published && p.MediaId != null);
        return published;
    }

    private async Task<List<PostInsight>> ReadsAsync(int postId)
    {
        await using var db = app.CreateDbContext();
        return await db.PostInsights.AsNoTracking().Where(i => i.PostId == postId).OrderBy(i => i.ReadAt).ToListAsync();
    }

    /// <summary>Reads every persona's audience first, so the passes below count post reads only.</summary>
    private async Task AudiencesReadAsync() => await Reader.RunAsync(CancellationToken.None);

    [Fact]
    public async Task Each_post_is_read_once_at_each_age_its_accounts_media_in_one_call()
    {
        var jisu = await app.AddPersonaAsync("지수");
        var minjun = await app.AddPersonaAsync("민준");
        var posts = (await PublishAsync(jisu, 3)).Concat(await PublishAsync(minjun, 2)).ToList();
        posts.ShouldAllBe(p => p.InsightsDueAt == p.PublishedAt!.Value.AddDays(1));
        await AudiencesReadAsync();

        app.Time.Advance(TimeSpan.FromHours(23));
        (await PassAsync()).PostCalls.ShouldBe(0, "nothing is read before 24 h");

        app.Time.Advance(TimeSpan.FromHours(1));
        var (firstCalls, first) = await PassAsync();
        firstCalls.ShouldBe(2, "one call per account");
        first.PostsRead.ShouldBe(5);
        (await PassAsync()).PostCalls.ShouldBe(0, "read once at 24 h");

        app.Time.Advance(TimeSpan.FromHours(48));
        (await Reader.RunAsync(CancellationToken.None))!.PostsRead.ShouldBe(5);
        app.Time.Advance(TimeSpan.FromDays(10));
        (await PassAsync()).PostCalls.ShouldBe(0, "no read after the last age");

        foreach (var post in posts)
        {
            var reads = await ReadsAsync(post.Id);
            reads.Select(r => r.AgeHours).ShouldBe([24, 72]);
            reads.ShouldAllBe(r => r.Reach > 0 && r.Views >= r.Reach && r.TotalInteractions == r.Likes + r.Comments + r.Saved + r.Shares);
            reads[1].Reach!.Value.ShouldBeGreaterThanOrEqualTo(reads[0].Reach!.Value, "a post's reach only grows");
            (await app.ReadPostAsync(post.Id)).InsightsDueAt.ShouldBeNull();
        }

        // Each read handed on to 010-analytics.
        await using var db = app.CreateDbContext();
        var events = await db.WebhookMessages.Where(m => m.Type == WebhookTypes.PostInsights).ToListAsync();
        events.Count.ShouldBe(10);
        var one = JsonDocument.Parse(events[0].Body).RootElement;
        one.GetProperty("type").GetString().ShouldBe("post.insights");
        one.GetProperty("ageHours").GetInt32().ShouldBe(24);
        one.GetProperty("metrics").GetProperty("reach").GetInt32().ShouldBeGreaterThan(0);
        one.GetProperty("mediaId").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_read_missed_while_the_console_was_down_happens_late_once()
    {
        var persona = await app.AddPersonaAsync();
        var post = (await PublishAsync(persona, 1)).Single();
        await AudiencesReadAsync();

        // Down past both ages; a new process (nothing in memory but what the database says).
        app.Time.Advance(TimeSpan.FromHours(100));
        var restarted = ActivatorUtilities.CreateInstance<InsightsReader>(app.Services);
        (await PassAsync(restarted)).PostCalls.ShouldBe(1);
        (await PassAsync(restarted)).PostCalls.ShouldBe(0);

        var reads = await ReadsAsync(post.Id);
        reads.Single().AgeHours.ShouldBe(100);
        var after = await app.ReadPostAsync(post.Id);
        after.InsightsAgesRead.ShouldBe(2);
        after.InsightsDueAt.ShouldBeNull();
    }

    [Fact]
    public async Task A_due_post_goes_first()
    {
        var persona = await app.AddPersonaAsync();
        var published = (await PublishAsync(persona, 2)).First();
        await AudiencesReadAsync();
        app.Time.Advance(TimeSpan.FromDays(1));
        var due = await app.AddPostAsync(persona);

        var calls = app.Sandbox.Calls;
        (await PassAsync()).PostCalls.ShouldBe(0, "a post waits to be claimed");
        app.Sandbox.Calls.ShouldBe(calls);

        (await app.RunOnceAsync()).ShouldBe(1);
        (await app.ReadPostAsync(due.Id)).Status.ShouldBe(PostStatus.Published);
        (await Reader.RunAsync(CancellationToken.None))!.PostsRead.ShouldBe(2);
        (await ReadsAsync(published.Id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Not_enough_viewers_and_a_deleted_media_end_the_reads_for_that_post()
    {
        var small = await app.AddPersonaAsync("소수", SandboxFault.SmallAudience);
        var smallPost = (await PublishAsync(small, 1)).Single();
        var persona = await app.AddPersonaAsync("지수");
        var posts = await PublishAsync(persona, 2);
        app.Sandbox.DeleteMedia(posts[0].MediaId!);
        await AudiencesReadAsync();

        app.Time.Advance(TimeSpan.FromDays(1));
        var (calls, pass) = await PassAsync();
        // The small account: one call, code 10. The other: the batch fails on the deleted media, then each is read alone.
        calls.ShouldBe(4);
        pass.Ended.ShouldBe(2);
        pass.PostsRead.ShouldBe(1);

        (await ReadsAsync(smallPost.Id)).Single().Unavailable.ShouldBe(InsightsUnavailable.NotEnoughViewers);
        (await app.ReadPostAsync(smallPost.Id)).ShouldSatisfyAllConditions(
            p => p.InsightsDueAt.ShouldBeNull(), p => p.InsightsUnavailable.ShouldBe(InsightsUnavailable.NotEnoughViewers));
        (await ReadsAsync(posts[0].Id)).Single().Unavailable.ShouldBe(InsightsUnavailable.MediaDeleted);
        (await ReadsAsync(posts[1].Id)).Single().Reach.ShouldNotBeNull();

        // At 72 h only the post that still has insights is read; nothing is asked again for the other two.
        app.Time.Advance(TimeSpan.FromDays(2));
        var (laterCalls, later) = await PassAsync();
        laterCalls.ShouldBe(1);
        later.PostsRead.ShouldBe(1);
        app.Time.Advance(TimeSpan.FromDays(7));
        (await PassAsync()).PostCalls.ShouldBe(0);

        // The small audience gives no online_followers either: the persona's curve stays unknown.
        (await app.ReadPersonaAsync(small.Id)).OnlineFollowers.ShouldBeNull();
    }

    [Fact]
    public async Task The_audience_is_read_once_a_day_as_the_personas_own_hours()
    {
        var persona = await app.AddPersonaAsync();
        app.Sandbox.SetAudience(persona.IgUserId, SandboxAudience.Peaking(persona.IgUserId, 21));
        (await Reader.RunAsync(CancellationToken.None))!.AudiencesRead.ShouldBe(1);
        (await PassAsync()).PostCalls.ShouldBe(0, "once a day");

        // Meta keys the hours in Pacific time; the persona's day is Seoul's: the evening peak lands at 21, not at 4 (21 + 7 or 8 h).
        var curve = (await app.ReadPersonaAsync(persona.Id)).OnlineFollowers!;
        curve.Count.ShouldBe(24);
        curve.IndexOf(curve.Max()).ShouldBe(21);

        // A day on, the morning account check reads it with the quota, in the one call it makes per account.
        app.Time.Advance(TimeSpan.FromDays(1));
        (await Reader.RunAsync(CancellationToken.None))!.Calls.ShouldBe(0, "the account check reads it each morning");
        var calls = app.Sandbox.Calls;
        (await app.GetService<PostingConsole.Worker.AccountCheck>().RunAsync(CancellationToken.None)).Checked.ShouldBe(1);
        app.Sandbox.Calls.ShouldBe(calls + 1);
        var checkedPersona = await app.ReadPersonaAsync(persona.Id);
        checkedPersona.OnlineFollowersReadAt.ShouldBe(app.Now);
        checkedPersona.QuotaCheckedAt.ShouldBe(app.Now);
        checkedPersona.OnlineFollowers!.IndexOf(checkedPersona.OnlineFollowers.Max()).ShouldBe(21);

        // Without a check (it failed, say), the reader reads it once it is over 36 hours old.
        app.Time.Advance(TimeSpan.FromHours(37));
        (await Reader.RunAsync(CancellationToken.None))!.AudiencesRead.ShouldBe(1);
    }

    [Fact]
    public async Task A_read_due_soon_rides_along_with_its_accounts_read_due_now()
    {
        var persona = await app.AddPersonaAsync();
        var first = (await PublishAsync(persona, 1)).Single();
        app.Time.Advance(TimeSpan.FromHours(4));
        var second = (await PublishAsync(persona, 1)).Single();
        app.Time.Advance(TimeSpan.FromHours(10));
        var third = (await PublishAsync(persona, 1)).Single();
        await AudiencesReadAsync();

        // At the first post's 24 h, the second's read (due in 4 h, within a quarter of 24 h) goes in the same call; the third's (in 14 h) waits.
        app.Time.Advance(TimeSpan.FromHours(10));
        var (calls, pass) = await PassAsync();
        calls.ShouldBe(1);
        pass.PostsRead.ShouldBe(2);
        (await ReadsAsync(second.Id)).Single().AgeHours.ShouldBe(20);
        (await ReadsAsync(third.Id)).ShouldBeEmpty();
        (await app.ReadPostAsync(second.Id)).InsightsDueAt.ShouldBe(second.PublishedAt!.Value.AddDays(3), "its next read is its 72 h one");
        (await ReadsAsync(first.Id)).Single().AgeHours.ShouldBe(24);
    }

    [Fact]
    public async Task The_api_carries_a_posts_reads_and_a_personas_results()
    {
        var persona = await app.AddPersonaAsync();
        var posts = await PublishAsync(persona, 2);
        app.Time.Advance(TimeSpan.FromDays(1));
        await Reader.RunAsync(CancellationToken.None);

        var client = app.CreateApiClient();
        var post = await (await client.GetAsync($"/api/posts/{posts[0].Id}")).ReadAsync<PostResponse>();
        var read = post.Insights!.Single();
        read.AgeHours.ShouldBe(24);
        read.Reach.ShouldNotBeNull();
        read.TotalInteractions.ShouldNotBeNull();
        post.InsightsDueAt.ShouldBe(posts[0].PublishedAt!.Value.AddDays(3));

        var results = await client.GetFromJsonAsync<PersonaInsightsResponse>($"/api/personas/{persona.Id}/insights", ApiClientExtensions.Json);
        results!.Posts.Select(p => p.PostId).ShouldBe(posts.Select(p => p.Id), ignoreOrder: true);
        results.ByHourOfWeek.Sum(h => h.Posts).ShouldBe(2);
        results.ByHourOfWeek.ShouldAllBe(h => h.MeanReach > 0);

        var bad = await client.GetAsync($"/api/personas/{persona.Id}/insights?from=yesterday");
        ((int)bad.StatusCode).ShouldBe(400);
        (await bad.ReadProblemErrorsAsync()).ShouldContainKey("from");
    }

    [Fact]
    public async Task A_dead_token_met_by_a_read_is_handled_as_for_a_post_and_not_called_again()
    {
        var persona = await app.AddPersonaAsync();
        await PublishAsync(persona, 2);
        var waiting = await app.AddPostAsync(persona, app.Now.AddDays(3));
        await AudiencesReadAsync();
        app.Time.Advance(TimeSpan.FromDays(1));
        app.Sandbox.SetFault(persona.IgUserId, SandboxFault.TokenExpired);

        (await PassAsync()).PostCalls.ShouldBe(1);
        (await app.ReadPersonaAsync(persona.Id)).Status.ShouldBe(PersonaStatus.NeedsReauth);
        (await app.ReadPostAsync(waiting.Id)).Status.ShouldBe(PostStatus.Held, "its waiting posts are held, hours before they are due");
        await using (var db = app.CreateDbContext())
            (await db.Alerts.CountAsync(a => a.Kind == AlertKind.AuthExpired && a.PersonaId == persona.Id)).ShouldBe(1);

        var calls = app.Sandbox.Calls;
        await Reader.RunAsync(CancellationToken.None);
        app.Sandbox.Calls.ShouldBe(calls, "no call to a token known dead");
    }

    [Fact]
    public async Task Without_the_insights_permission_the_persona_keeps_publishing_and_its_reads_wait_a_day()
    {
        var persona = await app.AddPersonaAsync(fault: SandboxFault.NoInsightsPermission);
        var posts = await PublishAsync(persona, 2);

        // The morning check: its quota is read (the audience refused), and the persona stays active.
        (await app.GetService<PostingConsole.Worker.AccountCheck>().RunAsync(CancellationToken.None)).NeedsReauth.ShouldBe(0);
        var checkedPersona = await app.ReadPersonaAsync(persona.Id);
        checkedPersona.Status.ShouldBe(PersonaStatus.Active);
        checkedPersona.QuotaCheckedAt.ShouldBe(app.Now);

        app.Time.Advance(TimeSpan.FromDays(1));
        await Reader.RunAsync(CancellationToken.None);
        (await app.ReadPersonaAsync(persona.Id)).Status.ShouldBe(PersonaStatus.Active);
        foreach (var post in posts) (await app.ReadPostAsync(post.Id)).InsightsDueAt.ShouldBe(app.Now.AddDays(1));
        await using var db = app.CreateDbContext();
        (await db.Alerts.CountAsync(a => a.PersonaId == persona.Id)).ShouldBe(0);
        (await db.PostInsights.CountAsync()).ShouldBe(0);
    }
}
