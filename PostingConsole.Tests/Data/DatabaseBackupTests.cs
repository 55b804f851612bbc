using Microsoft.Data.Sqlite;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Data;

public class DatabaseBackupTests
{
    [Fact]
    public async Task A_backup_of_a_live_database_holds_every_post_and_passes_the_integrity_check()
    {
        await using var app = EngineHarness.Start();
        var persona = await app.AddPersonaAsync();
        for (var i = 0; i < 25; i++) await app.AddPostAsync(persona);
        using var folder = new TempFolder("pc-backup");
        var target = Path.Combine(folder.Path, "nested", "copy.db");

        // A writer keeps the database busy while the backup runs.
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await app.AddPostAsync(persona);
        });
        var result = await DatabaseBackup.CreateAsync(app.GetService<AppPaths>().DatabaseConnectionString, target, CancellationToken.None);
        await stop.CancelAsync();
        await writer;

        result.File.ShouldBe(target);
        result.Posts.ShouldBeGreaterThanOrEqualTo(25);
        result.Personas.ShouldBe(1);
        await using var copy = new SqliteConnection($"Data Source={target};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync();
        await using var count = copy.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM Posts";
        ((long)(await count.ExecuteScalarAsync())!).ShouldBe(result.Posts);
        File.Exists(target + ".partial").ShouldBeFalse();
    }

    [Fact]
    public async Task An_existing_backup_file_is_never_overwritten()
    {
        await using var app = EngineHarness.Start();
        using var folder = new TempFolder("pc-backup");
        var target = Path.Combine(folder.Path, "copy.db");
        await File.WriteAllTextAsync(target, "an older backup");

        var refused = await Should.ThrowAsync<IOException>(() =>
            DatabaseBackup.CreateAsync(app.GetService<AppPaths>().DatabaseConnectionString, target, CancellationToken.None));
        refused.Message.ShouldContain("exists already");
        (await File.ReadAllTextAsync(target)).ShouldBe("an older backup");
    }

    [Fact]
    public async Task A_missing_database_is_reported_and_no_empty_database_is_created()
    {
        using var folder = new TempFolder("pc-backup");
        var missing = Path.Combine(folder.Path, "nothing-here.db");

        await Should.ThrowAsync<FileNotFoundException>(() =>
            DatabaseBackup.CreateAsync($"Data Source={missing}", Path.Combine(folder.Path, "copy.db"), CancellationToken.None));
        File.Exists(missing).ShouldBeFalse();
        File.Exists(Path.Combine(folder.Path, "copy.db")).ShouldBeFalse();
    }
}
