using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Sandbox;
using PostingConsole.Tests.Install;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Publishing;

/// <summary>
/// A first comment across kill -9 (docs/architecture.md#first-comment): a real console process (the built PostingConsole.dll, SQLite)
/// publishes to a Graph API served by another console's Sandbox; Meta makes the comment and stalls before answering; the
/// process is killed; a new one on the same data folder takes the post over after its lease, finds the comment among the
/// media's comments, and never posts a second one.
/// </summary>
[Collection(ConsoleProcesses.Collection)]
[Trait("Database", "SqliteOnly")] // the console processes it starts open the data folder's SQLite file
public class FirstCommentCrashTests
{
    private const string Comment = "링크는 프로필에서 #오늘의코디";

    [Fact]
    public async Task A_first_comment_is_posted_once_across_kill_9_between_the_comment_and_its_answer()
    {
        await using var meta = EngineHarness.Start(realTime: true);
        meta.Sandbox.Latency = TimeSpan.FromMilliseconds(20);
        using var folder = new TempFolder("pc-comment-kill");
        var postId = await SeedAsync(folder.Path, meta.Sandbox);
        var environment = new Dictionary<string, string>
        {
            ["DataFolder"] = folder.Path,
            ["Graph__Mode"] = "Live",
            ["Graph__BaseUrl"] = new Uri(meta.BaseUrl, "sandbox/graph/").AbsoluteUri,
            ["Graph__CallTimeout"] = "00:00:05",
            ["Posting__LeaseDuration"] = "00:00:30",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var dll = Path.Combine(AppContext.BaseDirectory, "PostingConsole.dll");
        var options = new DbContextOptionsBuilder<PostingDbContext>().UseSqlite($"Data Source={Path.Combine(folder.Path, "posting.db")};Pooling=False").Options;

        var hold = meta.Sandbox.HoldAnswersAfterComment();
        await using (var first = await InstalledConsole.StartAsync(dll, folder.Path, folder.Path, environment))
        {
            await using (var db = new PostingDbContext(options)) await db.DispatcherState.ExecuteUpdateAsync(s => s.SetProperty(x => x.Running, true));
            var waited = Stopwatch.StartNew();
            while (meta.Sandbox.AllMedia.SingleOrDefault() is not { } media || meta.Sandbox.CommentsOf(media.Id).Count == 0)
            {
                Condition.ShouldBeWithin(waited, TimeSpan.FromMinutes(2), () => $"the comment made at Meta\n{first.Tail}");
                await Task.Delay(20);
            }

            // Meta has the comment; its answer is held: kill -9 now.
            await first.KillAsync();
        }

        await using (var db = new PostingDbContext(options))
        {
            var stranded = await db.Posts.SingleAsync(p => p.Id == postId);
            stranded.FirstCommentState.ShouldBe(FirstCommentState.Sending, "the comment was sent; its answer never came back");
            stranded.MediaId.ShouldNotBeNull("the media id was stored before the comment was sent");
        }

        hold.Dispose();
        await using (var second = await InstalledConsole.StartAsync(dll, folder.Path, folder.Path, environment))
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                await using var db = new PostingDbContext(options);
                var post = await db.Posts.AsNoTracking().SingleAsync(p => p.Id == postId);
                if (post is { Status: PostStatus.Published, FirstCommentState: FirstCommentState.Posted }) break;
                Condition.ShouldBeWithin(waited, TimeSpan.FromMinutes(3), () => $"the post completed after the lease ({post.Status}, {post.FirstCommentState})\n{second.Tail}");
                await Task.Delay(200);
            }
        }

        var published = meta.Sandbox.AllMedia.ShouldHaveSingleItem("published once");
        var comment = meta.Sandbox.CommentsOf(published.Id).ShouldHaveSingleItem("commented once");
        comment.Text.ShouldBe(Comment);
        await using (var db = new PostingDbContext(options))
        {
            var done = await db.Posts.Include(p => p.Attempts).SingleAsync(p => p.Id == postId);
            done.FirstCommentId.ShouldBe(comment.Id, "found among the media's comments by the process that took the post over");
            done.Attempts.Where(a => a.ClaimNumber == done.ClaimNumber).Select(a => a.Step).ShouldContain("first_comment_read");
            done.Attempts.Count(a => a.Step == "first_comment").ShouldBeLessThanOrEqualTo(1, "sent once (the killed process's answer was never recorded)");
        }
    }

    /// <summary>A migrated SQLite database in <paramref name="folder"/> with one persona (its token known to Meta) and one due post with a first comment; dispatch stopped.</summary>
    private static async Task<int> SeedAsync(string folder, SandboxGraphState meta)
    {
        await using var seed = new ConsoleAppFactory(new Dictionary<string, string?> { ["DataFolder"] = folder });
        await seed.GetService<DemoSeeder>().EnsureDemoMediaAsync(CancellationToken.None);
        var tokens = seed.GetService<TokenProtector>();
        await using var db = seed.CreateDbContext();
        var now = DateTime.UtcNow;
        var token = $"EAA-comment-{Guid.NewGuid():N}";
        var persona = Persona.Create("댓글", "17841400000000777", tokens.Protect(token), "abcd", null, now);
        meta.SetAccountToken(persona.IgUserId, token);
        db.Personas.Add(persona);
        await db.SaveChangesAsync();
        var post = Post.Create(persona.Id, null, "demo/demo-01.jpg", $"첫 댓글 {Guid.NewGuid():N}", ["데일리"], now, null, now);
        post.SetFields(true, PostFields.None, Comment, now);
        db.Posts.Add(post);
        await db.SaveChangesAsync();
        await db.DispatcherState.ExecuteUpdateAsync(s => s.SetProperty(x => x.Running, false));
        return post.Id;
    }
}
