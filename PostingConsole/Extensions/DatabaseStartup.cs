using Microsoft.Extensions.Options;
using PostingConsole.Configuration;
using PostingConsole.Sandbox;
using PostingConsole.Data;

namespace PostingConsole.Extensions;

/// <summary>
/// Before the server listens: migrate the database, the roles and first admin, then (Sandbox) the demo data. Console processes
/// starting together on one PostgreSQL database take turns (EF Core locks the migration; <see cref="DatabaseLocks"/> the rest),
/// so the first admin and the demo are made once.
/// </summary>
public sealed class DatabaseStartup(DatabaseMigrator migrator, Operations.UserAccounts accounts, IConfiguration configuration, DemoSeeder seeder,
    DatabaseLocks locks, IOptions<GraphOptions> graph, IOptions<SandboxOptions> sandbox)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        await locks.RunExclusiveAsync(DatabaseLocks.Key.Startup, async ct =>
        {
            await accounts.EnsureAsync(configuration, ct);
            if (graph.Value.Mode == GraphMode.Sandbox && (sandbox.Value.SeedDemo ?? true))
            {
                await seeder.SeedIfEmptyAsync(ct);
            }
        }, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
