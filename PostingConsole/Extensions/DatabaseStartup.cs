using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Sandbox;
using PostingConsole.Data;

namespace PostingConsole.Extensions;

/// <summary>Before the server listens: migrate the database, the roles and first admin, then (Sandbox) the demo data.</summary>
public sealed class DatabaseStartup(DatabaseMigrator migrator, Operations.UserAccounts accounts, IConfiguration configuration, DemoSeeder seeder,
    IOptions<GraphOptions> graph, IOptions<SandboxOptions> sandbox)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        await accounts.EnsureAsync(configuration, cancellationToken);
        if (graph.Value.Mode == GraphMode.Sandbox && (sandbox.Value.SeedDemo ?? true))
        {
            await seeder.SeedIfEmptyAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
