using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Readiness;
using PostingConsole.Sandbox;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Readiness;

/// <summary>
/// The readiness check against the Sandbox, on fake time (issue 25): each problem found hours before the post is due, with its
/// code; fixed media and a new token clear it; a post still blocked at its minute makes no container call; the token's expiry
/// alerted once; one Graph call per persona per day, whatever the number of posts.
/// </summary>
public sealed class ReadinessCheckTests : IAsyncLifetime
{
    private readonly EngineHarness app = EngineHarness.Start();

    private string DemoFolder => Path.Combine(app.GetService<PostingConsole.Configuration.AppPaths>().MediaRoot, DemoSeeder.DemoFolder);

    public Task InitializeAsync()
    {
        DemoImages.WriteFaulty(DemoFolder, "demo-01.jpg");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private ReadinessPass Pass => app.GetService<ReadinessPass>();

    private async Task<PostReadiness?> VerdictAsync(int postId)
    {
        await using var db = app.CreateDbContext();
        return await db.PostReadiness.AsNoTracking().SingleOrDefaultAsync(r => r.PostId == postId);
    }

    private static string MissingUrl(string name) => $"http://{SandboxCdn.Host}/demo/{name}";

    [Fact]
    public async Task Each_problem_is_found_hours_before_the_post_is_due_with_its_code()
    {
        var persona = await app.AddPersonaAsync();
        var due = app.Now.AddHours(3);
        var missing = await app.AddPostAsync(persona, due, imageUrl: MissingUrl("gone.jpg"), imagePath: null);
        var png = await app.AddPostAsync(persona, due.AddMinutes(10), imagePath: $"demo/{DemoImages.PngName}");
        var panorama = await app.AddPostAsync(persona, due.AddMinutes(20), imagePath: $"demo/{DemoImages.PanoramaName}");
        var longCaption = await app.AddPostAsync(persona, due.AddMinutes(30), caption: new string('가', 2_300));
        var fallback = await app.AddPostAsync(persona, due.AddMinutes(40), imageUrl: MissingUrl("gone-too.jpg"), imagePath: "demo/demo-02.jpg");
        var fine = await app.AddPostAsync(persona, due.AddMinutes(50), imagePath: "demo/demo-03.jpg");
        var tomorrow = await app.AddPostAsync(persona, app.Now.AddHours(30), imagePath: $"demo/{DemoImages.PngName}");

        var result = await Pass.RunAsync(CancellationToken.None);

        result.ShouldNotBeNull();
        (await VerdictAsync(missing.Id)).ShouldSatisfyAllConditions(
            v => v!.State.ShouldBe(ReadinessState.Blocked),
            v => v!.Problems.ShouldContain(p => p.Code == ReadinessCode.MediaUnreachable && p.Field == "imageUrl" && p.Detail!.Contains("404")));
        (await VerdictAsync(png.Id))!.Problems.Single().Code.ShouldBe(ReadinessCode.MediaNotJpeg);
        (await VerdictAsync(png.Id))!.Problems.Single().Detail!.ShouldContain("PNG");
        (await VerdictAsync(panorama.Id))!.Problems.Single().Code.ShouldBe(ReadinessCode.AspectRatio);
        (await VerdictAsync(longCaption.Id))!.Problems.ShouldContain(p => p.Code == ReadinessCode.CaptionRules && p.Blocks);
        // The URL is gone but the local file is sent instead: a warning, not a block.
        (await VerdictAsync(fallback.Id)).ShouldSatisfyAllConditions(
            v => v!.State.ShouldBe(ReadinessState.Warning),
            v => v!.Problems.Single().Code.ShouldBe(ReadinessCode.MediaUnreachable));
        (await VerdictAsync(fine.Id))!.State.ShouldBe(ReadinessState.Ready);
        (await VerdictAsync(tomorrow.Id)).ShouldBeNull("beyond Readiness:Horizon (24 h) nothing is checked yet");

        // One alert and one post.not_ready event for the persona's incident, not one per post.
        await using var db = app.CreateDbContext();
        (await db.Alerts.CountAsync(a => a.Kind == AlertKind.NotReady && a.PersonaId == persona.Id)).ShouldBe(1);
        (await db.WebhookMessages.CountAsync(m => m.Type == WebhookTypes.PostNotReady)).ShouldBe(1);
    }

    [Fact]
    public async Task Fixed_media_and_a_new_token_clear_the_problem()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona, app.Now.AddHours(1), imageUrl: MissingUrl("uploaded-late.jpg"), imagePath: null);
        await Pass.RunAsync(CancellationToken.None);
        (await VerdictAsync(post.Id))!.Blocking!.Code.ShouldBe(ReadinessCode.MediaUnreachable);

        // Upstream puts the file on the CDN; the last check before the post is due fetches it again.
        File.Copy(Path.Combine(DemoFolder, "demo-04.jpg"), Path.Combine(DemoFolder, "uploaded-late.jpg"));
        app.Time.Advance(TimeSpan.FromMinutes(50));
        await Pass.RunAsync(CancellationToken.None);
        (await VerdictAsync(post.Id))!.State.ShouldBe(ReadinessState.Ready);

        // A dead token (the persona needs re-authorization) blocks; a new token clears it at the next pass.
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.Personas.SingleAsync(p => p.Id == persona.Id);
            stored.MarkNeedsReauth("190", app.Now);
            await db.SaveChangesAsync();
        }

        await Pass.RunAsync(CancellationToken.None);
        (await VerdictAsync(post.Id))!.Blocking!.Code.ShouldBe(ReadinessCode.TokenInvalid);
        (await app.GetService<PersonaOperations>().ReplaceTokenAsync(TestActors.Admin, persona.Id, "EAA-new-token-0001", CancellationToken.None)).Succeeded.ShouldBeTrue();
        await Pass.RunAsync(CancellationToken.None);
        (await VerdictAsync(post.Id))!.State.ShouldBe(ReadinessState.Ready);
    }

    [Fact]
    public async Task A_post_still_blocked_at_its_minute_makes_no_container_call()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona, app.Now.AddMinutes(5), imagePath: $"demo/{DemoImages.PngName}");
        await Pass.RunAsync(CancellationToken.None);
        var callsBefore = app.Sandbox.Calls;

        app.Time.Advance(TimeSpan.FromMinutes(5));
        (await app.RunOnceAsync()).ShouldBe(1);

        var after = await app.ReadPostAsync(post.Id);
        after.Status.ShouldBe(PostStatus.Failed);
        after.FailureReason.ShouldBe(FailureReason.ImageInvalid);
        after.Attempts.Select(a => a.Step).ShouldBe([PublishSteps.Readiness]);
        after.Attempts.Single().Message!.ShouldContain("MediaNotJpeg");
        app.Sandbox.Calls.ShouldBe(callsBefore, "nothing was sent to Meta");
    }

    [Fact]
    public async Task A_verdict_about_an_older_version_of_the_post_decides_nothing()
    {
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona, app.Now.AddMinutes(5), caption: new string('가', 2_300));
        await Pass.RunAsync(CancellationToken.None);
        (await VerdictAsync(post.Id))!.Blocking!.Code.ShouldBe(ReadinessCode.CaptionRules);
        (await app.GetService<PostOperations>().EditAsync(TestActors.Operator, post.Id, new PostEdit("짧은 캡션", null, null), CancellationToken.None)).Succeeded.ShouldBeTrue();

        app.Time.Advance(TimeSpan.FromMinutes(5));
        await app.RunOnceAsync();
        (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Published);
    }

    [Fact]
    public async Task The_token_expiry_is_alerted_once_and_read_once_a_day_per_persona_whatever_the_number_of_posts()
    {
        var expiring = await app.AddPersonaAsync("민서");
        var others = new[] { await app.AddPersonaAsync("하윤"), await app.AddPersonaAsync("서연") };
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.Personas.SingleAsync(p => p.Id == expiring.Id);
            stored.SetSandboxTokenExpiry(app.Now.AddDays(3), app.Now);
            await db.SaveChangesAsync();
        }

        foreach (var persona in others.Append(expiring))
        {
            for (var i = 0; i < 10; i++) await app.AddPostAsync(persona, app.Now.AddHours(2 + i), imagePath: "demo/demo-05.jpg");
        }

        var callsBefore = app.Sandbox.Calls;
        for (var minute = 0; minute < 5; minute++)
        {
            await Pass.RunAsync(CancellationToken.None);
            app.Time.Advance(TimeSpan.FromMinutes(1));
        }

        app.Sandbox.Calls.ShouldBe(callsBefore + 3, "one debug_token per persona, 30 posts and 5 passes");
        var read = await app.ReadPersonaAsync(expiring.Id);
        read.TokenExpiresAt!.Value.ShouldBe(app.Now.AddMinutes(-5).AddDays(3), TimeSpan.FromSeconds(1));
        read.TokenScopes!.ShouldContain("instagram_content_publish");

        // An operator dismisses the alert; a day later the tokens are read again, and the same expiry is not alerted twice.
        await using (var db = app.CreateDbContext())
        {
            foreach (var alert in await db.Alerts.Where(a => a.Kind == AlertKind.TokenExpiring).ToListAsync()) alert.ResolvedAt = app.Now;
            await db.SaveChangesAsync();
        }

        app.Time.Advance(TimeSpan.FromDays(1));
        await Pass.RunAsync(CancellationToken.None);
        app.Sandbox.Calls.ShouldBe(callsBefore + 6);

        await using var check = app.CreateDbContext();
        (await check.Alerts.CountAsync(a => a.Kind == AlertKind.TokenExpiring)).ShouldBe(1);
        (await check.WebhookMessages.CountAsync(m => m.Type == WebhookTypes.PersonaTokenExpiring)).ShouldBe(1);
        var verdicts = await check.PostReadiness.Where(r => r.PersonaId == expiring.Id).ToListAsync();
        verdicts.ShouldNotBeEmpty();
        verdicts.ShouldAllBe(v => v.Problems.Any(p => p.Code == ReadinessCode.TokenExpiring));
    }

    [Fact]
    public async Task A_token_found_expired_by_debug_token_is_cleared_by_a_new_one()
    {
        var persona = await app.AddPersonaAsync();
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.Personas.SingleAsync(p => p.Id == persona.Id);
            stored.SetSandboxTokenExpiry(app.Now.AddHours(1), app.Now);
            await db.SaveChangesAsync();
        }

        var post = await app.AddPostAsync(persona, app.Now.AddHours(3));
        await Pass.RunAsync(CancellationToken.None);
        (await VerdictAsync(post.Id))!.Problems.ShouldContain(p => p.Code == ReadinessCode.TokenInvalid && p.Blocks, "the token expires before the post is due");

        (await app.GetService<PersonaOperations>().ReplaceTokenAsync(TestActors.Admin, persona.Id, "EAA-renewed-token-0002", CancellationToken.None)).Succeeded.ShouldBeTrue();
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await Pass.RunAsync(CancellationToken.None);
        var read = await app.ReadPersonaAsync(persona.Id);
        read.TokenExpiresAt.ShouldBeNull("the new token does not expire");
        (await VerdictAsync(post.Id))!.State.ShouldBe(ReadinessState.Ready);
    }

    [Fact]
    public async Task A_post_due_after_the_expiry_Meta_gave_for_its_token_is_held_without_a_call()
    {
        var persona = await app.AddPersonaAsync();
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.Personas.SingleAsync(p => p.Id == persona.Id);
            stored.SetSandboxTokenExpiry(app.Now.AddMinutes(10), app.Now);
            await db.SaveChangesAsync();
        }

        var post = await app.AddPostAsync(persona, app.Now.AddMinutes(20));
        await Pass.RunAsync(CancellationToken.None);
        (await VerdictAsync(post.Id))!.Blocking!.Code.ShouldBe(ReadinessCode.TokenInvalid);
        var callsBefore = app.Sandbox.Calls;

        app.Time.Advance(TimeSpan.FromMinutes(20));
        await app.RunOnceAsync();

        var held = await app.ReadPostAsync(post.Id);
        held.Status.ShouldBe(PostStatus.Held);
        held.FailureReason.ShouldBe(FailureReason.AuthExpired);
        (await app.ReadPersonaAsync(persona.Id)).Status.ShouldBe(PersonaStatus.NeedsReauth);
        app.Sandbox.Calls.ShouldBe(callsBefore, "nothing was sent to Meta");
    }

    [Fact]
    public async Task The_Sandbox_knows_the_tokens_of_every_account_it_serves_as_Meta_does()
    {
        // An account of a console on another database (the scale-out tests' consoles): Meta was told its token, not its persona.
        app.Sandbox.SetAccountToken("17849990001", "EAA-elsewhere-0001");
        var graph = app.GetService<PostingConsole.Publishing.Graph.GraphClient>();
        var known = await graph.DebugTokenAsync("EAA-elsewhere-0001", CancellationToken.None);
        known.Succeeded.ShouldBeTrue();
        known.Value.IsValid.ShouldBeTrue();
        known.Value.CanPublish.ShouldBeTrue();
        var unknown = await graph.DebugTokenAsync("EAA-nobody-0002", CancellationToken.None);
        unknown.Value!.IsValid.ShouldBeFalse();
        unknown.Value.Error!.Code.ShouldBe(190);
    }

    [Fact]
    public async Task A_token_that_expired_at_Meta_holds_the_persona_before_its_next_post()
    {
        var persona = await app.AddPersonaAsync();
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.Personas.SingleAsync(p => p.Id == persona.Id);
            stored.SetSandboxTokenExpiry(app.Now.AddMinutes(-1), app.Now);
            await db.SaveChangesAsync();
        }

        var post = await app.AddPostAsync(persona, app.Now.AddHours(4));
        await Pass.RunAsync(CancellationToken.None);

        (await app.ReadPersonaAsync(persona.Id)).Status.ShouldBe(PersonaStatus.NeedsReauth);
        (await app.ReadPostAsync(post.Id)).Status.ShouldBe(PostStatus.Held);
    }

    [Fact]
    public async Task A_reencoded_and_resized_copy_on_another_persona_is_a_duplicate_and_a_different_photo_is_not()
    {
        var photos = DemoSeeder.DemoImageNames;
        var original = DemoImages.PersonaPhoto(DemoFolder, photos, 20, 0);
        var other = DemoImages.PersonaPhoto(DemoFolder, photos, 21, 0);
        // Persona B reposts A's photo: downloaded, made smaller and saved again at a lower quality.
        using (var source = SkiaSharp.SKBitmap.Decode(Path.Combine(DemoFolder, original)))
        using (var smaller = source.Resize(new SkiaSharp.SKImageInfo(source.Width / 2, source.Height / 2), new SkiaSharp.SKSamplingOptions(SkiaSharp.SKFilterMode.Linear)))
        using (var data = smaller.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 55))
        {
            File.WriteAllBytes(Path.Combine(DemoFolder, "repost.jpg"), data.ToArray());
        }

        var a = await app.AddPersonaAsync("지수");
        var b = await app.AddPersonaAsync("민서");
        var c = await app.AddPersonaAsync("하윤");
        var first = await app.AddPostAsync(a, app.Now.AddHours(2), imagePath: $"demo/{original}");
        var copy = await app.AddPostAsync(b, app.Now.AddHours(5), imagePath: "demo/repost.jpg");
        var different = await app.AddPostAsync(c, app.Now.AddHours(6), imagePath: $"demo/{other}");
        await Pass.RunAsync(CancellationToken.None);

        (await VerdictAsync(first.Id))!.Problems.Single().ShouldSatisfyAllConditions(
            p => p.Code.ShouldBe(ReadinessCode.DuplicateImage), p => p.Detail!.ShouldContain($"#{copy.Id}"), p => p.Blocks.ShouldBeFalse());
        (await VerdictAsync(copy.Id))!.Problems.Single().ShouldSatisfyAllConditions(
            p => p.Code.ShouldBe(ReadinessCode.DuplicateImage), p => p.Detail!.ShouldContain($"#{first.Id}"));
        (await VerdictAsync(different.Id))!.State.ShouldBe(ReadinessState.Ready);
    }

    [Fact]
    public async Task Under_the_Hold_policy_the_later_duplicate_is_held_at_its_minute_and_the_earlier_goes_out()
    {
        await using var holding = EngineHarness.Start(new Dictionary<string, string?> { ["Readiness:DuplicatePolicy"] = "Hold" });
        var a = await holding.AddPersonaAsync("지수");
        var b = await holding.AddPersonaAsync("민서");
        const string caption = "오늘의 카페 기록 ☕️ 라떼 한 잔과 함께하는 오후";
        var earlier = await holding.AddPostAsync(a, holding.Now.AddMinutes(3), imagePath: "demo/demo-07.jpg", caption: caption);
        var later = await holding.AddPostAsync(b, holding.Now.AddMinutes(4), imagePath: "demo/demo-08.jpg", caption: caption + "!!");
        await holding.GetService<ReadinessPass>().RunAsync(CancellationToken.None);

        holding.Time.Advance(TimeSpan.FromMinutes(4));
        await holding.RunOnceAsync();
        await holding.RunOnceAsync();

        (await holding.ReadPostAsync(earlier.Id)).Status.ShouldBe(PostStatus.Published);
        var held = await holding.ReadPostAsync(later.Id);
        held.Status.ShouldBe(PostStatus.Held);
        held.FailureReason.ShouldBe(FailureReason.Duplicate);
        held.Attempts.Select(x => x.Step).ShouldBe([PublishSteps.Readiness]);

        // It waits for an operator's decision on the post: resuming its persona does not send it, the failure screen lists it.
        (await holding.GetService<PersonaOperations>().ResumeAsync(TestActors.Admin, b.Id, CancellationToken.None)).Succeeded.ShouldBeTrue();
        (await holding.ReadPostAsync(later.Id)).Status.ShouldBe(PostStatus.Held);
        var failures = await holding.GetService<PostQueries>().ListAsync(ConsoleQueries.FailureScreen, 1, 50, CancellationToken.None);
        failures.Items.Select(p => p.Id).ShouldContain(later.Id);
        failures.Total.ShouldBe(failures.Items.Count);
    }

    [Fact]
    public async Task The_capacity_check_names_exactly_the_posts_over_the_quota()
    {
        var persona = await app.AddPersonaAsync();
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.Personas.SingleAsync(p => p.Id == persona.Id);
            stored.RecordQuota(0, 5, app.Now);
            await db.SaveChangesAsync();
        }

        var posts = new List<Post>();
        for (var i = 0; i < 7; i++) posts.Add(await app.AddPostAsync(persona, app.Now.AddHours(1 + i * 2), imagePath: "demo/demo-06.jpg"));
        await Pass.RunAsync(CancellationToken.None);

        var over = new List<int>();
        foreach (var post in posts)
        {
            if ((await VerdictAsync(post.Id))!.Problems.Any(p => p.Code == ReadinessCode.OverQuota)) over.Add(post.Id);
        }

        over.ShouldBe([posts[5].Id, posts[6].Id]);
    }
}
