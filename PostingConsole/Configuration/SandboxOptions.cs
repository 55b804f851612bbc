namespace PostingConsole.Configuration;

/// <summary>Section <c>Sandbox</c>.</summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    /// <summary>On an empty database, create demo personas and a day of posts. Null: true in Sandbox mode.</summary>
    public bool? SeedDemo { get; set; }
    public int DemoPersonas { get; set; } = 100;
    public int DemoPostsPerPersona { get; set; } = 4;
}
