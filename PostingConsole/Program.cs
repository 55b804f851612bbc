using PostingConsole.Commands;
using PostingConsole.Extensions;

if (await ConsoleCommands.TryRunAsync(args) is { } exitCode) return exitCode;

WebApplication app;
try
{
    var builder = ConsoleHost.CreateBuilder(args);
    builder.AddPostingConsole();
    app = builder.Build();
    // Every option is checked here, on a live service provider, so a bad value stops the start with its key's name.
    app.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
    app.UsePostingConsole();
}
catch (Exception ex) when (ex is not Microsoft.Extensions.Hosting.HostAbortedException) // (dotnet ef's host factory stops here on purpose)
{
    // Hosted inside another process (the tests' WebApplicationFactory): that process gets the exception, naming the key.
    if (System.Reflection.Assembly.GetEntryAssembly() != typeof(Program).Assembly) throw;
    return ConsoleHost.CannotStart(ex);
}

var started = app.Lifetime.ApplicationStarted; // read now: the host is disposed by the time a failed start is caught
try
{
    await app.RunAsync();
}
catch (Exception ex) when (!started.IsCancellationRequested && ex is not OperationCanceledException // (Ctrl+C while starting)
                           && System.Reflection.Assembly.GetEntryAssembly() == typeof(Program).Assembly) // (a host in the tests' process: theirs)
{
    // Before the server listened (the port taken, the database unreadable): one line for the operator, exit code 1.
    return ConsoleHost.CannotStart(ex);
}

return 0;

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
