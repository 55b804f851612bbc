using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Api;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Api;

/// <summary>
/// Malformed and hostile requests against every write endpoint of the API: each is answered with the 4xx that fits
/// (400 naming the field, 404 for what does not exist, 409 for a conflict, 415 for a body that is not JSON; never 500)
/// and nothing is written. The cases are generated from a valid body by breaking one thing at a time.
/// </summary>
public class HostileInputTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory app = new();
    private HttpClient client = null!;
    private int personaId;
    private int postId;

    public async Task InitializeAsync()
    {
        client = app.CreateApiClient();
        await app.GetService<PostingConsole.Sandbox.DemoSeeder>().EnsureDemoMediaAsync(CancellationToken.None);
        personaId = (await client.CreatePersonaAsync("지수", "17841400000000777")).Id;
        var created = await client.PostAsync("/api/posts", Json(ValidPost().ToJsonString()));
        created.EnsureSuccessStatusCode();
        postId = (await created.ReadAsync<PostResponse>()).Id;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private JsonObject ValidPost() => new()
    {
        ["personaId"] = personaId,
        ["imagePath"] = "demo/demo-01.jpg",
        ["caption"] = "안녕하세요",
        ["hashtags"] = new JsonArray("일상"),
        ["scheduledAt"] = "2030-01-01T12:00:00+09:00",
        ["externalId"] = "ok-1",
    };

    private static readonly string Huge = new('가', 300_000);

    /// <summary>Values that break a string field: wrong JSON types, a huge string, control characters.</summary>
    private static readonly JsonNode?[] NotAString =
        [JsonValue.Create(42), JsonValue.Create(true), new JsonObject { ["x"] = 1 }, new JsonArray(1, 2), JsonValue.Create(Huge)];

    private static readonly string[] BadPaths =
        ["../posting.db", "..\\..\\etc\\passwd", "/etc/passwd", "C:\\Windows\\win.ini", "demo/../../keys/key.xml", "demo/./../x.jpg",
         "%2e%2e/posting.db", "demo/\u0000.jpg", "~/x.jpg", "demo/missing.jpg", "file:///etc/passwd", "\\\\server\\share\\x.jpg"];

    private static readonly string[] BadUrls =
        ["file:///etc/passwd", "javascript:alert(1)", "ftp://cdn.example/x.jpg", "data:image/jpeg;base64,AAAA", "not a url", "//cdn.example/x.jpg", "http://", ""];

    private static readonly string[] BadDates =
        ["2026-13-01T00:00:00Z", "2026-11-24", "yesterday", "2026-11-24T25:00:00+09:00", "0000-00-00T00:00:00Z", "2026-11-24T12:00:00",
         "1732420800", "2026-11-24T12:00:00+25:00", "", "2026-02-30T10:00:00+09:00"];

    private static readonly string[] BrokenJson =
        ["", "{", "}", "[]", "null", "123", "\"text\"", "{\"personaId\":}", "{'personaId': 1}", "{\"a\":1,}", "\u0000",
         string.Concat(Enumerable.Repeat("{\"a\":", 300)) + "1" + new string('}', 300)];

    private IEnumerable<(string Name, HttpMethod Method, string Path, HttpContent? Body)> Cases()
    {
        // POST /api/posts: one field broken at a time.
        foreach (var field in new[] { "personaId", "imagePath", "imageUrl", "caption", "scheduledAt", "externalId" })
        {
            foreach (var value in NotAString.Append(null))
            {
                if (field is "imagePath" or "imageUrl" or "externalId" && value is null) continue; // optional: null is allowed
                var body = ValidPost();
                body[field] = value?.DeepClone();
                yield return ($"post {field}={Describe(value)}", HttpMethod.Post, "/api/posts", Json(body.ToJsonString()));
            }
        }

        foreach (var path in BadPaths) yield return With("imagePath", path);
        foreach (var url in BadUrls)
        {
            var body = ValidPost();
            body.Remove("imagePath");
            body["imageUrl"] = url;
            yield return ($"post imageUrl={url}", HttpMethod.Post, "/api/posts", Json(body.ToJsonString()));
        }

        foreach (var date in BadDates) yield return With("scheduledAt", date);
        foreach (var personaValue in new JsonNode?[] { -1, 0, int.MaxValue, JsonValue.Create(99999999999L), JsonValue.Create(1.5), JsonValue.Create("1") })
        {
            var body = ValidPost();
            body["personaId"] = personaValue;
            yield return ($"post personaId={personaValue}", HttpMethod.Post, "/api/posts", Json(body.ToJsonString()));
        }

        foreach (var hashtags in new JsonNode?[]
                 {
                     JsonValue.Create("일상"), JsonValue.Create(5), new JsonArray(new JsonObject()), new JsonArray(JsonValue.Create(1)),
                     new JsonArray(Enumerable.Range(0, 31).Select(i => (JsonNode)JsonValue.Create($"tag{i}")!).ToArray()),
                     new JsonArray(JsonValue.Create(new string('a', 3000))),
                 })
        {
            var body = ValidPost();
            body["hashtags"] = hashtags;
            yield return ($"post hashtags={Describe(hashtags)}", HttpMethod.Post, "/api/posts", Json(body.ToJsonString()));
        }

        foreach (var caption in new[] { new string('x', 2201), string.Concat(Enumerable.Range(0, 21).Select(i => $"@user{i} ")), string.Concat(Enumerable.Range(0, 31).Select(i => $"#t{i} ")) })
        {
            yield return With("caption", caption);
        }

        foreach (var unknown in new[] { "status", "mediaId", "__proto__", "id", "Status" })
        {
            var body = ValidPost();
            body[unknown] = "Published";
            yield return ($"post unknown field {unknown}", HttpMethod.Post, "/api/posts", Json(body.ToJsonString()));
        }

        var noImage = ValidPost();
        noImage.Remove("imagePath");
        yield return ("post without any image", HttpMethod.Post, "/api/posts", Json(noImage.ToJsonString()));

        // PATCH /api/posts/{id}
        foreach (var field in new[] { "scheduledAt", "caption" })
        {
            foreach (var value in NotAString) yield return ($"patch {field}={Describe(value)}", HttpMethod.Patch, $"/api/posts/{postId}", Json(new JsonObject { [field] = value?.DeepClone() }.ToJsonString()));
        }

        foreach (var date in BadDates.Where(d => d.Length > 0)) yield return ($"patch scheduledAt={date}", HttpMethod.Patch, $"/api/posts/{postId}", Json(new JsonObject { ["scheduledAt"] = date }.ToJsonString()));
        yield return ("patch unknown field", HttpMethod.Patch, $"/api/posts/{postId}", Json("{\"status\":\"Published\"}"));
        yield return ("patch caption too long", HttpMethod.Patch, $"/api/posts/{postId}", Json(new JsonObject { ["caption"] = new string('x', 2300) }.ToJsonString()));
        yield return ("patch a post that does not exist", HttpMethod.Patch, "/api/posts/987654", Json("{\"caption\":\"x\"}"));

        // POST /api/personas
        var validPersona = new JsonObject { ["name"] = "민준", ["igUserId"] = "17841400000000999", ["accessToken"] = "EAA-hostile-token-abcd" };
        foreach (var field in new[] { "name", "igUserId", "accessToken", "timeZone" })
        {
            foreach (var value in NotAString.Append(null))
            {
                if (field == "timeZone" && value is null) continue;
                var body = (JsonObject)validPersona.DeepClone();
                body[field] = value?.DeepClone();
                yield return ($"persona {field}={Describe(value)}", HttpMethod.Post, "/api/personas", Json(body.ToJsonString()));
            }
        }

        foreach (var (field, value) in new[] { ("timeZone", "Mars/Olympus_Mons"), ("igUserId", "17841400000000777"), ("name", ""), ("accessToken", "  "), ("igUserId", "drop table") })
        {
            var body = (JsonObject)validPersona.DeepClone();
            body[field] = value;
            yield return ($"persona {field}={value}", HttpMethod.Post, "/api/personas", Json(body.ToJsonString()));
        }

        // Token, pause, retry, retry-matching, publish-now
        foreach (var value in NotAString.Append(null).Append(JsonValue.Create("")))
        {
            yield return ($"token={Describe(value)}", HttpMethod.Put, $"/api/personas/{personaId}/token", Json(new JsonObject { ["accessToken"] = value?.DeepClone() }.ToJsonString()));
        }

        yield return ("token for a persona that does not exist", HttpMethod.Put, "/api/personas/987654/token", Json("{\"accessToken\":\"EAA-x-1234\"}"));
        yield return ("pause reason not a string", HttpMethod.Post, $"/api/personas/{personaId}/pause", Json("{\"reason\":{\"x\":1}}"));
        yield return ("pause a persona that does not exist", HttpMethod.Post, "/api/personas/987654/pause", Json("{}"));
        foreach (var after in new JsonNode?[] { "2h", "never", "", "-30m", "now; DROP TABLE Posts", 30, null, new JsonArray("now") })
        {
            yield return ($"retry after={Describe(after)}", HttpMethod.Post, $"/api/posts/{postId}/retry", Json(new JsonObject { ["after"] = after?.DeepClone() }.ToJsonString()));
            yield return ($"retry matching after={Describe(after)}", HttpMethod.Post, "/api/posts/retry", Json(new JsonObject { ["after"] = after?.DeepClone() }.ToJsonString()));
        }

        foreach (var (field, value) in new (string, JsonNode?)[] { ("status", "Exploded"), ("status", 3), ("failureReason", "Gremlins"), ("personaId", "one"), ("unknown", 1) })
        {
            yield return ($"retry matching {field}={Describe(value)}", HttpMethod.Post, "/api/posts/retry", Json(new JsonObject { ["after"] = "now", [field] = value }.ToJsonString()));
        }

        yield return ("publish-now republish not a bool", HttpMethod.Post, $"/api/posts/{postId}/publish-now", Json("{\"republish\":\"yes\"}"));
        yield return ("retry a scheduled post", HttpMethod.Post, $"/api/posts/{postId}/retry", Json("{\"after\":\"now\"}"));

        // Broken JSON and wrong content types on every write endpoint.
        var writes = new (HttpMethod, string)[]
        {
            (HttpMethod.Post, "/api/posts"), (HttpMethod.Patch, $"/api/posts/{postId}"), (HttpMethod.Post, "/api/personas"),
            (HttpMethod.Put, $"/api/personas/{personaId}/token"), (HttpMethod.Post, $"/api/posts/{postId}/retry"), (HttpMethod.Post, "/api/posts/retry"),
        };
        foreach (var (method, path) in writes)
        {
            foreach (var raw in BrokenJson) yield return ($"{method} {path} broken json {Describe(raw)}", method, path, Json(raw));
            yield return ($"{method} {path} text/plain", method, path, new StringContent("{}", Encoding.UTF8, "text/plain"));
            yield return ($"{method} {path} xml", method, path, new StringContent("<post/>", Encoding.UTF8, "application/xml"));
            yield return ($"{method} {path} form", method, path, new FormUrlEncodedContent(new Dictionary<string, string> { ["caption"] = "x" }));
        }

        // Bad ids and queries.
        foreach (var path in new[] { "/api/posts/abc", "/api/posts/-1/cancel", "/api/posts/99999999999/cancel", "/api/posts/1.5/retry", "/api/personas/x/pause" })
        {
            yield return ($"post {path}", HttpMethod.Post, path, Json("{}"));
        }

        foreach (var query in new[] { "status=Nope", "page=0", "page=-1", "pageSize=0", "pageSize=100000", "from=garbage", "to=2026-13-01", "personaId=abc", "page=abc", "status=1" })
        {
            yield return ($"list ?{query}", HttpMethod.Get, $"/api/posts?{query}", null);
        }

        foreach (var query in new[] { "to=2026-13-01", "from=0001-01-01", "to=0001-01-01", "from=x&to=y", "from=2026-11-25&to=2026-11-01", "from=1900-01-01&to=9999-12-31" })
        {
            yield return ($"stats ?{query}", HttpMethod.Get, $"/api/stats/daily?{query}", null);
        }

        (string, HttpMethod, string, HttpContent?) With(string field, string value)
        {
            var body = ValidPost();
            body[field] = value;
            return ($"post {field}={Describe(value)}", HttpMethod.Post, "/api/posts", Json(body.ToJsonString()));
        }
    }

    /// <summary>The answer each case must get: a refused body is 400 unless it is no JSON at all, or names what does not exist or conflicts.</summary>
    private static int Expected(string name) => name switch
    {
        _ when name.EndsWith(" xml", StringComparison.Ordinal) || name.EndsWith(" text/plain", StringComparison.Ordinal)
               || name.EndsWith(" form", StringComparison.Ordinal) => 415,
        "retry a scheduled post" or "persona igUserId=17841400000000777" => 409,
        "post /api/posts/abc" => 405, // no POST route has a non-numeric id
        _ when name.Contains("does not exist", StringComparison.Ordinal) || name is "post /api/posts/-1/cancel" or "post /api/posts/99999999999/cancel"
               or "post /api/posts/1.5/retry" or "post /api/personas/x/pause" => 404,
        _ => 400,
    };

    [Fact]
    public async Task Two_hundred_malformed_or_hostile_requests_each_get_their_4xx_none_500_and_nothing_is_written()
    {
        var before = await SnapshotAsync();
        var cases = Cases().ToList();
        cases.Count.ShouldBeGreaterThanOrEqualTo(200);

        var wrong = new List<string>();
        foreach (var (name, method, path, body) in cases)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body };
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            if (status != Expected(name))
            {
                var answer = await response.Content.ReadAsStringAsync();
                wrong.Add($"{name}: {status}, expected {Expected(name)}: {answer[..Math.Min(200, answer.Length)]}");
            }
        }

        wrong.ShouldBeEmpty();
        (await SnapshotAsync()).ShouldBe(before, "nothing was written");
    }

    private async Task<string> SnapshotAsync()
    {
        await using var db = app.CreateDbContext();
        var post = await db.Posts.AsNoTracking().SingleAsync(p => p.Id == postId);
        var persona = await db.Personas.AsNoTracking().SingleAsync(p => p.Id == personaId);
        return string.Join("|",
            await db.Posts.CountAsync(), await db.Personas.CountAsync(), await db.AuditLog.CountAsync(), await db.ActivityLog.CountAsync(),
            post.Status, post.Caption, post.ScheduledAt.Ticks, post.NextAttemptAt?.Ticks, persona.Status, persona.ProtectedToken, persona.UpdatedAt.Ticks);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => s.Length > 24 ? $"<{s.Length} chars>" : s,
        JsonNode node => node.ToJsonString() is var j && j.Length > 24 ? $"<{j.Length} chars of json>" : j,
        _ => value.ToString() ?? "",
    };
}
