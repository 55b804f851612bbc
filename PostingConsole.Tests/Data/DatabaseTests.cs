using Microsoft.EntityFrameworkCore;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Data;

public class DatabaseTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory app = new();

    public Task InitializeAsync()
    {
        app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Migrations_are_applied_at_start_and_the_file_is_in_wal_mode_with_a_busy_timeout()
    {
        await using var db = app.CreateDbContext();
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).ShouldNotBeEmpty();

        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        (await command.ExecuteScalarAsync())!.ToString().ShouldBe("wal");
        command.CommandText = "PRAGMA busy_timeout;";
        Convert.ToInt32(await command.ExecuteScalarAsync()).ShouldBeGreaterThanOrEqualTo(5000);
    }

    [Fact]
    public async Task A_carousel_item_saved_alone_bumps_the_posts_version_and_a_stale_save_fails()
    {
        var now = DateTime.UtcNow;
        int postId;
        await using (var db = app.CreateDbContext())
        {
            var persona = Persona.Create("지수", "17", "x", "x", null, now);
            db.Personas.Add(persona);
            await db.SaveChangesAsync();
            var post = Post.Create(persona.Id, new PostContent(MediaType.Carousel, Items: [PostItem.Image("https://cdn.example/1.jpg", null), PostItem.Image("https://cdn.example/2.jpg", null)]),
                "캐러셀", null, now, null, now);
            post.Claim("t", 1, now.AddMinutes(1), now);
            db.Posts.Add(post);
            await db.SaveChangesAsync();
            postId = post.Id;
        }

        await using var stale = app.CreateDbContext();
        var staleCopy = await stale.Posts.SingleAsync(p => p.Id == postId);
        await using (var db = app.CreateDbContext())
        {
            var post = await db.Posts.SingleAsync(p => p.Id == postId);
            var version = post.Version;
            post.RecordItemContainer(post.Items[1], "17900", now); // the same clock: only the item changes
            await db.SaveChangesAsync();
            (await app.CreateDbContext().Posts.AsNoTracking().SingleAsync(p => p.Id == postId)).Version.ShouldBe(version + 1);
        }

        (await app.CreateDbContext().Posts.AsNoTracking().SingleAsync(p => p.Id == postId)).Items.Select(i => i.ContainerId).ShouldBe([null, "17900"]);
        staleCopy.RecordItemContainer(staleCopy.Items[0], "17901", now); // read before the save above: refused, not merged
        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => stale.SaveChangesAsync());
    }

    [Fact]
    public async Task Times_come_back_as_utc()
    {
        await using (var db = app.CreateDbContext())
        {
            var persona = Persona.Create("지수", "1", "x", "x", null, DateTime.UtcNow);
            db.Personas.Add(persona);
            await db.SaveChangesAsync();
            db.Posts.Add(Post.Create(persona.Id, "https://a/b.jpg", null, "c", null, new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), null, DateTime.UtcNow));
            await db.SaveChangesAsync();
        }

        await using var read = app.CreateDbContext();
        var post = await read.Posts.SingleAsync();
        post.ScheduledAt.Kind.ShouldBe(DateTimeKind.Utc);
        post.ScheduledAt.ShouldBe(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        post.NextAttemptAt!.Value.Kind.ShouldBe(DateTimeKind.Utc);
    }

    [Fact]
    public async Task The_dispatchers_due_post_query_uses_its_index()
    {
        await using var db = app.CreateDbContext();
        var now = DateTime.UtcNow;
        // The dispatcher's own query shape: the claim rule (not missed), oldest due first, with what its persona sets.
        var query = db.Posts.Where(Post.ClaimableAt(now, TimeSpan.FromHours(1))).OrderBy(p => p.NextAttemptAt).ThenBy(p => p.Id)
            .Select(p => new { p.Id, p.PersonaId, p.ClaimNumber, p.Persona!.LastPublishedAt, p.Persona.WindowFrom, p.Persona.WindowTo, p.Persona.TimeZone });
        var sql = query.ToQueryString();
        var select = sql[sql.IndexOf("SELECT", StringComparison.Ordinal)..];
        foreach (var line in sql[..sql.IndexOf("SELECT", StringComparison.Ordinal)].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // ".param set @name value": put each value in place, so the plan is the one SQLite makes for the real query.
            var parts = line.Split(' ', 4);
            if (parts.Length == 4 && parts[0] == ".param") select = select.Replace(parts[2], parts[3]);
        }

        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + select;
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        }

        string.Join("\n", plan).ShouldContain("IX_Posts_Status_NextAttemptAt", customMessage: $"{select}\n{string.Join("\n", plan)}");
    }
}
