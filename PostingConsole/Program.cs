using PostingConsole.Commands;
using PostingConsole.Extensions;

if (await ConsoleCommands.TryRunAsync(args) is { } exitCode) return exitCode;

var builder = ConsoleHost.CreateBuilder(args);
builder.AddPostingConsole();

var app = builder.Build();
// Every option is checked here, on a live service provider, so a bad value stops the start with its key's name. (Left
// to RunAsync, the host would be disposed on the way out while something else could still be reading its services.)
try
{
    app.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
}
catch (Microsoft.Extensions.Options.OptionsValidationException ex)
{
    app.Logger.LogCannotStart(ex.Message);
    throw; // the host is left alive: the exception, naming the key, is what start-up reports

}

app.UsePostingConsole();
await app.RunAsync();
return 0;

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
