using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PostingConsole.Tests.Install;

/// <summary>
/// The console running as its own process on a loopback port, in an install folder of its own: the published single
/// file, or the built <c>PostingConsole.dll</c> under <c>dotnet</c> (several processes on one database). Its output is
/// kept for the test to read; disposing kills it (and anything it started).
/// </summary>
public sealed class InstalledConsole : IAsyncDisposable
{
    public const string ApiKey = "install-test-key-0123456789";

    /// <summary>A start takes 2–3 s of CPU; with the rest of the suite (and CI's stress) on the same 2 cores it can take a minute and more.</summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(3);
    public const string AdminUser = "installer";
    public const string AdminPassword = "install-admin-password-0123";

    private readonly Process process;
    private readonly StringBuilder output = new();

    private InstalledConsole(string executable, string installFolder, string extractFolder, int port, IDictionary<string, string>? environment)
    {
        Executable = executable;
        InstallFolder = installFolder;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        var start = StartInfo(executable, installFolder, extractFolder, "--urls", BaseUrl.AbsoluteUri.TrimEnd('/'));
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Http = new HttpClient(new HttpClientHandler { UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Executable { get; }
    public string InstallFolder { get; }
    public Uri BaseUrl { get; }
    public HttpClient Http { get; }

    /// <summary>The process (for its claims' <c>ClaimedBy</c>, which names it).</summary>
    public int ProcessId => process.Id;

    /// <summary>kill -9: the process ends at once, mid-call or mid-save, as in a crash.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    /// <summary>The output's last lines without Debug entries (a Debug log can run to megabytes), for a failure message.</summary>
    public string Tail
    {
        get
        {
            var lines = Output.Split('\n');
            var kept = new List<string>();
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].StartsWith("dbug: ", StringComparison.Ordinal)) i++; // the entry's header and its message line
                else kept.Add(lines[i]);
            }

            return string.Join('\n', kept.TakeLast(200));
        }
    }

    /// <summary>Starts the file (a <c>.dll</c> under <c>dotnet</c>) and waits until it answers (or fails, with its output in the message).</summary>
    /// <param name="environment">Settings on top of the install test's (environment variables, <c>Section__Key</c>).</param>
    public static async Task<InstalledConsole> StartAsync(string executable, string installFolder, string extractFolder, IDictionary<string, string>? environment = null)
    {
        var console = new InstalledConsole(executable, installFolder, extractFolder, FreeLoopbackPort(), environment);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartLimit)
        {
            if (console.process.HasExited) throw new InvalidOperationException($"The console exited with {console.process.ExitCode}:\n{console.Output}");
            try
            {
                if ((await console.Http.GetAsync("/healthz")).StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable) return console;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        await console.DisposeAsync();
        throw new TimeoutException($"The console did not answer within {StartLimit.TotalSeconds:0} s:\n{console.Output}");
    }

    /// <summary>
    /// Runs the same file with a command (e.g. <c>backup</c>) in the install folder, with <paramref name="input"/> on its
    /// standard input; returns its exit code and output.
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunCommandAsync(string? input, params string[] args)
    {
        var (exitCode, output, error) = await RunToExitAsync(Executable, InstallFolder, process.StartInfo.Environment["DOTNET_BUNDLE_EXTRACT_BASE_DIR"]!, input, args);
        return (exitCode, output + error);
    }

    /// <summary>Runs the file with <paramref name="args"/> in <paramref name="folder"/> until it exits (at most 2 minutes).</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunToExitAsync(string executable, string folder, string extractFolder, string? input,
        params string[] args)
    {
        var start = StartInfo(executable, folder, extractFolder, args);
        start.RedirectStandardInput = true;
        using var command = Process.Start(start)!;
        if (input is not null) await command.StandardInput.WriteLineAsync(input);
        command.StandardInput.Close();
        var stdout = command.StandardOutput.ReadToEndAsync();
        var stderr = command.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await command.WaitForExitAsync(timeout.Token);
        return (command.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo StartInfo(string executable, string installFolder, string extractFolder, params string[] args)
    {
        var dll = executable.EndsWith(".dll", StringComparison.Ordinal);
        var start = new ProcessStartInfo(dll ? "dotnet" : executable)
        {
            WorkingDirectory = installFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (dll) start.ArgumentList.Add(executable);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = extractFolder;
        start.Environment["Api__Keys__0"] = ApiKey;
        // The first admin, from configuration read once at the first start.
        start.Environment["Bootstrap__AdminUser"] = AdminUser;
        start.Environment["Bootstrap__AdminPassword"] = AdminPassword;
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        return start;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(timeout.Token);
        }

        process.Dispose();
    }
}
