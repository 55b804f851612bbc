using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Tests.Benchmarks;

/// <summary>Issue 27's week: 100 personas, each with posts spread over the week's waking hours, as upstream plans them.</summary>
internal static class CalendarWeekSeed
{
    /// <param name="monday">The week's first day, in the operator's time zone.</param>
    /// <param name="toUtc">The operator's time zone to UTC.</param>
    public static async Task AddAsync(PostingDbContext db, DateTime monday, int postsPerPersona, Func<DateTime, DateTime> toUtc)
    {
        var now = DateTime.UtcNow;
        var personas = Enumerable.Range(0, 100).Select(i => Persona.Create($"페르소나{i}", $"1785{i:000000}", "x", "abcd", null, now)).ToList();
        db.Personas.AddRange(personas);
        await db.SaveChangesAsync();
        var random = new Random(27);
        foreach (var persona in personas)
        {
            var hours = Enumerable.Range(0, 7 * 16).OrderBy(_ => random.Next()).Take(postsPerPersona);
            foreach (var slot in hours)
            {
                var local = monday.AddDays(slot / 16).AddHours(8 + slot % 16).AddMinutes(random.Next(60));
                db.Posts.Add(Post.Create(persona.Id, null, "demo/demo-01.jpg", $"{persona.Name} {slot}", ["데일리"], toUtc(local), null, now));
            }
        }

        await db.SaveChangesAsync();
    }
}
