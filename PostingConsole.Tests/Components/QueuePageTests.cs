using Bunit;
using PostingConsole.Components.Pages.Queue;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Components;

public class QueuePageTests : ConsoleComponentTest
{
    [Fact]
    public async Task Renders_a_card_per_post_with_persona_time_in_seoul_and_status_badge()
    {
        await using (var db = Db())
        {
            var persona = Persona.Create("지수", "1784", "x", "abcd", null, Time.GetUtcNow().UtcDateTime);
            db.Personas.Add(persona);
            await db.SaveChangesAsync();
            db.Posts.Add(Post.Create(persona.Id, "https://cdn/a.jpg", null, "c", null, new DateTime(2026, 11, 24, 3, 0, 0, DateTimeKind.Utc), null, Time.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync();
        }

        var page = Context.Render<QueuePage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=post-card]").Count.ShouldBe(1));
        page.Markup.ShouldContain("지수");
        page.Markup.ShouldContain("2026-11-24 12:00", customMessage: "03:00 UTC is 12:00 in Seoul");
        page.Find("[data-testid=status-badge]").TextContent.ShouldContain("🕒 대기");
    }
}
