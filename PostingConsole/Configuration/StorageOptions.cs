using FluentValidation;

namespace PostingConsole.Configuration;

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
        RuleFor(o => o.Provider).Equal(DatabaseProvider.Sqlite).WithName("Database:Provider")
            .WithMessage("Database:Provider: only Sqlite is supported in this version.");
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
