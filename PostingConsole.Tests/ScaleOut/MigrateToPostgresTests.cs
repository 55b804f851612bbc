using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Operations;
using PostingConsole.Security;
using PostingConsole.Tests.Install;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.ScaleOut;

/// <summary><c>PostingConsole migrate-to-postgres</c>: a console that ran on SQLite carries on, on PostgreSQL, with everything it had.</summary>
[Trait("Database", "Postgres")]
[Collection(ConsoleProcesses.Collection)]
public class MigrateToPostgresTests
{
    [Fact]
    public async Task The_command_moves_every_row_and_the_key_ring_and_the_console_carries_on_there()
    {
        // A console that ran on SQLite: the demo (100 personas, 400 posts of every kind), its first posts published, an admin.
        await using var sqlite = EngineHarness.Start(new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite", ["Sandbox:SeedDemo"] = "true" });
        sqlite.Time.Advance(TimeSpan.FromSeconds(10));
        await sqlite.RunOnceAsync();
        (await sqlite.GetService<UserAccounts>().CreateAsync(UserAccounts.CommandLine, "ops-lead", "moved-password-0123", Roles.Admin, CancellationToken.None))
            .Succeeded.ShouldBeTrue();
        var before = await CountsAsync(sqlite.CreateDbContext());
        before["PostAttempts"].ShouldBeGreaterThan(0);
        before["Alerts"].ShouldBeGreaterThan(0, "the demo's dead token raised one");
        var tokens = await TokensAsync(sqlite);

        var target = await PostgresServer.CreateDatabaseAsync();
        try
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "PostingConsole.dll");
            var environment = $"--DataFolder={sqlite.DataFolder}";
            var (exitCode, output, error) = await InstalledConsole.RunToExitAsync(dll, sqlite.DataFolder, sqlite.DataFolder, null, "migrate-to-postgres", target, environment);
            exitCode.ShouldBe(0, output + error);
            output.ShouldContain($"Posts {before["Posts"].ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}");
            output.ShouldNotContain("Password", Case.Insensitive);

            await using var postgres = EngineHarness.Start(new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Postgres", ["ConnectionStrings:Posting"] = target, ["DataFolder"] = sqlite.DataFolder,
            });
            (await CountsAsync(postgres.CreateDbContext())).ShouldBe(before, "every row of every table");
            (await TokensAsync(postgres)).ShouldBe(tokens, "each stored token still reads (the key ring came along)");
            using (var scope = postgres.Services.CreateScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
                var user = await users.FindByNameAsync("ops-lead");
                (await users.CheckPasswordAsync(user.ShouldNotBeNull(), "moved-password-0123")).ShouldBeTrue("the admin signs in with the same password");
                (await users.IsInRoleAsync(user, Roles.Admin)).ShouldBeTrue();
            }

            await using (var db = postgres.CreateDbContext())
            {
                var carousel = await db.Posts.FirstAsync(p => p.MediaType == MediaType.Carousel);
                carousel.Items.Count.ShouldBeGreaterThan(1, "a carousel keeps its items");
            }

            // New rows get ids after the copied ones, and the queue goes on from where it was.
            Persona persona;
            await using (var db = postgres.CreateDbContext())
            {
                persona = (await db.Posts.Include(p => p.Persona).FirstAsync(p => p.Status == PostStatus.Published)).Persona!;
            }

            var added = await postgres.AddPostAsync(persona);
            added.Id.ShouldBe((int)before["Posts"] + 1);
            await postgres.RunOnceAsync();
            (await postgres.ReadPostAsync(added.Id)).Status.ShouldBe(PostStatus.Published, "published with the moved token");

            // Once only: a second move into the same database changes nothing (the connection string from standard input, as
            // docs/operations.md shows, out of the process list).
            var again = await InstalledConsole.RunToExitAsync(dll, sqlite.DataFolder, sqlite.DataFolder, target, "migrate-to-postgres", environment);
            again.ExitCode.ShouldBe(1);
            again.Error.ShouldContain("already holds console data");
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(target);
        }
    }

    /// <summary>
    /// The rows of every table of the SQLite model (read from the model, so a table added later is counted too), the published
    /// posts, and the hourly and status counts by their sums (PostgreSQL's triggers rebuild them from the posts as they arrive).
    /// </summary>
    private static async Task<SortedDictionary<string, long>> CountsAsync(PostingDbContext db)
    {
        await using (db)
        {
            var tables = TablesOfTheModel();
            tables.Count.ShouldBeGreaterThanOrEqualTo(13, "every table of the model");
            var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var table in tables.Where(t => t is not ("PostHourlyCounts" or "PostStatusCounts")))
            {
                // A table's name is no parameter: it comes from the model, never from input.
                var sql = string.Concat("SELECT COUNT(*) AS \"Value\" FROM \"", table, "\"");
                counts[table] = await db.Database.SqlQueryRaw<long>(sql).SingleAsync();
            }

            counts["Published"] = await db.Posts.CountAsync(p => p.Status == PostStatus.Published);
            var hourly = await db.PostHourlyCounts.GroupBy(c => new { c.Hour, c.Outcome, c.MediaType, c.FailureReason })
                .Select(g => new { g.Key, Count = g.Sum(c => c.Count) }).ToListAsync();
            foreach (var sum in hourly.Where(h => h.Count != 0))
            {
                counts[$"PostHourlyCounts {sum.Key.Hour:O} {sum.Key.Outcome} {sum.Key.MediaType} {sum.Key.FailureReason}"] = sum.Count;
            }

            foreach (var status in await db.PostStatusCounts.GroupBy(c => c.Status).Select(g => new { g.Key, Count = g.Sum(c => c.Count) }).ToListAsync())
            {
                if (status.Count != 0) counts[$"PostStatusCounts {status.Key}"] = status.Count;
            }

            return counts;
        }
    }

    private static List<string> TablesOfTheModel()
    {
        using var db = new PostingDbContext(new DbContextOptionsBuilder<PostingDbContext>().UseSqlite("Data Source=:memory:").Options);
        return [.. db.Model.GetEntityTypes().Where(e => !e.IsOwned()).Select(e => e.GetTableName()).OfType<string>().Distinct()];
    }

    private static async Task<List<string>> TokensAsync(EngineHarness app)
    {
        var protector = app.GetService<TokenProtector>();
        await using var db = app.CreateDbContext();
        var stored = await db.Personas.OrderBy(p => p.Id).Select(p => p.ProtectedToken).ToListAsync();
        return stored.Select(protector.Unprotect).ToList();
    }
}
