using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;
using Xunit.Abstractions;

namespace PostingConsole.Tests.Data;

/// <summary>
/// Every SQL command that every screen and list API runs against the posts, read back through SQLite's
/// <c>EXPLAIN QUERY PLAN</c>: none may scan the whole Posts table (a year of history is a million rows). The commands are
/// the ones the console really sends, caught from EF Core's diagnostics while the screens are loaded.
/// </summary>
public partial class QueryPlanTests(ITestOutputHelper output)
{
    /// <summary>The screens operators open and the list APIs other modules call.</summary>
    public static readonly string[] HotUrls =
    [
        "/", "/?list=true", "/?history=true", "/?status=Scheduled", "/?persona=3", "/progress", "/failures", "/personas",
        "/api/posts", "/api/posts?status=Published", "/api/posts?status=Failed", "/api/posts?personaId=3", "/api/personas", "/api/stats/daily",
    ];

    [Fact]
    public async Task No_screen_or_list_API_scans_the_whole_posts_table()
    {
        await using var app = new ConsoleAppFactory();
        var now = DateTime.UtcNow;
        var personas = await PostHistory.AddPersonasAsync(app.CreateDbContext, 20, now);
        await PostHistory.AddPastAsync(app.CreateDbContext, personas, 2_000, TimeSpan.FromDays(30), now);
        await PostHistory.AddUpcomingAsync(app.CreateDbContext, personas, 200, now);
        var screens = await app.CreateSignedInClientAsync(Roles.Viewer);
        var api = app.CreateApiClient();

        using var commands = CommandCapture.Start(app.DatabaseFile);
        foreach (var url in HotUrls)
        {
            var response = await (url.StartsWith("/api/", StringComparison.Ordinal) ? api : screens).GetAsync(url);
            response.EnsureSuccessStatusCode();
        }

        var postQueries = commands.Commands.Where(c => PostsTable().IsMatch(c.Text)).ToList();
        postQueries.Count.ShouldBeGreaterThan(10); // the capture sees the screens' queries
        var scans = new List<string>();
        await using var connection = new SqliteConnection($"Data Source={app.DatabaseFile};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        foreach (var query in postQueries.DistinctBy(q => q.Text))
        {
            var plan = await PlanAsync(connection, query);
            output.WriteLine($"{Short(query.Text)}\n  → {string.Join("\n  → ", plan)}\n");
            if (FullScans(query.Text, plan).ToList() is { Count: > 0 } full) scans.Add($"{string.Join(", ", full)} in: {Short(query.Text)}");
        }

        scans.ShouldBeEmpty();
    }

    [Fact]
    public void The_check_sees_a_full_scan_and_lets_an_index_through()
    {
        const string sql = """SELECT "p"."Id" FROM "Posts" AS "p" WHERE "p"."ScheduledAt" >= @cutoff OR "p"."Status" = 'InProgress'""";
        FullScans(sql, ["SCAN p"]).ShouldBe(["SCAN p"]);
        FullScans(sql, ["SEARCH p USING INDEX IX_Posts_ScheduledAt (ScheduledAt>?)"]).ShouldBeEmpty();
        FullScans(sql, ["SCAN p USING COVERING INDEX IX_Posts_Status_ScheduledAt"]).ShouldBe(["SCAN p USING COVERING INDEX IX_Posts_Status_ScheduledAt"]);
        FullScans("""SELECT COUNT(*) FROM "Personas" AS "p0" """, ["SCAN p0"]).ShouldBeEmpty();
        // An unfiltered page in index order stops at the page: not a full scan. Filtered, it may walk the whole index.
        const string page = """SELECT … FROM (SELECT … FROM "Posts" AS "p" ORDER BY "p"."ScheduledAt" DESC, "p"."Id" DESC LIMIT @p1 OFFSET @p) AS "p1" """;
        FullScans(page, ["SCAN p USING INDEX IX_Posts_ScheduledAt"]).ShouldBeEmpty();
        FullScans(page.Replace("AS \"p\" ORDER", "AS \"p\" WHERE \"p\".\"Status\" = 'Failed' ORDER", StringComparison.Ordinal), ["SCAN p USING INDEX IX_Posts_ScheduledAt"])
            .ShouldBe(["SCAN p USING INDEX IX_Posts_ScheduledAt"]);
    }

    /// <summary>A command without its column lists, for the report.</summary>
    private static string Short(string sql) => ColumnList().Replace(sql, "SELECT … FROM").ReplaceLineEndings(" ");

    [GeneratedRegex(@"SELECT (?:""\w+""\.""\w+""(?: AS ""\w+"")?, )+""\w+""\.""\w+""(?: AS ""\w+"")?\s+FROM")]
    private static partial Regex ColumnList();

    /// <summary>The plan's lines that read every row of Posts (under its own name or an alias the command gives it).</summary>
    public static IEnumerable<string> FullScans(string sql, IEnumerable<string> plan)
    {
        var names = PostsAlias().Matches(sql).Select(m => m.Groups[1].Value).Append("Posts").ToHashSet();
        var pages = OrderedPage().Matches(sql).Select(m => m.Groups[1].Value).ToHashSet();
        return plan.Where(line => ScanLine().Match(line) is { Success: true } scan && names.Contains(scan.Groups[1].Value)
                                  && !(pages.Contains(scan.Groups[1].Value) && line.Contains(" USING INDEX ", StringComparison.Ordinal)));
    }

    private static async Task<List<string>> PlanAsync(SqliteConnection connection, CapturedCommand query)
    {
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + query.Text;
        foreach (var (name, value) in query.Parameters) explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        return plan;
    }

    [GeneratedRegex("\"Posts\"", RegexOptions.None)]
    private static partial Regex PostsTable();

    [GeneratedRegex("\"Posts\" AS \"(\\w+)\"")]
    private static partial Regex PostsAlias();

    /// <summary>Posts read unfiltered in an order, a page at a time: the index walk stops at the page.</summary>
    [GeneratedRegex("\"Posts\" AS \"(\\w+)\"\\s+ORDER BY [^()]*?\\s+LIMIT ")]
    private static partial Regex OrderedPage();

    /// <summary>A scan of a table or of a whole index (a <c>SEARCH</c> uses an index for a range; a <c>SCAN</c> reads every row).</summary>
    [GeneratedRegex(@"^SCAN (\w+)")]
    private static partial Regex ScanLine();
}

public sealed record CapturedCommand(string Text, IReadOnlyList<(string Name, object? Value)> Parameters);

/// <summary>The SQL commands EF Core sends to one SQLite file while it is open, caught from its diagnostic events (no change to the app).</summary>
public sealed class CommandCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly string databaseFile;
    private readonly IDisposable allListeners;
    private readonly List<IDisposable> subscriptions = [];
    private readonly ConcurrentQueue<CapturedCommand> commands = new();

    private CommandCapture(string databaseFile)
    {
        this.databaseFile = databaseFile;
        allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public static CommandCapture Start(string databaseFile) => new(databaseFile);

    public IReadOnlyList<CapturedCommand> Commands => [.. commands];

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name != DbLoggerCategory.Name) return;
        lock (subscriptions) subscriptions.Add(listener.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != RelationalEventId.CommandExecuting.Name || value.Value is not CommandEventData { Command: DbCommand command }) return;
        if (command.Connection is not SqliteConnection connection || !string.Equals(connection.DataSource, databaseFile, StringComparison.Ordinal)) return;
        commands.Enqueue(new CapturedCommand(command.CommandText,
            [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value is DBNull ? null : p.Value))]));
    }

    public void OnCompleted() { }

    public void OnError(Exception error) { }

    public void Dispose()
    {
        allListeners.Dispose();
        lock (subscriptions) subscriptions.ForEach(s => s.Dispose());
    }
}
