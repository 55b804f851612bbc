using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>
/// A fleet's past written through the product's own model (never hand-written SQL that could drift from it): each post is
/// created, claimed and taken through its stages by the domain's methods, then published (media id, permalink) or failed,
/// with the attempt rows a run leaves. Used by the query-plan test at a small scale and by the history benchmark at 100,000
/// and 1,000,000 posts.
/// </summary>
public static class PostHistory
{
    /// <summary><paramref name="count"/> personas with Korean names.</summary>
    public static async Task<List<Persona>> AddPersonasAsync(Func<PostingDbContext> newContext, int count, DateTime now)
    {
        await using var db = newContext();
        var personas = Enumerable.Range(0, count).Select(i => Persona.Create($"페르소나{i:000}", $"1790{i:000000}", "x", "abcd", "Asia/Seoul", now.AddDays(-400))).ToList();
        db.Personas.AddRange(personas);
        await db.SaveChangesAsync();
        return personas;
    }

    /// <summary>
    /// <paramref name="count"/> past posts spread evenly over <paramref name="span"/> before an hour ago, over the personas in
    /// turn; <paramref name="failedShare"/> of them failed (an image Meta refused), the rest published.
    /// </summary>
    public static async Task AddPastAsync(Func<PostingDbContext> newContext, IReadOnlyList<Persona> personas, int count, TimeSpan span, DateTime now,
        double failedShare = 0.03, int seed = 1, int batch = 5_000)
    {
        var random = new Random(seed);
        var end = now.AddHours(-1);
        for (var start = 0; start < count; start += batch)
        {
            await using var db = newContext();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var posts = new List<Post>();
            for (var i = start; i < Math.Min(count, start + batch); i++)
            {
                var at = end - span * ((double)(count - i) / count);
                var post = Post.Create(personas[i % personas.Count].Id, $"https://cdn.example/h/{i}.jpg", null, $"지난 포스팅 {i}", ["데일리"], at, null, at.AddDays(-1));
                post.Claim("history", 1, at.AddMinutes(2), at);
                post.RecordContainer($"1790{i:0000000000}", at);
                if (random.NextDouble() < failedShare)
                {
                    post.Fail(FailureReason.ImageInvalid, "HTTP 400 code 36003/2207009: The image's aspect ratio is not supported.", at.AddSeconds(3));
                }
                else
                {
                    post.RecordPublishRequested(at.AddSeconds(1));
                    post.RecordMediaId($"1791{i:0000000000}", at.AddSeconds(2));
                    post.MarkPublished($"1791{i:0000000000}", $"https://www.instagram.com/p/H{i}/", at.AddSeconds(3));
                }

                posts.Add(post);
            }

            db.Posts.AddRange(posts);
            await db.SaveChangesAsync();
            foreach (var post in posts)
            {
                var at = post.UpdatedAt;
                db.PostAttempts.Add(new PostAttempt { PostId = post.Id, ClaimNumber = 1, At = at.AddSeconds(-3), Step = PublishSteps.CreateContainer, Succeeded = true, HttpStatus = 200, Message = $"container {post.ContainerId}", DurationMs = 420 });
                db.PostAttempts.Add(post.Status == PostStatus.Published
                    ? new PostAttempt { PostId = post.Id, ClaimNumber = 1, At = at.AddSeconds(-1), Step = PublishSteps.Publish, Succeeded = true, HttpStatus = 200, Message = $"media {post.MediaId}", DurationMs = 610 }
                    : new PostAttempt { PostId = post.Id, ClaimNumber = 1, At = at, Step = PublishSteps.ContainerStatus, Succeeded = false, HttpStatus = 200, Code = 36003, Subcode = 2207009, Message = post.LastError, DurationMs = 90 });
            }

            await db.SaveChangesAsync();
        }
    }

    /// <summary>The day ahead: <paramref name="count"/> scheduled posts over the next 24 hours.</summary>
    public static async Task AddUpcomingAsync(Func<PostingDbContext> newContext, IReadOnlyList<Persona> personas, int count, DateTime now)
    {
        await using var db = newContext();
        for (var i = 0; i < count; i++)
        {
            db.Posts.Add(Post.Create(personas[i % personas.Count].Id, $"https://cdn.example/u/{i}.jpg", null, $"예정 포스팅 {i}", ["데일리"],
                now.AddMinutes(5 + 24.0 * 60 * i / count), null, now));
        }

        await db.SaveChangesAsync();
    }
}
