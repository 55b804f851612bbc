namespace PostingConsole.Configuration;

/// <summary>
/// Where the console keeps its files. Everything lives in one data folder: key <c>DataFolder</c>,
/// default <c>data</c> under the working directory. Relative paths are taken from the working directory,
/// the same folder the operator's <c>appsettings.json</c> is read from.
/// </summary>
public sealed class AppPaths
{
    public AppPaths(IConfiguration configuration)
    {
        var configured = configuration["DataFolder"];
        DataFolder = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "data" : configured, Environment.CurrentDirectory);
        var mediaRoot = configuration["Media:LocalRoot"];
        MediaRoot = Path.GetFullPath(string.IsNullOrWhiteSpace(mediaRoot) ? Path.Combine(DataFolder, "media") : mediaRoot, Environment.CurrentDirectory);
    }

    public string DataFolder { get; }
    public string MediaRoot { get; }
    public string KeysFolder => Path.Combine(DataFolder, "keys");
    public string DefaultDatabaseFile => Path.Combine(DataFolder, "posting.db");
    public string BackupsFolder => Path.Combine(DataFolder, "backups");

    public void EnsureCreated()
    {
        Directory.CreateDirectory(DataFolder);
        Directory.CreateDirectory(MediaRoot);
        Directory.CreateDirectory(KeysFolder);
    }
}
