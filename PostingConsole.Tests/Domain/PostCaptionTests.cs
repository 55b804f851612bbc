using PostingConsole.Domain;

namespace PostingConsole.Tests.Domain;

public class PostCaptionTests
{
    [Fact]
    public void Hashtags_are_appended_once_each_at_the_end()
    {
        var tags = PostCaption.NormalizeHashtags(["#서울", "서울", "Cafe", "cafe", "  "]);
        tags.ShouldBe(["서울", "Cafe"]);
        PostCaption.Compose("오늘 #서울 산책", tags).ShouldBe("오늘 #서울 산책\n\n#Cafe");
    }

    [Fact]
    public void An_empty_caption_becomes_just_the_tags() =>
        PostCaption.Compose("", ["a", "b"]).ShouldBe("#a #b");

    [Fact]
    public void Korean_and_emoji_count_as_one_character_each() =>
        PostCaption.Length("안녕😀").ShouldBe(3);

    [Fact]
    public void Mentions_and_hashtags_are_counted_but_emails_are_not_mentions()
    {
        PostCaption.CountMentions("@a hi @b.c mail me a@b.com").ShouldBe(2);
        PostCaption.CountHashtags("#가 #b #c_d").ShouldBe(3);
    }

    [Theory]
    [InlineData("여행", true)]
    [InlineData("#travel_2026", true)]
    [InlineData("two words", false)]
    [InlineData("bad-tag", false)]
    public void A_hashtag_is_one_word(string tag, bool valid) => PostCaption.IsValidTag(tag).ShouldBe(valid);
}
