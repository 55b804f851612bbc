namespace PostingConsole.Domain;

/// <summary>
/// An API key issued in the console. Only its SHA-256 hash is stored (keys are 256-bit random, so a fast
/// hash is enough); the key itself is shown once, when it is issued. <see cref="Prefix"/> identifies it on screen.
/// </summary>
public sealed class ApiKey
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Role { get; set; } = Roles.Operator;
    public string Prefix { get; set; } = "";
    public string Hash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public bool IsActive => RevokedAt is null;
}
