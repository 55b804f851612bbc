using PostingConsole.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddPostingConsole();

var app = builder.Build();
app.UsePostingConsole();
app.Run();

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
