using System.Security.Claims;

namespace PostingConsole.Domain;

/// <summary>What a role may do. Each operator action names the permission it needs.</summary>
public enum Permission
{
    /// <summary>Read every screen and every API read.</summary>
    View,

    /// <summary>Post now, retry, cancel, edit a schedule, stop/start dispatch, put posts on the queue.</summary>
    Operate,

    /// <summary>Personas, tokens, API keys, users, the audit log.</summary>
    Administer,
}

/// <summary>The console's three roles, from most to least powerful.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Operator = "Operator";
    public const string Viewer = "Viewer";

    public static readonly IReadOnlyList<string> All = [Admin, Operator, Viewer];

    public static bool Allows(string? role, Permission permission) => permission switch
    {
        Permission.View => role is Admin or Operator or Viewer,
        Permission.Operate => role is Admin or Operator,
        Permission.Administer => role is Admin,
        _ => false,
    };

    /// <summary>The most powerful of the user's roles, or null.</summary>
    public static string? Of(ClaimsPrincipal user) => All.FirstOrDefault(user.IsInRole);

    /// <summary>Authorization policy names, one per permission (same names).</summary>
    public static string Policy(Permission permission) => permission.ToString();
}

/// <summary>
/// Who does an operator action: a signed-in user or an API key, with its role and the channel it came
/// through. Operations check <see cref="Can"/> and write it into the audit log with the change.
/// </summary>
public sealed record Actor(string Name, string? Role, string Channel)
{
    public const string ConsoleChannel = "console";
    public const string ApiChannel = "api";

    public bool Can(Permission permission) => Roles.Allows(Role, permission);

    public static Actor From(ClaimsPrincipal user, string channel) => new(user.Identity?.Name ?? "anonymous", Roles.Of(user), channel);
}
