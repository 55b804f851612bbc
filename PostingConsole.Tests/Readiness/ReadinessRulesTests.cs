using PostingConsole.Configuration;
using PostingConsole.Domain;
using PostingConsole.Readiness;

namespace PostingConsole.Tests.Readiness;

/// <summary>The readiness check's pure rules: capacity, duplicates, the caption key, the persona and its token.</summary>
public sealed class ReadinessRulesTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Capacity_counts_the_publishes_already_in_the_moving_day_and_names_only_the_posts_that_do_not_fit()
    {
        // Quota 5: three published in the last 24 hours; upcoming every 2 hours. The window frees a place as each publish leaves it.
        var published = new[] { Now.AddHours(-20), Now.AddHours(-10), Now.AddHours(-1) };
        var upcoming = Enumerable.Range(1, 6).Select(i => new PlannedPost(i, Now.AddHours(i * 2))).ToList();

        var over = ReadinessRules.Capacity(upcoming, published, quotaTotal: 5, hourlyLimit: 10);

        // +2 h: 3 in the day before it, fits; +4 h: −20 h has left, 3, fits; +6 h: 4, fits; +8 h, +10 h, +12 h: 5 each (−10 h,
        // −1 h and the three that fit), so none of the three fits.
        over.Keys.Order().ShouldBe([4, 5, 6]);
        over.Values.ShouldAllBe(p => p.Code == ReadinessCode.OverQuota && p.Blocks);
        ReadinessRules.Capacity(upcoming, published, quotaTotal: null, hourlyLimit: 10).ShouldBeEmpty("no quota read yet: nothing to compare with");
    }

    [Fact]
    public void The_hourly_limit_is_a_warning_and_a_deferred_post_still_takes_its_place_in_the_day()
    {
        var upcoming = Enumerable.Range(1, 4).Select(i => new PlannedPost(i, Now.AddMinutes(10 * i))).ToList();
        var over = ReadinessRules.Capacity(upcoming, [], quotaTotal: 50, hourlyLimit: 3);
        over.Keys.ShouldBe([4]);
        over[4].ShouldSatisfyAllConditions(p => p.Code.ShouldBe(ReadinessCode.OverHourlyLimit), p => p.Blocks.ShouldBeFalse());

        // Quota 4: the fourth post is deferred past the hour but still goes that day, so the fifth (at 2 h) is over the quota.
        var day = upcoming.Append(new PlannedPost(5, Now.AddHours(2))).ToList();
        ReadinessRules.Capacity(day, [], quotaTotal: 4, hourlyLimit: 3)[5].Code.ShouldBe(ReadinessCode.OverQuota);
    }

    [Theory]
    [InlineData(DuplicatePolicy.Warn, false, false)]
    [InlineData(DuplicatePolicy.Hold, false, true)]
    public void A_duplicate_warns_both_and_under_Hold_blocks_the_later(DuplicatePolicy policy, bool earlierBlocks, bool laterBlocks)
    {
        var options = new ReadinessOptions { DuplicatePolicy = policy };
        var picture = new ImageFingerprint(0x0F0F_F0F0_1234_5678, 0x806040);
        var earlier = new NearbyPost(1, 10, "지수", Now.AddHours(1), picture, null);
        var later = new NearbyPost(2, 20, "민서", Now.AddHours(2), picture with { Hash = picture.Hash ^ 0b1011, Color = 0x826242 }, null); // 3 bits, a shade apart
        var finder = new DuplicateFinder([earlier, later], options);

        finder.SameImage(earlier).ShouldBe(later);
        finder.SameImage(later).ShouldBe(earlier);
        ReadinessRules.Duplicate(ReadinessCode.DuplicateImage, later, 1, earlier.At, options)
            .ShouldSatisfyAllConditions(p => p.Blocks.ShouldBe(earlierBlocks), p => p.Detail!.ShouldContain("#2"));
        ReadinessRules.Duplicate(ReadinessCode.DuplicateImage, earlier, 2, later.At, options).Blocks.ShouldBe(laterBlocks);
    }

    [Fact]
    public void Duplicates_are_looked_for_on_other_personas_within_the_window_only_and_by_colour_as_well_as_shade()
    {
        var options = new ReadinessOptions { DuplicateWindow = TimeSpan.FromDays(14) };
        var picture = new ImageFingerprint(42, 0x336699);
        var me = new NearbyPost(1, 10, "지수", Now, picture, "key");
        DuplicateFinder Finder(NearbyPost other, ReadinessOptions? with = null) => new([me, other], with ?? options);

        Finder(new NearbyPost(2, 10, "같은 페르소나", Now, picture, "key")).SameImage(me).ShouldBeNull();
        Finder(new NearbyPost(2, 20, "지난달", Now.AddDays(-15), picture, "key")).SameImage(me).ShouldBeNull();
        Finder(new NearbyPost(2, 20, "다른 사진", Now, picture with { Hash = ~42L }, null)).SameImage(me).ShouldBeNull();
        // The same light and shade in another colour (two smooth gradients, two flat pictures) is another picture.
        Finder(new NearbyPost(2, 20, "다른 색", Now, picture with { Color = 0x996633 }, null)).SameImage(me).ShouldBeNull();
        Finder(new NearbyPost(2, 20, "같은 캡션", Now.AddDays(3), null, "key")).SameCaption(me)!.PostId.ShouldBe(2);
        Finder(new NearbyPost(2, 20, "x", Now, picture, "key"), new ReadinessOptions { DuplicatePolicy = DuplicatePolicy.Off }).SameImage(me).ShouldBeNull();
    }

    [Fact]
    public void The_caption_key_ignores_spacing_case_punctuation_and_emoji_and_skips_short_captions()
    {
        var key = ReadinessRules.CaptionKey("오늘의 카페 기록 ☕️ 라떼 한 잔과 함께 #데일리 #카페");
        key.ShouldNotBeNull();
        ReadinessRules.CaptionKey("오늘의  카페 기록!!\n라떼 한 잔과 함께 🌿 #데일리 #카페").ShouldBe(key);
        ReadinessRules.CaptionKey("오늘의 카페 기록 ☕️ 녹차 한 잔과 함께 #데일리 #카페").ShouldNotBe(key);
        ReadinessRules.CaptionKey("좋은 아침! ☀️").ShouldBeNull();
    }

    [Fact]
    public void The_token_warns_ahead_and_blocks_past_its_expiry_and_a_missing_permission_blocks()
    {
        var options = new ReadinessOptions { TokenExpiryWarning = TimeSpan.FromDays(7) };
        var persona = Persona.Create("지수", "1784", "protected", "abcd", null, Now);
        persona.RecordToken(Now.AddDays(3), null, ["instagram_basic", "instagram_content_publish"], Now);

        ReadinessRules.PersonaProblems(persona, Now.AddHours(5), options, Now).Single()
            .ShouldSatisfyAllConditions(p => p.Code.ShouldBe(ReadinessCode.TokenExpiring), p => p.Blocks.ShouldBeFalse());
        ReadinessRules.PersonaProblems(persona, Now.AddDays(4), options, Now).Single()
            .ShouldSatisfyAllConditions(p => p.Code.ShouldBe(ReadinessCode.TokenInvalid), p => p.Blocks.ShouldBeTrue());

        persona.RecordToken(null, null, ["instagram_basic"], Now);
        ReadinessRules.PersonaProblems(persona, Now.AddHours(5), options, Now).Single().Code.ShouldBe(ReadinessCode.PermissionMissing);

        persona.Pause("휴가", Now);
        ReadinessRules.PersonaProblems(persona, Now.AddHours(5), options, Now).Single().Code.ShouldBe(ReadinessCode.PersonaNotActive);
    }

    [Fact]
    public void A_post_outside_its_personas_window_is_a_warning_naming_when_it_starts()
    {
        var persona = Persona.Create("지수", "1784", "protected", "abcd", "Asia/Seoul", Now);
        persona.SetPostingWindow(new TimeOnly(9, 0), new TimeOnly(21, 0), Now);
        // 00:00 UTC is 09:00 in Seoul: inside. 13:00 UTC is 22:00: outside, starts at 00:00 UTC the next day.
        ReadinessRules.PersonaProblems(persona, Now.AddHours(1), new ReadinessOptions(), Now).ShouldBeEmpty();
        ReadinessRules.PersonaProblems(persona, Now.AddHours(13), new ReadinessOptions(), Now).Single()
            .ShouldSatisfyAllConditions(p => p.Code.ShouldBe(ReadinessCode.OutsideWindow), p => p.Detail!.ShouldContain("2026-12-06T00:00Z"));
    }

    [Fact]
    public void A_video_index_gives_its_duration_and_a_reel_outside_3_s_to_15_min_is_refused()
    {
        var twoSeconds = Mp4WithDuration(timescale: 1000, units: 2_000);
        MediaFormats.TryReadVideoDuration(twoSeconds, out var duration).ShouldBeTrue();
        duration.ShouldBe(TimeSpan.FromSeconds(2));
        MediaFormats.Check(twoSeconds, twoSeconds.Length, MediaType.Reels, video: true, whole: false)!.Value.Code.ShouldBe(ReadinessCode.VideoSpec);
        MediaFormats.Check(twoSeconds, twoSeconds.Length, MediaType.Stories, video: true, whole: false).ShouldBeNull();
        // A duration Meta's crawler cannot read ("unknown", all ones) judges nothing, and ends nothing.
        MediaFormats.TryReadVideoDuration(Mp4WithDuration(timescale: 1, units: uint.MaxValue), out _).ShouldBeFalse();
        var story = Mp4WithDuration(timescale: 600, units: 600 * 90);
        MediaFormats.Check(story, story.Length, MediaType.Stories, video: true, whole: false)!.Value.Detail.ShouldContain("90 s");
    }

    /// <summary>An MP4's head: <c>ftyp</c>, then <c>moov</c> holding a version-0 <c>mvhd</c>.</summary>
    private static byte[] Mp4WithDuration(uint timescale, uint units)
    {
        static byte[] Box(string type, byte[] content) =>
            [.. BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)(content.Length + 8))), .. "    "u8.ToArray().Select((_, i) => (byte)type[i]), .. content];
        static byte[] Be(uint v) => BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v));
        var mvhd = Box("mvhd", [0, 0, 0, 0, .. Be(0), .. Be(0), .. Be(timescale), .. Be(units), .. new byte[80]]);
        return [.. Box("ftyp", [.. "isom"u8.ToArray(), 0, 0, 2, 0]), .. Box("moov", mvhd)];
    }
}
