namespace PostingConsole.Domain;

/// <summary>After publishing: when the post's insights are read next (docs/insights.md), and how its time was chosen when a slot was asked for.</summary>
public sealed partial class Post
{
    /// <summary>When the post's metrics are read next; null when no read is left (or it was published before insights were read).</summary>
    public DateTime? InsightsDueAt { get; private set; }

    /// <summary>How many of <c>Insights:ReadAfter</c>'s ages the reads so far cover (a late read covers every age it is past).</summary>
    public int InsightsAgesRead { get; private set; }

    /// <summary>Meta will give no metrics for this post (too few viewers, the media deleted): its reads ended.</summary>
    public InsightsUnavailable? InsightsUnavailable { get; private set; }

    /// <summary>The post's time was chosen by the console (a slot instead of a time); an operator's move makes it a fixed time again.</summary>
    public bool Slotted { get; private set; }

    /// <summary>Why the slot's time was chosen (<see cref="SlotReason"/>), kept to show on the post.</summary>
    public SlotReason? SlotReason { get; private set; }

    /// <summary>The slot's score when chosen (its hour's expected result against the persona's usual, 1 = usual).</summary>
    public double? SlotScore { get; private set; }

    /// <summary>The range the slot was asked for (a re-slot stays inside it).</summary>
    public DateTime? SlotFrom { get; private set; }
    public DateTime? SlotTo { get; private set; }

    /// <summary>Plans the first insights read (<paramref name="firstReadAt"/>; null: none).</summary>
    public void PlanInsights(DateTime? firstReadAt)
    {
        InsightsDueAt = firstReadAt;
        InsightsAgesRead = 0;
        InsightsUnavailable = null;
    }

    /// <summary>A read covered <paramref name="agesRead"/> ages; the next is at <paramref name="nextReadAt"/> (null: done).</summary>
    public void RecordInsightsRead(int agesRead, DateTime? nextReadAt, DateTime now)
    {
        InsightsAgesRead = agesRead;
        InsightsDueAt = nextReadAt;
        UpdatedAt = now;
    }

    /// <summary>Meta will never give metrics for the post: no more reads.</summary>
    public void EndInsights(InsightsUnavailable reason, DateTime now)
    {
        InsightsUnavailable = reason;
        InsightsDueAt = null;
        UpdatedAt = now;
    }

    /// <summary>A read that could not be made now (the account's token lacks the permission, say) is tried again at <paramref name="at"/>.</summary>
    public void PostponeInsights(DateTime at, DateTime now)
    {
        InsightsDueAt = at;
        UpdatedAt = now;
    }

    /// <summary>The console chose this post's time (a slot): at <paramref name="at"/>, for <paramref name="reason"/>, inside <paramref name="from"/>–<paramref name="to"/>.</summary>
    public void PlaceInSlot(DateTime at, SlotReason reason, double score, DateTime from, DateTime to, DateTime now)
    {
        if (Status != PostStatus.Scheduled) throw new InvalidPostTransitionException(Status, PostStatus.Scheduled);
        ScheduledAt = at;
        NextAttemptAt = at > now ? at : now;
        Slotted = true;
        SlotReason = reason;
        SlotScore = score;
        SlotFrom = from;
        SlotTo = to;
        UpdatedAt = now;
    }

    /// <summary>An operator moved the post: its time is theirs now, and a re-slot leaves it alone.</summary>
    private void LeaveSlot()
    {
        Slotted = false;
        SlotReason = null;
        SlotScore = null;
    }
}

/// <summary>Why a slot's time was chosen, as shown on the post ("목 20:00 — 최근 8주 이 페르소나 상위 시간대").</summary>
public enum SlotReason
{
    /// <summary>The persona's own results put this hour at the top.</summary>
    Learned,

    /// <summary>Its own results are thin here: its followers are online most at this hour (Meta's <c>online_followers</c>).</summary>
    Audience,

    /// <summary>Its own results are thin here: the fleet's results put this hour at the top.</summary>
    Fleet,

    /// <summary>A less-known hour, tried so the scores keep learning (<c>Slots:ExploreShare</c>).</summary>
    Explore,

    /// <summary>Nothing is known yet: the earliest free time.</summary>
    Unknown,
}
