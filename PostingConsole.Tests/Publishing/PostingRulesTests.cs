using PostingConsole.Configuration;
using PostingConsole.Domain;
using PostingConsole.Publishing;
using PostingConsole.Publishing.Graph;
using static PostingConsole.Publishing.PostAction;

namespace PostingConsole.Tests.Publishing;

/// <summary>Every row of docs/instagram.md's error table and each rule of the spec, as one table over <see cref="PostingRules.Decide"/>.</summary>
public class PostingRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 3, 0, 0, DateTimeKind.Utc);
    private static readonly PostingOptions Options = new();

    public sealed record Row(string Name, GraphError Error, RuleFacts Facts, GraphUsage Usage, PostAction Action, FailureReason Reason,
        TimeSpan? After = null, bool CountsAsRetry = false, bool NewContainer = false, bool LocalFile = false,
        PersonaAction Persona = PersonaAction.None, CircuitScope Circuit = CircuitScope.None, AlertKind? Alert = null)
    {
        public override string ToString() => Name;
    }

    private static GraphError E(int? code, int? subcode = null, int http = 400) => new(http, code, subcode, "m");

    private static readonly RuleFacts Fresh = new();
    private static readonly GraphUsage NoUsage = GraphUsage.None;

    public static TheoryData<Row> Rows
    {
        get
        {
            var data = new TheoryData<Row>();
            void Add(Row row) => data.Add(row);

            // Token dead (190 with every subcode, 102), permission missing (10, 200-299), 100/33 on the account, HTTP 401 (spec).
            foreach (var sub in new int?[] { null, 458, 459, 460, 463, 464, 467, 492 })
                Add(new($"190/{sub}", E(190, sub), Fresh, NoUsage, Hold, FailureReason.AuthExpired, Persona: PersonaAction.NeedsReauth, Alert: AlertKind.AuthExpired));
            Add(new("102", E(102), Fresh, NoUsage, Hold, FailureReason.AuthExpired, Persona: PersonaAction.NeedsReauth, Alert: AlertKind.AuthExpired));
            foreach (var code in new[] { 10, 200, 250, 299 })
                Add(new($"{code} permission", E(code), Fresh, NoUsage, Hold, FailureReason.AuthExpired, Persona: PersonaAction.NeedsReauth, Alert: AlertKind.AuthExpired));
            Add(new("100/33 on the account", E(100, 33), new RuleFacts(OnAccount: true), NoUsage, Hold, FailureReason.AuthExpired,
                Persona: PersonaAction.NeedsReauth, Alert: AlertKind.AuthExpired));
            Add(new("100/33 on a container (a bad parameter)", E(100, 33), Fresh, NoUsage, Fail, FailureReason.InvalidInput, Alert: AlertKind.PostFailed));
            Add(new("spec: 401 Unauthorized", new GraphError(401, null, null, "Unauthorized"), Fresh, NoUsage, Hold, FailureReason.AuthExpired,
                Persona: PersonaAction.NeedsReauth, Alert: AlertKind.AuthExpired));

            // Restricted, policy, suspected spam.
            Add(new("25/2207050 restricted (spec: suspended)", E(25, 2207050), Fresh, NoUsage, Hold, FailureReason.AccountSuspended,
                Persona: PersonaAction.Suspend, Alert: AlertKind.AccountSuspended));
            Add(new("368 policy", E(368), Fresh, NoUsage, Hold, FailureReason.Policy, Persona: PersonaAction.Suspend, Alert: AlertKind.AccountSuspended));
            Add(new("4/2207051 spam", E(4, 2207051), Fresh, NoUsage, Hold, FailureReason.Policy, Persona: PersonaAction.StopForSpam, Alert: AlertKind.SpamSuspected));

            // Throttling: the account's estimate opens its circuit; the app at 100 % or code 4 without an estimate, the app's.
            var estimate = new GraphUsage(null, 100, TimeSpan.FromMinutes(7));
            foreach (var code in new[] { 4, 17, 32, 341, 613, 80001, 80002 })
                Add(new($"{code} with the account's estimate", E(code, http: 403), Fresh, estimate, Retry, FailureReason.RateLimited,
                    After: TimeSpan.FromMinutes(7), Circuit: CircuitScope.Account));
            foreach (var code in new[] { 17, 32, 341, 613, 80001, 80002 })
                Add(new($"{code} without an estimate (spec: 1 h)", E(code, http: 403), Fresh, NoUsage, Retry, FailureReason.RateLimited,
                    After: TimeSpan.FromHours(1), Circuit: CircuitScope.Account));
            Add(new("4 without an estimate: the app", E(4, http: 403), Fresh, NoUsage, Retry, FailureReason.RateLimited,
                After: TimeSpan.FromHours(1), Circuit: CircuitScope.App));
            Add(new("4 with X-App-Usage 100 %", E(4, http: 403), Fresh, new GraphUsage(100, null, null), Retry, FailureReason.RateLimited,
                After: TimeSpan.FromHours(1), Circuit: CircuitScope.App));
            Add(new("spec: 429 rate limit → 1 h", new GraphError(429, null, null, "Too Many Requests"), Fresh, NoUsage, Retry, FailureReason.RateLimited,
                After: TimeSpan.FromHours(1), Circuit: CircuitScope.Account));

            // Quota: deferred to the next free slot of the moving 24 hours (not a failure).
            Add(new("9/2207042 quota", E(9, 2207042), new RuleFacts(OldestPublishIn24h: Now.AddHours(-20)), NoUsage, Defer, FailureReason.QuotaReached,
                After: TimeSpan.FromHours(4).Add(TimeSpan.FromMinutes(1))));

            // Server trouble: 5 min × 3 (spec), then Failed; on publish the outcome is unknown.
            foreach (var (code, sub) in new (int, int?)[] { (1, null), (2, null), (-1, 2207001) })
                Add(new($"{code}/{sub} server", E(code, sub, 500), Fresh, NoUsage, Retry, FailureReason.Transient, After: TimeSpan.FromMinutes(5), CountsAsRetry: true));
            Add(new("spec: 500 a 4th time → Failed", E(2, http: 500), new RuleFacts(TransientRetries: 3), NoUsage, Fail, FailureReason.Transient, Alert: AlertKind.PostFailed));
            Add(new("no answer to media_publish", new GraphError(null, null, null, "timeout", NoAnswer: true), new RuleFacts(PublishMayHaveGoneOut: true), NoUsage,
                Retry, FailureReason.OutcomeUnknown, After: TimeSpan.FromMinutes(5), CountsAsRetry: true));

            // Meta could not download the media: the local file (spec: CDN unreachable → local file), else retry.
            foreach (var (code, sub) in new (int, int?)[] { (-2, 2207003), (9004, 2207052) })
            {
                Add(new($"{code}/{sub} with a local file", E(code, sub), new RuleFacts(HasLocalFile: true), NoUsage, Retry, FailureReason.MediaUnreachable,
                    After: TimeSpan.Zero, NewContainer: true, LocalFile: true));
                Add(new($"{code}/{sub} already from the local file", E(code, sub), new RuleFacts(HasLocalFile: true, UsesLocalFile: true), NoUsage,
                    Retry, FailureReason.MediaUnreachable, After: TimeSpan.FromMinutes(5), CountsAsRetry: true, NewContainer: true));
            }

            // Container lost or expired, media not found: a new container.
            foreach (var (code, sub) in new (int, int?)[] { (-2, 2207020), (-1, 2207032), (-1, 2207053), (24, 2207008), (24, 2207006) })
                Add(new($"{code}/{sub} new container", E(code, sub), Fresh, NoUsage, Retry, FailureReason.Transient,
                    After: TimeSpan.FromMinutes(5), CountsAsRetry: true, NewContainer: true));

            // Image errors (spec: corrupt image → "이미지 재생성 필요"), input errors, video errors: Failed, no retry.
            foreach (var (code, sub) in new (int, int?)[] { (36000, 2207004), (36001, 2207005), (36003, 2207009) })
                Add(new($"{code}/{sub} image", E(code, sub), Fresh, NoUsage, Fail, FailureReason.ImageInvalid, Alert: AlertKind.ImageNeedsRegeneration));
            foreach (var (code, sub) in new (int, int?)[] { (36004, 2207010), (100, 2207040), (100, 2207028), (352, 2207026), (1, 2207057), (100, null) })
                Add(new($"{code}/{sub} input", E(code, sub), Fresh, NoUsage, Fail, FailureReason.InvalidInput, Alert: AlertKind.PostFailed));

            // Container status ERROR: by its subcode; none → one new container, then a media error.
            Add(new("ERROR with 2207004", GraphErrorClassifier.FromContainerStatus("ERROR", "Error: 2207004 The image is too large."), Fresh, NoUsage,
                Fail, FailureReason.ImageInvalid, Alert: AlertKind.ImageNeedsRegeneration));
            Add(new("ERROR without a subcode, first", GraphErrorClassifier.FromContainerStatus("ERROR", "Error: The media could not be processed."), Fresh, NoUsage,
                Retry, FailureReason.Transient, After: TimeSpan.Zero, NewContainer: true));
            Add(new("ERROR without a subcode, again", GraphErrorClassifier.FromContainerStatus("ERROR", "Error"), new RuleFacts(ContainerErrors: 1), NoUsage,
                Fail, FailureReason.ImageInvalid, NewContainer: true, Alert: AlertKind.ImageNeedsRegeneration));
            Add(new("EXPIRED", GraphErrorClassifier.FromContainerStatus("EXPIRED", "Expired"), Fresh, NoUsage, Retry, FailureReason.Transient,
                After: TimeSpan.FromMinutes(5), CountsAsRetry: true, NewContainer: true));

            // Not ready (after polling ran out): transient.
            Add(new("9007/2207027", E(9007, 2207027), Fresh, NoUsage, Retry, FailureReason.Transient, After: TimeSpan.FromMinutes(5), CountsAsRetry: true));

            // The publisher's in-call rows: what a step does about an answer before the error table.
            var server = E(1, http: 500);
            var noAnswer = new GraphError(null, null, null, "timeout", NoAnswer: true);
            RuleFacts At(string step, bool onAccount = true) => new(OnAccount: onAccount, Step: step);
            Add(new("quota read: server trouble → publish anyway", server, At(PublishSteps.Quota), NoUsage, Proceed, FailureReason.Transient));
            Add(new("quota read: no answer → publish anyway", noAnswer, At(PublishSteps.Quota), NoUsage, Proceed, FailureReason.OutcomeUnknown));
            Add(new("quota read: unknown error → publish anyway", E(12345), At(PublishSteps.Quota), NoUsage, Proceed, FailureReason.Unknown));
            Add(new("quota read: token dead → not a precaution", E(190), At(PublishSteps.Quota), NoUsage, Hold, FailureReason.AuthExpired,
                Persona: PersonaAction.NeedsReauth, Alert: AlertKind.AuthExpired));
            Add(new("quota read: 2207042", E(9, 2207042), At(PublishSteps.Quota) with { OldestPublishIn24h = Now.AddHours(-23) }, NoUsage, Defer,
                FailureReason.QuotaReached, After: TimeSpan.FromHours(1).Add(TimeSpan.FromMinutes(1))));
            Add(new("media_publish: 9007 not ready → wait for the container", E(9007, 2207027), At(PublishSteps.Publish), NoUsage, WaitForContainer,
                FailureReason.Transient));
            Add(new("carousel: a child not ready → wait for the children", E(9007, 2207027), At(PublishSteps.CreateContainer) with { CarouselParent = true }, NoUsage,
                WaitForContainer, FailureReason.Transient));
            Add(new("carousel: not ready again after waiting", E(9007, 2207027), At(PublishSteps.CreateContainer) with { CarouselParent = true, ContainerWaited = true },
                NoUsage, Retry, FailureReason.Transient, After: TimeSpan.FromMinutes(5), CountsAsRetry: true));
            Add(new("carousel child: 9007 is no wait (a counted retry)", E(9007, 2207027), At(PublishSteps.CreateContainer), NoUsage, Retry, FailureReason.Transient,
                After: TimeSpan.FromMinutes(5), CountsAsRetry: true));
            Add(new("feed photo container: 9007 is no wait", E(9007, 2207027), At(PublishSteps.CreateContainer), NoUsage, Retry, FailureReason.Transient,
                After: TimeSpan.FromMinutes(5), CountsAsRetry: true));
            Add(new("media_publish: no answer → reconcile first", noAnswer, At(PublishSteps.Publish) with { PublishMayHaveGoneOut = true }, NoUsage, Reconcile,
                FailureReason.OutcomeUnknown));
            Add(new("media_publish: server trouble → reconcile first", server, At(PublishSteps.Publish) with { PublishMayHaveGoneOut = true }, NoUsage, Reconcile,
                FailureReason.Transient));
            Add(new("media_publish: container lost → reconcile first", E(-2, 2207020), At(PublishSteps.Publish), NoUsage, Reconcile, FailureReason.Transient));
            Add(new("media_publish: spam → reconcile first", E(4, 2207051), At(PublishSteps.Publish), NoUsage, Reconcile, FailureReason.RateLimited));
            Add(new("media_publish: spam, reconciled → stop the persona", E(4, 2207051), At(PublishSteps.Publish) with { Reconciled = true }, NoUsage, Hold,
                FailureReason.Policy, Persona: PersonaAction.StopForSpam, Alert: AlertKind.SpamSuspected));
            Add(new("media_publish: no answer, reconciled, still unknown", noAnswer, At(PublishSteps.Publish) with { Reconciled = true, PublishMayHaveGoneOut = true },
                NoUsage, Retry, FailureReason.OutcomeUnknown, After: TimeSpan.FromMinutes(5), CountsAsRetry: true));
            Add(new("media_publish: a container status read's no answer is no reconcile", noAnswer, At(PublishSteps.ContainerStatus, onAccount: false), NoUsage,
                Retry, FailureReason.OutcomeUnknown, After: TimeSpan.FromMinutes(5), CountsAsRetry: true));
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_row_decides_as_the_rule_book_says(Row row)
    {
        var decision = PostingRules.Decide(row.Error, row.Usage, row.Facts, Options, Now);

        decision.Action.ShouldBe(row.Action, row.Name);
        decision.Reason.ShouldBe(row.Reason, row.Name);
        decision.At.ShouldBe(row.After is { } after ? Now + after : null, row.Name);
        decision.CountsAsRetry.ShouldBe(row.CountsAsRetry, row.Name);
        decision.NewContainer.ShouldBe(row.NewContainer, row.Name);
        decision.FallBackToLocalFile.ShouldBe(row.LocalFile, row.Name);
        decision.Persona.ShouldBe(row.Persona, row.Name);
        decision.Circuit.ShouldBe(row.Circuit, row.Name);
        decision.CircuitUntil.ShouldBe(row.Circuit == CircuitScope.None ? null : decision.At, row.Name);
        decision.Alert.ShouldBe(row.Alert, row.Name);
        decision.ReportsFailure.ShouldBe(row.Action == Fail, row.Name);
    }

    /// <summary>The publisher's branches that are not about an error: each a row with its decision.</summary>
    [Fact]
    public void The_publishers_other_branches_are_rules_too()
    {
        // A persona that cannot publish: the post is held with it, for the reason its status gives.
        PostingRules.PersonaUnusable(PersonaStatus.NeedsReauth).ShouldBe(new PostingDecision(Hold, FailureReason.AuthExpired));
        PostingRules.PersonaUnusable(PersonaStatus.Suspended).ShouldBe(new PostingDecision(Hold, FailureReason.AccountSuspended));
        PostingRules.PersonaUnusable(PersonaStatus.Paused).ShouldBe(new PostingDecision(Hold, FailureReason.Unknown));
        // Behind the account's circuit: nothing sent, the post starts when it reopens; no circuit opens, nothing is counted.
        PostingRules.BehindCircuit(Now.AddMinutes(7)).ShouldBe(new PostingDecision(WaitBehindCircuit, FailureReason.RateLimited, Now.AddMinutes(7)));
        // The quota read says it is full: deferred as Meta's 2207042 is, a minute after the oldest publish leaves the 24 hours.
        var full = PostingRules.QuotaFull(new RuleFacts(OldestPublishIn24h: Now.AddHours(-22)), Options, Now);
        full.ShouldBe(new PostingDecision(Defer, FailureReason.QuotaReached, Now.AddHours(2).AddMinutes(1)));
        full.ShouldBe(PostingRules.Decide(E(9, 2207042), NoUsage, new RuleFacts(OldestPublishIn24h: Now.AddHours(-22)), Options, Now));
        // The quota is read when there is no read, the read is a day old, or the usage is within the margin of the total.
        PostingRules.QuotaReadDue(null, null, null, Now).ShouldBeTrue();
        PostingRules.QuotaReadDue(50, 10, Now.AddHours(-37), Now).ShouldBeTrue();
        PostingRules.QuotaReadDue(50, 10, Now.AddHours(-30), Now).ShouldBeFalse();
        PostingRules.QuotaReadDue(50, 48, Now.AddHours(-1), Now).ShouldBeTrue();
        PostingRules.QuotaReadDue(50, 47, Now.AddHours(-1), Now).ShouldBeFalse();
        PostingRules.QuotaReadDue(50, null, Now.AddHours(-1), Now).ShouldBeTrue();
    }

    [Fact]
    public void Spec_rules_not_tied_to_an_error_code()
    {
        // CDN unreachable → the local file, when there is one.
        PostingRules.UseLocalFileForUnreachableCdn(new RuleFacts(HasLocalFile: true)).ShouldBeTrue();
        PostingRules.UseLocalFileForUnreachableCdn(new RuleFacts(HasLocalFile: false)).ShouldBeFalse();
        PostingRules.UseLocalFileForUnreachableCdn(new RuleFacts(HasLocalFile: true, UsesLocalFile: true)).ShouldBeFalse();
        // Above about 90 % of a budget, slow down; below, no spacing.
        PostingRules.SpacingFor(null).ShouldBe(TimeSpan.Zero);
        PostingRules.SpacingFor(89).ShouldBe(TimeSpan.Zero);
        PostingRules.SpacingFor(90).ShouldBeGreaterThan(TimeSpan.Zero);
        PostingRules.SpacingFor(97).ShouldBeGreaterThan(PostingRules.SpacingFor(90));
        // The quota's next slot when nothing is known about the window: the rate-limit delay.
        PostingRules.Decide(E(9, 2207042), GraphUsage.None, Fresh, Options, Now).At.ShouldBe(Now + Options.RateLimitRetryDelay);
    }
}
