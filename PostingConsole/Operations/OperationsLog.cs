namespace PostingConsole.Operations;

/// <summary>The operator actions' log lines, source-generated.</summary>
internal static partial class OperationsLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "{Key} is set but users exist already; it is ignored. Remove it from the configuration.")]
    public static partial void BootstrapPasswordIgnored(this ILogger logger, string key);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning,
        Message = "No user can sign in yet. Create the first admin: PostingConsole create-admin <user name> (or set {Key} for the first start).")]
    public static partial void NoUserYet(this ILogger logger, string key);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Created the first admin '{UserName}' from {Key}. Remove the password from the configuration now.")]
    public static partial void FirstAdminCreated(this ILogger logger, string userName, string key);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "The first admin from {Key} was not created: {Error}")]
    public static partial void FirstAdminNotCreated(this ILogger logger, string key, string? error);
}
