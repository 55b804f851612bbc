using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using PostingConsole.Api;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Install;

/// <summary>
/// The publish command of docs/operations.md ("Install on a server"), run on a copy of the source: one self-contained linux-x64 file.
/// Published once for the tests of this class.
/// </summary>
public sealed class SingleFilePublish : IAsyncLifetime
{
    private readonly TempFolder work = new("pc-publish");

    public string PublishFolder => Path.Combine(work.Path, "publish");

    public string Executable => Path.Combine(PublishFolder, "PostingConsole");

    public string NewFolder(string name)
    {
        var folder = Path.Combine(work.Path, name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public async Task InitializeAsync()
    {
        // A copy of the source, so the publish never touches the bin/obj of the test run itself.
        var source = NewFolder("src");
        CopySource(Path.Combine(RepositoryPaths.Root, "PostingConsole"), Path.Combine(source, "PostingConsole"));
        foreach (var file in (string[])["global.json", "Directory.Build.props", ".editorconfig"])
        {
            File.Copy(Path.Combine(RepositoryPaths.Root, file), Path.Combine(source, file));
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = source,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["publish", "PostingConsole", "-c", "Release", "-r", "linux-x64", "-p:PublishSingleFile=true",
                     "-o", PublishFolder, "--disable-build-servers", "-nodeReuse:false",
                     // The analyzers ran in the suite's own build; they change nothing in the published file.
                     "-p:RunAnalyzers=false"])
        {
            start.ArgumentList.Add(arg);
        }

        // The test host runs under MSBuild's and the test platform's variables; the publish must not inherit them.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        using var publish = Process.Start(start)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await publish.WaitForExitAsync(timeout.Token);
        if (publish.ExitCode != 0) throw new InvalidOperationException($"dotnet publish failed ({publish.ExitCode}):\n{await stdout}\n{await stderr}");
    }

    private static void CopySource(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            var top = relative.Split(Path.DirectorySeparatorChar)[0];
            if (top is "bin" or "obj" or "data") continue;
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public Task DisposeAsync()
    {
        work.Dispose();
        return Task.CompletedTask;
    }
}

public class SingleFileInstallTests(SingleFilePublish published) : IClassFixture<SingleFilePublish>
{
    [Fact]
    public void The_publish_command_produces_one_file()
    {
        Directory.GetFileSystemEntries(published.PublishFolder).Select(Path.GetFileName).ShouldBe(["PostingConsole"]);
        new FileInfo(published.Executable).Length.ShouldBeGreaterThan(30_000_000, "self-contained: the runtime is inside");
    }

    [Fact]
    public async Task Copied_alone_into_an_empty_folder_it_starts_serves_every_page_and_asset_publishes_and_backs_up_online()
    {
        var install = published.NewFolder("install");
        File.Copy(published.Executable, Path.Combine(install, "PostingConsole"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(install, "PostingConsole"), (UnixFileMode)0b111_101_101);

        // Meta answering in half a second: the backup below is taken while posts are still on their way (each takes three calls).
        await using var console = await InstalledConsole.StartAsync(Path.Combine(install, "PostingConsole"), install, published.NewFolder("extract"),
            new Dictionary<string, string> { ["Sandbox__AnswerTime"] = "00:00:00.500" });

        // Its data folder, with the database migrated, and the banner in the log.
        File.Exists(Path.Combine(install, "data", "posting.db")).ShouldBeTrue();
        console.Output.ShouldContain("PostingConsole 1.0.0 started: mode Sandbox");
        console.Output.ShouldMatch(@"Applying \d+ database migration\(s\)");
        console.Output.ShouldContain($"Created the first admin '{InstalledConsole.AdminUser}'");

        // Signed out, a page sends the visitor to sign in; the first admin from configuration can.
        var signedOut = await console.Http.GetAsync("/failures");
        signedOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signedOut.Headers.Location!.OriginalString.ShouldContain("/account/login");
        (await console.Http.SignInAsync(InstalledConsole.AdminUser, InstalledConsole.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // Every page, and the scripts and stylesheets they load, with their full content.
        var home = await console.Http.GetStringAsync("/");
        home.ShouldContain(InstalledConsole.AdminUser);
        foreach (var page in new[] { "/progress", "/failures", "/personas", "/users", "/api-keys", "/audit", "/account/login" })
        {
            (await console.Http.GetAsync(page)).StatusCode.ShouldBe(HttpStatusCode.OK, page);
        }

        var assets = Regex.Matches(home, """(?:src|href)="([^"]+\.(?:js|css))"(?!\w)""").Select(m => m.Groups[1].Value).Distinct().ToList();
        assets.ShouldContain(a => a.Contains("blazor.web") && a.EndsWith(".js"));
        assets.ShouldContain(a => a.Contains("MudBlazor") && a.EndsWith(".css"));
        foreach (var asset in assets)
        {
            var bytes = await console.Http.GetByteArrayAsync(asset.TrimStart('/'));
            bytes.Length.ShouldBeGreaterThan(500, asset);
        }

        // A post created through the API is published in Sandbox mode.
        var api = console.Http;
        api.DefaultRequestHeaders.Add("X-Api-Key", InstalledConsole.ApiKey);
        var persona = await api.CreatePersonaAsync("설치확인");
        var post = await CreatePostAsync(api, persona.Id, "단일 파일 설치 확인");
        var read = await WaitForAsync(api, post.Id, p => p.Status == PostStatus.Published);
        read.MediaId.ShouldNotBeNullOrEmpty();

        var detail = await api.GetAsync($"/posts/{post.Id}");
        detail.StatusCode.ShouldBe(HttpStatusCode.OK);

        // An online backup while posts are being published: it opens and holds every post made before it.
        var others = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => api.CreatePersonaAsync($"백업{i}")));
        foreach (var other in others)
        {
            for (var i = 0; i < 6; i++) await CreatePostAsync(api, other.Id, $"백업 중 게시 {other.Id}-{i}");
        }

        var before = await api.GetFromJsonAsync<PostListResponse>("/api/posts?pageSize=1", ApiClientExtensions.Json);
        var backupFile = Path.Combine(published.NewFolder("backups"), "posting-backup.db");
        var (exitCode, output) = await console.RunCommandAsync(null, "backup", backupFile);
        exitCode.ShouldBe(0, output);
        output.ShouldContain("integrity ok");

        await using var copy = new SqliteConnection($"Data Source={backupFile};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync();
        (await Scalar<long>(copy, "SELECT COUNT(*) FROM Posts")).ShouldBeGreaterThanOrEqualTo(before!.Total);
        (await Scalar<long>(copy, "SELECT COUNT(*) FROM Posts WHERE Status = 'Published' AND MediaId IS NULL")).ShouldBe(0);
        (await Scalar<long>(copy, $"SELECT COUNT(*) FROM Posts WHERE Id = {post.Id} AND Status = 'Published'")).ShouldBe(1);
        // One post per persona at a time, each call answered in 0.5 s (6 posts a persona: about 9 s): the backup caught them part-way.
        (await Scalar<long>(copy, "SELECT COUNT(*) FROM Posts WHERE Caption LIKE '백업 중 게시%' AND Status <> 'Published'"))
            .ShouldBeGreaterThan(0, "the backup was taken while these posts were still being published");
        (await api.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK, "the console runs on after the backup");

        // The same file creates another admin while the console runs (password piped in), who can sign in.
        const string password = "night-shift-password-42";
        var (created, createdOutput) = await console.RunCommandAsync(password, "create-admin", "night-shift");
        created.ShouldBe(0, createdOutput);
        createdOutput.ShouldContain("Admin 'night-shift' created.");
        createdOutput.ShouldNotContain(password, Case.Sensitive);
        using var second = new HttpClient(new HttpClientHandler { UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = console.BaseUrl };
        (await second.SignInAsync("night-shift", password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    private static async Task<PostResponse> CreatePostAsync(HttpClient api, int personaId, string caption)
    {
        var response = await api.PostAsJsonAsync("/api/posts", new
        {
            personaId, imagePath = "demo/demo-02.jpg", caption, scheduledAt = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz"),
        });
        response.EnsureSuccessStatusCode();
        return await response.ReadAsync<PostResponse>();
    }

    private static async Task<PostResponse> WaitForAsync(HttpClient api, int postId, Func<PostResponse, bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var post = (await api.GetFromJsonAsync<PostResponse>($"/api/posts/{postId}", ApiClientExtensions.Json))!;
            if (condition(post)) return post;
            if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"post {postId} is still {post.Status}: {post.LastError}");
            await Task.Delay(250);
        }
    }

    private static async Task<T> Scalar<T>(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
