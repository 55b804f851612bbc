using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Publishing.Sandbox;

namespace PostingConsole.Data;

/// <summary>Before the server listens: migrate the database, then (Sandbox) create the demo data.</summary>
public sealed class DatabaseStartup(DatabaseMigrator migrator, DemoSeeder seeder, IOptions<GraphOptions> graph, IOptions<SandboxOptions> sandbox)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        if (graph.Value.Mode == GraphMode.Sandbox && (sandbox.Value.SeedDemo ?? true))
        {
            await seeder.SeedIfEmptyAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
