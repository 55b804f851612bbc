using FluentValidation;

namespace PostingConsole.Configuration;

/// <summary><c>Database:Provider</c>: SQLite, one console process on a file (the default); PostgreSQL, one or more console processes on one database.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

public sealed class DatabaseOptionsValidator : AbstractValidator<DatabaseOptions>
{
    public DatabaseOptionsValidator()
    {
        RuleFor(o => o.Provider).IsInEnum().WithName("Database:Provider")
            .WithMessage("Database:Provider must be Sqlite (one process) or Postgres (one or more processes on one database).");
    }
}

/// <summary>Section <c>Console</c>: how the screens show things.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    public string TimeZone { get; set; } = "Asia/Seoul";
}

public sealed class ConsoleOptionsValidator : AbstractValidator<ConsoleOptions>
{
    public ConsoleOptionsValidator()
    {
        RuleFor(o => o.TimeZone).Must(tz => TimeZoneInfo.TryFindSystemTimeZoneById(tz, out _))
            .WithName("Console:TimeZone").WithMessage("Console:TimeZone must be an IANA time zone such as Asia/Seoul.");
    }
}

/// <summary>
/// Section <c>Retention</c>: how long the heavy parts of a finished post are kept — its attempt log (each Graph call), and the
/// live log's lines of that age. The posts themselves stay, and so do the counts the charts and
/// <c>/api/stats/daily</c> add up (<c>PostHourlyCounts</c>), however old.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Details older than this are removed (every hour, a batch at a time); zero keeps them forever.</summary>
    public TimeSpan DetailsFor { get; set; } = TimeSpan.FromDays(90);
}

public sealed class RetentionOptionsValidator : AbstractValidator<RetentionOptions>
{
    public RetentionOptionsValidator()
    {
        RuleFor(o => o.DetailsFor).Must(d => d == TimeSpan.Zero || d >= TimeSpan.FromDays(1)).WithName("Retention:DetailsFor")
            .WithMessage("Retention:DetailsFor must be 00:00:00 (keep everything) or at least one day, e.g. 90.00:00:00.");
    }
}
