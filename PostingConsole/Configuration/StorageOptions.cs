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
