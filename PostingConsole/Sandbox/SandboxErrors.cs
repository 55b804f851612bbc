namespace PostingConsole.Sandbox;

/// <summary>Meta's error bodies, as recorded (docs/instagram.md#recorded-answers) where a recording exists.</summary>
public static class SandboxErrors
{
    public static string Trace() => "A" + Convert.ToBase64String(Guid.NewGuid().ToByteArray())[..20].Replace('/', '_').Replace('+', '-');

    public static IResult TokenExpired() => Error(400,
        $$$"""{"error":{"message":"Error validating access token: Session has expired on Thursday, 10-Dec-15 04:00:00 PST. The current time is Thursday, 10-Dec-15 20:23:54 PST.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"{{{Trace()}}}"}}""");

    public static IResult MissingToken() => Error(400,
        $$$"""{"error":{"message":"An active access token must be used to query information about the current user.","type":"OAuthException","code":2500,"fbtrace_id":"{{{Trace()}}}"}}""");

    /// <summary>Throttling as Meta words each code: 4 application, 17 user, 32 page, 613 rate, 80001/80002 business use case.</summary>
    public static IResult Throttled(int code = 4)
    {
        var message = code switch
        {
            4 => "(#4) Application request limit reached",
            17 => "(#17) User request limit reached",
            32 => "(#32) Page request limit reached",
            613 => "(#613) Calls to this api have exceeded the rate limit.",
            80001 => "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
            80002 => "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.",
            _ => $"(#{code}) Request limit reached",
        };
        return Error(403, $$$"""{"error":{"message":"{{{message}}}","type":"OAuthException","is_transient":true,"code":{{{code}}},"fbtrace_id":"{{{Trace()}}}"}}""");
    }

    public static IResult InvalidToken() => Error(400,
        $$$"""{"error":{"message":"Invalid OAuth access token - Cannot parse access token","type":"OAuthException","code":190,"fbtrace_id":"{{{Trace()}}}"}}""");

    public static IResult Spam() => Error(400,
        $$$"""{"error":{"message":"Application request limit reached","type":"OAuthException","code":4,"error_subcode":2207051,"is_transient":false,"error_user_title":"Action is blocked","error_user_msg":"We restrict certain activity to protect our community. Let us know if you think that we made a mistake.","fbtrace_id":"{{{Trace()}}}"}}""");

    public static IResult ServerError() => Error(500,
        $$$"""{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","is_transient":true,"code":2,"fbtrace_id":"{{{Trace()}}}"}}""");

    public static IResult Restricted() => Error(400,
        $$$"""{"error":{"message":"The user is restricted from performing this action.","type":"OAuthException","code":25,"error_subcode":2207050,"is_transient":false,"error_user_title":"Restricted account","error_user_msg":"The app user's Instagram professional account is inactive, checkpointed or restricted.","fbtrace_id":"{{{Trace()}}}"}}""");

    public static IResult FetchFailed() => Error(400,
        """{"error":{"code":9004,"type":"OAuthException","message":"Only photo or video can be accepted as media type.","error_subcode":2207052,"error_user_msg":"The media could not be fetched from this URI: .","error_user_title":"Media download has failed. The media URI doesn't meet our requirements."}}""");

    public static IResult TooLarge() => Error(400,
        $$$"""{"error":{"message":"The image size is too large.","type":"OAuthException","code":36000,"error_subcode":2207004,"is_transient":false,"error_user_title":"Image size too large","error_user_msg":"The image is too large to download. It should be less than 8 MiB.","fbtrace_id":"{{{Trace()}}}"}}""");

    public static IResult NotJpeg() => Error(400,
        $$$"""{"error":{"message":"The image format is not supported.","type":"OAuthException","code":36001,"error_subcode":2207005,"is_transient":false,"error_user_title":"Unsupported image format","error_user_msg":"The image format is not supported. Supported formats: JPEG.","fbtrace_id":"{{{Trace()}}}"}}""");

    public static IResult BadAspectRatio() => Error(400,
        $$$"""{"error":{"message":"The aspect ratio is not supported.","type":"OAuthException","code":36003,"error_subcode":2207009,"is_transient":false,"error_user_title":"Aspect ratio is not supported","error_user_msg":"The submitted image with aspect ratio cannot be published. Please submit an image with a valid aspect ratio.","fbtrace_id":"{{{Trace()}}}"}}""");

    public static IResult NotReady() => Error(400,
        """{"error":{"message":"Media ID is not available","type":"OAuthException","code":9007,"error_subcode":2207027}}""");

    public static IResult QuotaReached() => Error(400,
        $$$"""{"error":{"message":"Application request limit reached","type":"OAuthException","code":9,"error_subcode":2207042,"is_transient":false,"error_user_title":"Max posts reached","error_user_msg":"The maximum number of posts that can be published in 24 hours has been reached.","fbtrace_id":"{{{Trace()}}}"}}""");

    public static IResult ContainerExpired() => Error(400,
        $$$"""{"error":{"message":"The media container has expired.","type":"OAuthException","code":-2,"error_subcode":2207020,"fbtrace_id":"{{{Trace()}}}"}}""");

    /// <summary>A carousel Meta refuses: children missing, of another account, not carousel items, too few or too many (100/2207028).</summary>
    public static IResult BadCarousel(string message) => Error(400,
        $$$"""{"error":{"message":"(#100) {{{message.Replace("\"", "'")}}}","type":"OAuthException","code":100,"error_subcode":2207028,"is_transient":false,"error_user_title":"Carousel validation failed","error_user_msg":"The carousel could not be published: {{{message.Replace("\"", "'")}}}","fbtrace_id":"{{{Trace()}}}"}}""");

    /// <summary>The <c>status</c> of a video container whose file Meta could not use (2207026: format not supported).</summary>
    public const string VideoFormatStatus = "Error: 2207026: The video format is not supported. Please check spec for supported video formats.";

    public static IResult BadParameter(string message) => Error(400,
        $$$"""{"error":{"message":"(#100) {{{message.Replace("\"", "'")}}}","type":"OAuthException","code":100,"fbtrace_id":"{{{Trace()}}}"}}""");

    public static IResult UnknownObject(string id) => Error(400,
        $$$"""{"error":{"message":"Unsupported get request. Object with ID '{{{id}}}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.","type":"GraphMethodException","code":100,"error_subcode":33,"fbtrace_id":"{{{Trace()}}}"}}""");

    /// <summary>Insights of a media seen by too few accounts (Meta's code 10; a different message from the permission refusal).</summary>
    public static IResult NotEnoughViewers() => Error(400,
        $$$"""{"error":{"message":"(#10) Not enough viewers for the media to show insights","type":"OAuthException","code":10,"fbtrace_id":"{{{Trace()}}}"}}""");

    /// <summary>A call by a token without the permission it needs (code 10): an insights read without <c>instagram_manage_insights</c>,
    /// a comment without <c>instagram_manage_comments</c>; Meta answers both as it refuses publishing.</summary>
    public static IResult NoPermission() => Error(403,
        $$$"""{"error":{"message":"(#10) Application does not have permission for this action","type":"OAuthException","code":10,"fbtrace_id":"{{{Trace()}}}"}}""");

    /// <summary>A collaborator or tagged account Meta cannot load: a leading <c>@</c>, a private or unknown username (recorded by Postiz, 110/2207018).</summary>
    public static IResult InvalidUser(string username) => Error(400,
        $$$"""{"error":{"message":"Invalid user id","type":"OAuthException","code":110,"error_subcode":2207018,"is_transient":false,"error_user_title":"Cannot load user with a private profile or invalid username","error_user_msg":"The following user(s) cannot be accessed: {{{username.Replace("\"", "'")}}}","fbtrace_id":"{{{Trace()}}}"}}""");

    /// <summary>A <c>thumb_offset</c> outside the video (Meta's error-code reference: 1/2207057).</summary>
    public static IResult ThumbOffset(int videoLengthMs) => Error(400,
        $$$"""{"error":{"message":"An unknown error has occurred.","type":"OAuthException","code":1,"error_subcode":2207057,"is_transient":false,"error_user_title":"Invalid thumbnail offset","error_user_msg":"Thumbnail offset must be greater than or equal to 0 and less than video duration, i.e. {{{videoLengthMs}}}","fbtrace_id":"{{{Trace()}}}"}}""");

    /// <summary>A <c>location_id</c> that is not a Page with location data (Meta's INSTAGRAM_PLATFORM_API__INVALID_LOCATION_ID).</summary>
    public static IResult InvalidLocation(string id) => Error(400,
        $$$"""{"error":{"message":"(#100) Invalid location_id {{{id.Replace("\"", "'")}}}: the Page has no location data (INSTAGRAM_PLATFORM_API__INVALID_LOCATION_ID)","type":"OAuthException","code":100,"is_transient":false,"fbtrace_id":"{{{Trace()}}}"}}""");

    internal static IResult Error(int status, string body) => Results.Content(body, "application/json", statusCode: status);
}
