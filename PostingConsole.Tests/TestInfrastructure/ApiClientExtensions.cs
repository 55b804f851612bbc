using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using PostingConsole.Api;

namespace PostingConsole.Tests.TestInfrastructure;

public static class ApiClientExtensions
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task<PersonaResponse> CreatePersonaAsync(this HttpClient client, string name = "지수", string? igUserId = null, string token = "EAAtesttoken-SECRET-abcd")
    {
        var response = await client.PostAsJsonAsync("/api/personas", new { name, igUserId = igUserId ?? Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(), accessToken = token });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PersonaResponse>(Json))!;
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(Json))!;

    /// <summary>The <c>errors</c> member of a validation problem: field name → messages.</summary>
    public static async Task<Dictionary<string, string[]>> ReadProblemErrorsAsync(this HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        doc.RootElement.TryGetProperty("errors", out var errors).ShouldBeTrue("problem details have no errors member");
        return errors.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray());
    }
}
