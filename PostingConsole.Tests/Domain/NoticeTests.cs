using System.Globalization;
using System.Reflection;
using System.Resources;
using System.Text.RegularExpressions;
using PostingConsole.Domain;

namespace PostingConsole.Tests.Domain;

/// <summary>What the console says is a code and arguments, worded from the resource files in Korean and English.</summary>
public partial class NoticeTests
{
    private static readonly CultureInfo Korean = CultureInfo.GetCultureInfo("ko");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    [GeneratedRegex(@"[\uAC00-\uD7A3]")]
    private static partial Regex Hangul();

    /// <summary>Every notice the console can make, from its factory methods, with ASCII arguments.</summary>
    public static TheoryData<string> Factories()
    {
        var data = new TheoryData<string>();
        foreach (var method in FactoryMethods()) data.Add(method.Name);
        return data;
    }

    private static IEnumerable<MethodInfo> FactoryMethods() =>
        typeof(Notice).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(Notice) && m.Name != nameof(Notice.Read)).OrderBy(m => m.Name);

    private static Notice Make(string factory)
    {
        var method = FactoryMethods().First(m => m.Name == factory);
        // A distinct value for each argument, so a wording that shows one argument twice and another never is caught.
        var args = method.GetParameters().Select((p, i) => p.ParameterType switch
        {
            var t when t == typeof(string) => (object?)$"value{i}",
            var t when t == typeof(int) => 11 + i,
            var t when t == typeof(bool) => true,
            var t when t == typeof(TimeSpan) => TimeSpan.FromMinutes(5),
            var t when t == typeof(DateTime) => new DateTime(2026, 11, 30, 3, 4, 5, DateTimeKind.Utc),
            var t when t == typeof(TimeOnly) => new TimeOnly(8, 0),
            var t when t == typeof(PersonaStatus) => PersonaStatus.Paused,
            var t when t == typeof(FailureReason) => FailureReason.Policy,
            var t => throw new InvalidOperationException($"no sample for {t}"),
        }).ToArray();
        return (Notice)method.Invoke(null, args)!;
    }

    [Theory]
    [MemberData(nameof(Factories))]
    public void Each_notice_has_a_korean_and_an_english_wording_that_uses_every_argument(string factory)
    {
        var notice = Make(factory);
        var korean = notice.Word(Korean);
        var english = notice.Word(English);

        korean.ShouldNotBe(notice.Code, "a Korean text in Texts.resx");
        english.ShouldNotBe(notice.Code, "an English text in Texts.en.resx");
        english.ShouldNotBe(korean, "English is its own text, not the Korean one");
        Hangul().IsMatch(korean).ShouldBeTrue(korean);
        Hangul().IsMatch(english).ShouldBeFalse($"no Korean in the English wording: {english}");
        foreach (var text in new[] { korean, english })
        {
            text.ShouldNotContain("{", customMessage: $"every placeholder filled: {text}");
            foreach (var (name, value) in notice.Args.Where(a => !a.Key.EndsWith("Utc", StringComparison.Ordinal) && a.Key != "reason"))
            {
                text.ShouldContain(value!, customMessage: $"argument {name} shown: {text}");
            }
        }
    }

    [Fact]
    public void Both_resource_files_hold_the_same_keys()
    {
        var resources = new ResourceManager("PostingConsole.Domain.Texts", typeof(Notice).Assembly);
        var neutral = resources.GetResourceSet(CultureInfo.InvariantCulture, true, false)!.Cast<System.Collections.DictionaryEntry>().Select(e => (string)e.Key).ToHashSet();
        var english = resources.GetResourceSet(English, true, false)!.Cast<System.Collections.DictionaryEntry>().Select(e => (string)e.Key).ToHashSet();
        english.ShouldBe(neutral, ignoreOrder: true);
        foreach (var status in Enum.GetValues<PostStatus>()) neutral.ShouldContain("status." + status);
        foreach (var reason in Enum.GetValues<FailureReason>()) neutral.ShouldContain("reason." + reason);
    }

    [Fact]
    public void The_spec_sentences_are_the_korean_wording_and_times_show_in_the_viewers_zone()
    {
        Notice.PostStarted("지수").Korean().ShouldBe("페르소나 '지수' 포스팅 시작...");
        Notice.Published("17895695668004550").Korean().ShouldBe("✅ 성공! 포스트 ID: 17895695668004550");
        Notice.AuthExpired("지수", "code 190").Word(English).ShouldBe("❌ Persona '지수': authorization expired, re-authorization needed (code 190)");
        Notice.Retry("지수", FailureReason.Policy).Word(English).ShouldBe("Persona '지수': Policy violation — retrying");

        var until = new DateTime(2026, 11, 30, 3, 4, 5, DateTimeKind.Utc);
        Notice.WaitingForMeta("지수", until).Korean().ShouldBe("⏳ 페르소나 '지수' Meta 호출 제한 — 03:04:05 UTC까지 대기");
        var seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
        Notice.WaitingForMeta("지수", until).Word(English, t => TimeZoneInfo.ConvertTimeFromUtc(t, seoul).ToString("HH:mm:ss", CultureInfo.InvariantCulture))
            .ShouldBe("⏳ Persona '지수': Meta call limit — waiting until 12:04:05");
    }

    [Fact]
    public void A_value_is_never_read_as_a_placeholder_and_a_long_one_is_cut_between_characters()
    {
        Notice.AuthExpired("{detail}", "code 190").Word(English).ShouldBe("❌ Persona '{detail}': authorization expired, re-authorization needed (code 190)");
        var emoji = new string('a', 599) + "😀" + "tail";
        var cut = Notice.Failed("지수", 3, emoji).Args["detail"]!;
        cut.ShouldBe(new string('a', 599) + "…", "not half of the emoji");
        Notice.Failed("지수", 3, new string('b', 700)).Args["detail"]!.Length.ShouldBe(601);
        Notice.PostStarted("지수").ArgsJson().ShouldContain("지수", customMessage: "Korean stays as it is in the stored arguments");
    }

    [Fact]
    public void A_stored_notice_reads_back_and_an_unknown_code_shows_its_stored_words()
    {
        var notice = Notice.TransientRetry("지수", TimeSpan.FromMinutes(5), 1, 3, "HTTP 500 code 2");
        var read = Notice.Read(notice.Code, notice.ArgsJson()).ShouldNotBeNull();
        read.Word(English).ShouldBe(notice.Word(English));
        Notice.Read(null, null).ShouldBeNull();
        Notice.Read("from.a.later.version", "{}")!.Word(English, fallback: "저장된 문장").ShouldBe("저장된 문장");
    }
}
