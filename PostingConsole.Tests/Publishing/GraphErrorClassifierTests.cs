using PostingConsole.Domain;
using PostingConsole.Publishing;
using PostingConsole.Publishing.Graph;
using static PostingConsole.Publishing.GraphErrorKind;

namespace PostingConsole.Tests.Publishing;

public class GraphErrorClassifierTests
{
    /// <summary>The error bodies recorded in docs/instagram.md#recorded-answers, byte for byte, with the status they came with.</summary>
    public static TheoryData<string, int, string, GraphErrorKind, FailureReason> RecordedResponses => new()
    {
        {
            "token expired", 400,
            """{"error":{"message":"Error validating access token: Session has expired on Thursday, 10-Dec-15 04:00:00 PST. The current time is Thursday, 10-Dec-15 20:23:54 PST.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"AWpk5h2ceG6"}}""",
            TokenDead, FailureReason.AuthExpired
        },
        {
            "throttled (403)", 403,
            """{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","is_transient":true,"code":4,"fbtrace_id":"FlQgl+5U8pF"}}""",
            Throttled, FailureReason.RateLimited
        },
        {
            "server (500)", 500,
            """{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","is_transient":true,"code":2,"fbtrace_id":"AARJAGNjssvGkCTDKtcGLF4"}}""",
            ServerTrouble, FailureReason.Transient
        },
        {
            "fetch failed", 400,
            """{"error":{"code":9004,"type":"OAuthException","message":"Only photo or video can be accepted as media type.","error_subcode":2207052,"error_user_msg":"The media could not be fetched from this URI: .","error_user_title":"Media download has failed. The media URI doesn't meet our requirements."}}""",
            MediaDownloadFailed, FailureReason.MediaUnreachable
        },
        {
            "not ready", 400,
            """{"error":{"message":"Media ID is not available","type":"OAuthException","code":9007,"error_subcode":2207027}}""",
            ContainerNotReady, FailureReason.Transient
        },
        {
            "permission", 403,
            """{"error":{"message":"(#10) Requires instagram_content_publish permission to manage the object","type":"OAuthException","code":10}}""",
            PermissionMissing, FailureReason.AuthExpired
        },
        {
            "too large", 400,
            """{"error":{"message":"The image size is too large.","type":"OAuthException","code":36000,"error_subcode":2207004,"is_transient":false,"error_user_title":"Image size too large","error_user_msg":"The image is too large to download. It should be less than 8 MiB.","fbtrace_id":"A6LJylpZRKw2xKLFsAP-cJh"}}""",
            ImageInvalid, FailureReason.ImageInvalid
        },
        {
            "page throttle", 403,
            """{"error":{"message":"(#32) Page request limit reached","type":"OAuthException","code":32,"fbtrace_id":"Fz54k3GZrio"}}""",
            Throttled, FailureReason.RateLimited
        },
    };

    [Theory]
    [MemberData(nameof(RecordedResponses))]
    public void Every_recorded_response_is_parsed_and_classified(string name, int status, string body, GraphErrorKind kind, FailureReason reason)
    {
        var error = GraphClient.ParseError(status, body);

        error.HttpStatus.ShouldBe(status);
        error.Code.ShouldNotBeNull(name);
        error.Message.ShouldNotBeNullOrEmpty();
        var result = GraphErrorClassifier.Classify(error);
        result.Kind.ShouldBe(kind, name);
        result.Reason.ShouldBe(reason, name);
    }

    [Fact]
    public void The_parsed_error_keeps_code_subcode_trace_and_transient_flag()
    {
        var error = GraphClient.ParseError(400,
            """{"error":{"message":"The image size is too large.","type":"OAuthException","code":36000,"error_subcode":2207004,"is_transient":false,"error_user_title":"Image size too large","error_user_msg":"It should be less than 8 MiB.","fbtrace_id":"A6LJylpZRKw2xKLFsAP-cJh"}}""");

        error.ShouldBe(new GraphError(400, 36000, 2207004, "The image size is too large.", "OAuthException", "Image size too large",
            "It should be less than 8 MiB.", "A6LJylpZRKw2xKLFsAP-cJh", false));
    }

    /// <summary>Every row of the table in docs/instagram.md#error-table: code, subcode, and what the poster does.</summary>
    public static TheoryData<int, int?, GraphErrorKind> TableRows => new()
    {
        { 190, null, TokenDead }, { 190, 458, TokenDead }, { 190, 459, TokenDead }, { 190, 460, TokenDead }, { 190, 463, TokenDead },
        { 190, 464, TokenDead }, { 190, 467, TokenDead }, { 190, 492, TokenDead }, { 102, null, TokenDead },
        { 10, null, PermissionMissing }, { 200, null, PermissionMissing }, { 250, null, PermissionMissing }, { 299, null, PermissionMissing },
        { 25, 2207050, AccountRestricted },
        { 368, null, PolicyBlock },
        { 4, 2207051, SpamSuspected },
        { 4, null, Throttled }, { 17, null, Throttled }, { 32, null, Throttled }, { 341, null, Throttled }, { 613, null, Throttled },
        { 80001, null, Throttled }, { 80002, null, Throttled },
        { 9, 2207042, QuotaReached },
        { 1, null, ServerTrouble }, { 2, null, ServerTrouble }, { -1, 2207001, ServerTrouble },
        { -2, 2207003, MediaDownloadFailed }, { 9004, 2207052, MediaDownloadFailed },
        { -2, 2207020, ContainerLost }, { -1, 2207032, ContainerLost }, { -1, 2207053, ContainerLost }, { 24, 2207008, ContainerLost },
        { 9007, 2207027, ContainerNotReady },
        { 24, 2207006, MediaNotFound },
        { 36000, 2207004, ImageInvalid }, { 36001, 2207005, ImageInvalid }, { 36003, 2207009, ImageInvalid },
        { 36004, 2207010, InvalidInput }, { 100, 2207040, InvalidInput }, { 100, 2207028, InvalidInput },
        { 100, null, BadParameter }, { 100, 33, BadParameter },
    };

    [Theory]
    [MemberData(nameof(TableRows))]
    public void Every_row_of_the_error_table_is_classified(int code, int? subcode, GraphErrorKind expected) =>
        GraphErrorClassifier.Classify(new GraphError(400, code, subcode, "m")).Kind.ShouldBe(expected);

    [Theory]
    [InlineData(ServerTrouble, true)]
    [InlineData(NoAnswer, true)]
    [InlineData(SpamSuspected, true)]
    [InlineData(TokenDead, false)]
    [InlineData(Throttled, false)]
    public void Publishes_that_may_have_gone_out_are_marked_outcome_unknown(GraphErrorKind kind, bool unknown)
    {
        var error = kind switch
        {
            ServerTrouble => new GraphError(500, 2, null, "m"),
            NoAnswer => new GraphError(null, null, null, "timeout", NoAnswer: true),
            SpamSuspected => new GraphError(400, 4, 2207051, "m"),
            TokenDead => new GraphError(400, 190, 463, "m"),
            _ => new GraphError(403, 4, null, "m"),
        };
        GraphErrorClassifier.Classify(error).OutcomeUnknown.ShouldBe(unknown);
    }

    [Theory]
    [InlineData(502, "<html>Bad gateway</html>", ServerTrouble)]
    [InlineData(429, "", Throttled)]
    [InlineData(401, "nope", TokenDead)]
    [InlineData(418, "{}", Unknown)]
    public void A_body_that_is_not_a_graph_error_is_classified_by_its_status(int status, string body, GraphErrorKind kind) =>
        GraphErrorClassifier.Classify(GraphClient.ParseError(status, body)).Kind.ShouldBe(kind);
}
