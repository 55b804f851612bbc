using PostingConsole.Commands;
using PostingConsole.Extensions;

if (await ConsoleCommands.TryRunAsync(args) is { } exitCode) return exitCode;

var builder = ConsoleHost.CreateBuilder(args);
builder.AddPostingConsole();

var app = builder.Build();
app.UsePostingConsole();
await app.RunAsync();
return 0;

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
