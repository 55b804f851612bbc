using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Sandbox;

/// <summary>
/// Sandbox mode's demo data: on an empty database, personas with Korean names and a day of posts whose
/// images are real JPEG files in <c>Media:LocalRoot/demo</c>, served by the console itself. A few personas
/// get a sandbox fault so every screen has something to show.
/// </summary>
public sealed partial class DemoSeeder(
    IDbContextFactory<PostingDbContext> contextFactory, TokenProtector tokens, AppPaths paths,
    IOptions<SandboxOptions> options, TimeProvider time, Publishing.InsightsSchedule insights, ILogger<DemoSeeder> logger)
{
    public const string DemoFolder = "demo";

    private static readonly string[] FirstSyllables = ["지", "민", "서", "하", "수", "예", "도", "유", "채", "윤", "은", "다", "소", "현", "나", "태", "시", "주", "가", "연"];
    private static readonly string[] SecondSyllables = ["수", "준", "연", "윤", "아", "린", "은", "우", "원", "희", "진", "율", "빈", "별", "온"];
    private static readonly string[] Topics = ["카페", "여행", "패션", "운동", "음식", "일상", "노을", "봄", "밤", "산책", "축제", "음악"];
    private static readonly string[] Moods = ["오늘도 좋은 하루 ☀️", "주말 기록 📸", "요즘 빠져 있는 것", "작은 행복을 찾아서", "기억하고 싶은 순간", "새로운 시작 ✨"];

    /// <summary>Faults the simulated Graph API plays for some demo personas (by 1-based position).</summary>
    public static readonly IReadOnlyDictionary<int, SandboxFault> DemoFaults = new Dictionary<int, SandboxFault>
    {
        [7] = SandboxFault.TokenExpired,
        [13] = SandboxFault.Throttled,
        [21] = SandboxFault.ServerErrors,
        [34] = SandboxFault.Restricted,
        [55] = SandboxFault.Slow,
        [89] = SandboxFault.CorruptImage,
        [40] = SandboxFault.SmallAudience,
        [12] = SandboxFault.LostCommentAnswer,
    };

    /// <summary>The demo persona (1-based) whose new posts carry no AI label by default (the others' do, as a new persona's).</summary>
    public const int UnlabelledPersona = 10;

    /// <summary>The demo persona (1-based) whose token Meta lets expire 3 days after the demo is made (the readiness check warns).</summary>
    public const int ExpiringTokenPersona = 5;

    /// <summary>
    /// Demo posts (persona, post; 1-based) carrying what Meta would refuse, for the readiness screen: a URL that answers 404, a PNG,
    /// a 3:1 panorama; and a re-encoded, smaller copy of another persona's photo (a duplicate).
    /// </summary>
    public static readonly (int Persona, int Post) MissingUrlPost = (3, 2), PngPost = (4, 2), PanoramaPost = (6, 2), DuplicatePost = (8, 3), DuplicateOriginal = (9, 3);

    /// <summary>The host of the Sandbox's simulated CDN (<see cref="SandboxCdn"/>): URLs on it are served by the console itself.</summary>
    public const string CdnHost = SandboxCdn.Host;

    private const string ResourcePrefix = "DemoMedia.";

    private static IReadOnlyList<string> DemoMediaNames { get; } =
        typeof(DemoSeeder).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The demo photos (JPEG, feed aspect ratios).</summary>
    public static IReadOnlyList<string> DemoImageNames { get; } = DemoMediaNames.Where(n => n.EndsWith(".jpg", StringComparison.Ordinal)).ToList();

    /// <summary>The demo video (a 3-second 9:16 MP4) that the demo's reels and video stories carry.</summary>
    public const string DemoVideoName = "demo-reel.mp4";

    /// <summary>Korean given names, unique, in a fixed order.</summary>
    public static IEnumerable<string> KoreanNames() =>
        SecondSyllables.SelectMany((second, j) => FirstSyllables.Select((first, i) => (Order: (i * 7 + j * 3) % 300, Name: first + second)))
            .Where(n => n.Name[0] != n.Name[1])
            .OrderBy(n => n.Order).ThenBy(n => n.Name, StringComparer.Ordinal)
            .Select(n => n.Name)
            .Distinct();

    /// <summary>Writes the demo photos and video into the media folder (always, so a fresh data folder has them).</summary>
    public async Task EnsureDemoMediaAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(paths.MediaRoot, DemoFolder);
        Directory.CreateDirectory(folder);
        foreach (var name in DemoMediaNames)
        {
            var target = Path.Combine(folder, name);
            if (File.Exists(target)) continue;
            await using var source = typeof(DemoSeeder).Assembly.GetManifestResourceStream(ResourcePrefix + name)!;
            await using var file = File.Create(target);
            await source.CopyToAsync(file, cancellationToken);
        }
    }

    /// <summary>Posts due 3 to 10 s after the demo is seeded (the first of the first personas').</summary>
    public const int FirstMinutePosts = 8;

    public async Task SeedIfEmptyAsync(CancellationToken cancellationToken)
    {
        await EnsureDemoMediaAsync(cancellationToken);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Personas.AnyAsync(cancellationToken)) return;

        var now = time.GetUtcNow().UtcDateTime;
        var settings = options.Value;
        var names = KoreanNames().Take(settings.DemoPersonas).ToList();
        var personas = names.Select((name, i) =>
        {
            var token = $"EAAsandbox{i + 1:000}{Guid.NewGuid():N}";
            var persona = Persona.Create(name, $"17841400{i + 1:0000000}", tokens.Protect(token), Persona.HintFor(token), "Asia/Seoul", now);
            if (DemoFaults.TryGetValue(i + 1, out var fault)) persona.SetSandboxFault(fault, now);
            if (i + 1 == ExpiringTokenPersona) persona.SetSandboxTokenExpiry(now.AddDays(3), now);
            if (i + 1 == UnlabelledPersona) persona.SetAiLabelDefault(false, now);
            return persona;
        }).ToList();
        db.Personas.AddRange(personas);
        await db.SaveChangesAsync(cancellationToken);

        // A day of posts: each persona's posts spread over the next 24 hours. The first post of the first few personas is due
        // within 10 s, so whoever opens the console sees cards turn ⚙️→✅ and the log move at once; the next ones within minutes.
        var posts = new List<Post>();
        var random = new Random(8);
        var folder = Path.Combine(paths.MediaRoot, DemoFolder);
        var basePhotos = DemoImageNames;
        string Photo(int persona, int index) => $"{DemoFolder}/{DemoImages.PersonaPhoto(folder, basePhotos, persona, index)}";
        DemoImages.WriteFaulty(folder, Photo(DuplicateOriginal.Persona - 1, DuplicateOriginal.Post - 1)[(DemoFolder.Length + 1)..]);
        for (var p = 0; p < personas.Count; p++)
        {
            for (var k = 0; k < settings.DemoPostsPerPersona; k++)
            {
                var at = k == 0
                    ? (p < FirstMinutePosts ? now.AddSeconds(3 + p) : now.AddMinutes(1 + p % 20))
                    : now.AddMinutes(random.Next(30, 24 * 60));
                var topic = Topics[(p + k) % Topics.Length];
                var caption = $"{personas[p].Name}의 {topic} 이야기. {Moods[(p * 3 + k) % Moods.Length]}";
                var content = FaultyContent(p + 1, k + 1) ?? DemoContent(p, k, Photo);
                var post = Post.Create(personas[p].Id, content, content.MediaType == MediaType.Stories ? "" : caption,
                    content.MediaType == MediaType.Stories ? [] : [topic, "데일리", personas[p].Name], at, externalId: $"demo-{p + 1}-{k + 1}", now);
                var (fields, comment) = DemoFields(content, p, k, topic);
                post.SetFields(personas[p].AiLabelDefault, fields, comment, now);
                posts.Add(post);
            }
        }

        posts.AddRange(History(personas, now, settings.DemoHistoryDays, Photo, insights));
        db.Posts.AddRange(posts);
        await db.SaveChangesAsync(cancellationToken);
        LogSeeded(logger, personas.Count, posts.Count);
    }

    /// <summary>
    /// The demo's past: two feed photos a day per persona over the last <paramref name="days"/> days, at varied hours, published
    /// (media ids the Sandbox finds in the console's records). Their insights are due, so the first minutes' reads show what each
    /// achieved, late and once, and the learned posting times have results to learn from at once.
    /// </summary>
    private static IEnumerable<Post> History(List<Persona> personas, DateTime now, int days, Func<int, int, string> photo, Publishing.InsightsSchedule insights)
    {
        var random = new Random(26);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
        var today = TimeZoneInfo.ConvertTimeFromUtc(now, zone).Date;
        for (var p = 0; p < personas.Count; p++)
        {
            // A faulty account has no past to show (but an account's audience or comments are not faults of publishing).
            if (DemoFaults.TryGetValue(p + 1, out var fault) && fault is not (SandboxFault.SmallAudience or SandboxFault.LostCommentAnswer)) continue;
            for (var d = days; d >= 1; d--)
            {
                foreach (var hour in new[] { random.Next(8, 16), random.Next(16, 24) })
                {
                    var at = TimeZoneInfo.ConvertTimeToUtc(today.AddDays(-d).AddHours(hour).AddMinutes(random.Next(0, 60)), zone);
                    var post = Post.Create(personas[p].Id, PostContent.Image(null, photo(p, (d + hour) % 3)), $"{personas[p].Name}의 지난 기록 {d}일 전",
                        ["데일리", personas[p].Name], at, externalId: $"demo-history-{p + 1}-{d}-{hour}", at);
                    post.Claim("demo-history", 0, at.AddMinutes(1), at);
                    var mediaId = $"1790000{p + 1:000}{d:00}{hour:00}";
                    post.MarkPublished(mediaId, $"https://www.instagram.com/p/demo{p + 1}x{d}x{hour}/", at);
                    post.PlanInsights(insights.FirstReadAt(MediaType.Image, at));
                    if (d == 1) personas[p].RecordPublished(at);
                    yield return post;
                }
            }
        }
    }

    /// <summary>
    /// Mostly feed photos, as persona accounts post; some carousels, reels and stories among them. Three of the first-minute
    /// posts are one of each, so a newcomer sees every kind go ⚙️→✅ at once.
    /// </summary>
    private static PostContent DemoContent(int persona, int post, Func<int, int, string> photo)
    {
        var video = $"{DemoFolder}/{DemoVideoName}";
        var slot = post == 0 ? persona : persona * 3 + post;
        return (slot % 7) switch
        {
            1 => new PostContent(MediaType.Carousel, Items: Enumerable.Range(0, 3).Select(i => PostItem.Image(null, photo(persona, post + i))).ToList()),
            2 => new PostContent(MediaType.Reels, VideoPath: video),
            3 => slot % 2 == 0 ? new PostContent(MediaType.Stories, ImagePath: photo(persona, post)) : new PostContent(MediaType.Stories, VideoPath: video),
            _ => PostContent.Image(null, photo(persona, post)),
        };
    }

    /// <summary>
    /// What the demo's posts carry beside their media (docs/instagram.md#optional-fields): a carousel has two collaborators, a location,
    /// alt text on its photos and a first comment; every third photo alt text and a first comment with its hashtags; a reel an audio name.
    /// </summary>
    private static (PostFields Fields, string Comment) DemoFields(PostContent content, int persona, int post, string topic) => content.MediaType switch
    {
        MediaType.Carousel => (new PostFields(Collaborators: ["sora.lee", "jun_ho"], LocationId: "106377336067638",
                Items: content.Items!.Select((_, i) => new ItemFields($"{topic} 사진 {i + 1}")).ToList()),
            $"#{topic} #데일리 함께한 친구들 고마워요 🙌"),
        MediaType.Reels => (new PostFields(AudioName: $"오리지널 오디오 · {topic}", ThumbOffsetMs: 1000), ""),
        MediaType.Image when (persona + post) % 3 == 0 => (new PostFields($"{topic}을(를) 담은 사진"), $"#{topic} #오늘의기록 링크는 프로필에서 👆"),
        _ => (PostFields.None, ""),
    };

    /// <summary>The demo's faulty posts' content (1-based persona and post), or null for an ordinary one.</summary>
    private static PostContent? FaultyContent(int persona, int post) => (persona, post) switch
    {
        var at when at == MissingUrlPost => PostContent.Image($"http://{CdnHost}/{DemoFolder}/deleted-by-upstream.jpg", null),
        var at when at == PngPost => PostContent.Image(null, $"{DemoFolder}/{DemoImages.PngName}"),
        var at when at == PanoramaPost => PostContent.Image(null, $"{DemoFolder}/{DemoImages.PanoramaName}"),
        var at when at == DuplicatePost => PostContent.Image(null, $"{DemoFolder}/{DemoImages.DuplicateCopy}"),
        _ => null,
    };

    [LoggerMessage(EventId = 4501, Level = LogLevel.Information, Message = "Sandbox demo data created: {Personas} personas, {Posts} posts")]
    private static partial void LogSeeded(ILogger logger, int personas, int posts);
}
