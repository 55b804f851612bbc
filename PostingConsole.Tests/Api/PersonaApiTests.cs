using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PostingConsole.Api;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Api;

public class PersonaApiTests : IAsyncLifetime
{
    private const string Token = "EAAG-very-secret-token-value-XYZ9";
    private readonly ConsoleAppFactory app = new();
    private HttpClient client = null!;

    public Task InitializeAsync()
    {
        client = app.CreateApiClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_posting_window_is_set_read_back_and_cleared_and_bad_input_names_its_field()
    {
        var created = await (await client.PostAsJsonAsync("/api/personas", new { name = "창", igUserId = "17841400000077", accessToken = Token }))
            .ReadAsync<PersonaResponse>();

        var set = await client.PutAsJsonAsync($"/api/personas/{created.Id}/window", new { from = "08:00", to = "23:00" });
        set.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await set.ReadAsync<PersonaResponse>()).PostingWindow.ShouldBe(new PostingWindowBody("08:00", "23:00"));
        (await client.GetFromJsonAsync<PersonaResponse>($"/api/personas/{created.Id}", ApiClientExtensions.Json))!.PostingWindow!.From.ShouldBe("08:00");

        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { from = "8시", to = "23:00" }, "from"),
                     (new { from = "08:00", to = "25:00" }, "to"),
                     (new { from = "08:00", to = (string?)null }, "to"),
                     (new { from = "09:00", to = "09:00" }, "to"),
                 })
        {
            var refused = await client.PutAsJsonAsync($"/api/personas/{created.Id}/window", body);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await refused.Content.ReadAsStringAsync()).ShouldContain($"\"{field}\"");
        }

        (await client.GetFromJsonAsync<PersonaResponse>($"/api/personas/{created.Id}", ApiClientExtensions.Json))!.PostingWindow
            .ShouldBe(new PostingWindowBody("08:00", "23:00"), "nothing half-written");

        var cleared = await client.PutAsJsonAsync($"/api/personas/{created.Id}/window", new { from = (string?)null, to = (string?)null });
        (await cleared.ReadAsync<PersonaResponse>()).PostingWindow.ShouldBeNull();
    }

    [Fact]
    public async Task A_persona_is_created_and_only_the_token_hint_comes_back()
    {
        var response = await client.PostAsJsonAsync("/api/personas", new { name = "지수", igUserId = "17841400000001", accessToken = Token });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldNotContain(Token);
        body.ShouldNotContain("accessToken");
        var persona = await response.ReadAsync<PersonaResponse>();
        persona.TokenHint.ShouldBe("XYZ9");
        persona.Status.ShouldBe(PersonaStatus.Active);
        persona.TimeZone.ShouldBe("Asia/Seoul");

        (await client.GetStringAsync("/api/personas")).ShouldNotContain(Token);
    }

    [Fact]
    [Trait("Database", "SqliteOnly")]
    public async Task The_raw_sqlite_file_holds_no_token_in_plain_text()
    {
        await client.PostAsJsonAsync("/api/personas", new { name = "지수", igUserId = "17841400000002", accessToken = Token });
        var persona = await client.CreatePersonaAsync("민준", "17841400000003", "EAAG-second-secret-token-QQQQ");
        await client.PutAsJsonAsync($"/api/personas/{persona.Id}/token", new { accessToken = "EAAG-third-secret-token-RRRR" });

        // Make sure everything is in the main file, then read it (and the WAL) as bytes.
        await using (var db = app.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        }

        File.Exists(app.DatabaseFile).ShouldBeTrue();
        foreach (var file in Directory.GetFiles(app.DataFolder, "posting.db*"))
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(file);
            }
            catch (FileNotFoundException) when (file != app.DatabaseFile)
            {
                continue; // SQLite removes -wal/-shm when its last pooled connection closes: nothing left to read
            }

            var text = Encoding.UTF8.GetString(bytes) + Encoding.Latin1.GetString(bytes);
            text.ShouldNotContain(Token);
            text.ShouldNotContain("EAAG-second-secret-token");
            text.ShouldNotContain("EAAG-third-secret-token");
        }
    }

    [Theory]
    [InlineData("{\"igUserId\":\"1784\",\"accessToken\":\"t\"}", "name")]
    [InlineData("{\"name\":\"지수\",\"igUserId\":\"abc\",\"accessToken\":\"t\"}", "igUserId")]
    [InlineData("{\"name\":\"지수\",\"igUserId\":\"1784\"}", "accessToken")]
    [InlineData("{\"name\":\"지수\",\"igUserId\":\"1784\",\"accessToken\":\"t\",\"timeZone\":\"Mars/Base\"}", "timeZone")]
    public async Task Bad_persona_input_names_the_field_and_writes_nothing(string json, string field)
    {
        var response = await client.PostAsync("/api/personas", new StringContent(json, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ReadProblemErrorsAsync()).Keys.ShouldContain(field);
        await using var db = app.CreateDbContext();
        (await db.Personas.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task The_same_igUserId_twice_is_409()
    {
        await client.CreatePersonaAsync("지수", "17841400000009");
        var response = await client.PostAsJsonAsync("/api/personas", new { name = "다른", igUserId = "17841400000009", accessToken = Token });
        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Pause_holds_waiting_posts_and_resume_releases_them()
    {
        var persona = await client.CreatePersonaAsync();
        var post = await (await client.PostAsJsonAsync("/api/posts", new
        {
            personaId = persona.Id, imageUrl = "https://cdn.example.com/a.jpg", caption = "c", scheduledAt = "2030-01-01T00:00:00Z",
        })).ReadAsync<PostResponse>();

        (await client.PostAsJsonAsync($"/api/personas/{persona.Id}/pause", new { reason = "점검" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await (await client.GetAsync($"/api/personas/{persona.Id}")).ReadAsync<PersonaResponse>()).Status.ShouldBe(PersonaStatus.Paused);
        (await (await client.GetAsync($"/api/posts/{post.Id}")).ReadAsync<PostResponse>()).Status.ShouldBe(PostStatus.Held);

        (await client.PostAsync($"/api/personas/{persona.Id}/resume", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var released = await (await client.GetAsync($"/api/posts/{post.Id}")).ReadAsync<PostResponse>();
        released.Status.ShouldBe(PostStatus.Scheduled);
        released.NextAttemptAt.ShouldBe(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public async Task A_new_token_reactivates_the_persona_and_releases_held_posts()
    {
        var persona = await client.CreatePersonaAsync();
        await using (var db = app.CreateDbContext())
        {
            var entity = await db.Personas.SingleAsync(p => p.Id == persona.Id);
            entity.MarkNeedsReauth("190/463", DateTime.UtcNow);
            await db.SaveChangesAsync();
        }

        var post = await (await client.PostAsJsonAsync("/api/posts", new
        {
            personaId = persona.Id, imageUrl = "https://cdn.example.com/a.jpg", caption = "c", scheduledAt = "2030-01-01T00:00:00Z",
        })).ReadAsync<PostResponse>();
        post.Status.ShouldBe(PostStatus.Held, "a post for a persona that needs re-authorization waits held");

        var response = await client.PutAsJsonAsync($"/api/personas/{persona.Id}/token", new { accessToken = "EAAG-new-token-NEW1" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var updated = await response.ReadAsync<PersonaResponse>();
        updated.Status.ShouldBe(PersonaStatus.Active);
        updated.TokenHint.ShouldBe("NEW1");
        (await (await client.GetAsync($"/api/posts/{post.Id}")).ReadAsync<PostResponse>()).Status.ShouldBe(PostStatus.Scheduled);
    }

    [Fact]
    public async Task An_empty_token_update_names_accessToken()
    {
        var persona = await client.CreatePersonaAsync();
        var response = await client.PutAsJsonAsync($"/api/personas/{persona.Id}/token", new { accessToken = "" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ReadProblemErrorsAsync()).Keys.ShouldContain("accessToken");
    }
}
