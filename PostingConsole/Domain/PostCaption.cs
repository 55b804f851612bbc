using System.Text;
using System.Text.RegularExpressions;

namespace PostingConsole.Domain;

/// <summary>Builds the caption Instagram receives and counts what Instagram limits.</summary>
public static partial class PostCaption
{
    public const int MaxLength = 2200;
    public const int MaxHashtags = 30;
    public const int MaxMentions = 20;

    /// <summary>Tags without '#', trimmed, de-duplicated case-insensitively, in first-seen order.</summary>
    public static List<string> NormalizeHashtags(IEnumerable<string>? hashtags) =>
        (hashtags ?? [])
            .Select(t => t.Trim().TrimStart('#').Trim())
            .Where(t => t.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>The caption with each tag appended at its end as <c>#tag</c>; tags already in the caption are not repeated.</summary>
    public static string Compose(string caption, IReadOnlyCollection<string> normalizedTags)
    {
        var body = caption.TrimEnd();
        var present = HashtagRegex().Matches(body).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var toAppend = normalizedTags.Where(t => !present.Contains(t)).Select(t => "#" + t).ToList();
        if (toAppend.Count == 0) return body;
        return body.Length == 0 ? string.Join(' ', toAppend) : body + "\n\n" + string.Join(' ', toAppend);
    }

    /// <summary>What Instagram would refuse in a final caption, as (field, message) pairs; empty when it fits every limit.</summary>
    public static IReadOnlyList<(string Field, string Message)> Check(string finalCaption)
    {
        var problems = new List<(string, string)>();
        var length = Length(finalCaption);
        if (length > MaxLength) problems.Add(("caption", $"caption: the final caption with hashtags is {length} characters; at most {MaxLength}."));
        var tags = CountHashtags(finalCaption);
        if (tags > MaxHashtags) problems.Add(("hashtags", $"hashtags: the final caption has {tags} hashtags; at most {MaxHashtags}."));
        var mentions = CountMentions(finalCaption);
        if (mentions > MaxMentions) problems.Add(("caption", $"caption: {mentions} @mentions; at most {MaxMentions}."));
        return problems;
    }

    /// <summary>Length in Unicode scalar values, so a Korean syllable or an emoji counts as one.</summary>
    public static int Length(string text) => text.EnumerateRunes().Count();

    public static int CountHashtags(string text) => HashtagRegex().Count(text);

    public static int CountMentions(string text) => MentionRegex().Count(text);

    /// <summary>True when a tag is one word Instagram would link (letters, digits, underscore).</summary>
    public static bool IsValidTag(string tag) => TagRegex().IsMatch(tag.Trim().TrimStart('#'));

    [GeneratedRegex(@"#([\p{L}\p{N}_]+)")]
    private static partial Regex HashtagRegex();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_])@[A-Za-z0-9_.]+")]
    private static partial Regex MentionRegex();

    [GeneratedRegex(@"^[\p{L}\p{N}_]+$")]
    private static partial Regex TagRegex();
}
