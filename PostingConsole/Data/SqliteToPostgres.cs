using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace PostingConsole.Data;

public sealed record DatabaseCopyResult(IReadOnlyDictionary<string, int> Rows, int Keys);

/// <summary>
/// Moves a console from its SQLite file to PostgreSQL (<c>PostingConsole migrate-to-postgres</c>): migrates the target, then
/// copies every row of every table (users and their passwords, personas and their stored tokens, posts with their carousel
/// items, attempts, logs, alerts, the outbox) and the Data Protection key ring (the files under <c>keys/</c>, without which the
/// stored tokens cannot be read) into it, in one transaction: a failure leaves no console data in it (its tables, made by the
/// migrations, stay empty). The target must hold no console data yet; the SQLite file is only read. Stop the console first.
/// </summary>
public static class SqliteToPostgres
{
    private const int Batch = 1000;

    public static async Task<DatabaseCopyResult> CopyAsync(string sqliteConnectionString, string keysFolder, string postgresConnectionString,
        CancellationToken cancellationToken)
    {
        var sourceOptions = new DbContextOptionsBuilder<PostingDbContext>().UseSqlite(sqliteConnectionString).Options;
        var targetOptions = new DbContextOptionsBuilder<PostgresPostingDbContext>().UseNpgsql(postgresConnectionString).Options;
        await using var source = new PostingDbContext(sourceOptions);
        await using var target = new PostgresPostingDbContext(targetOptions);
        if (!File.Exists(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(sqliteConnectionString).DataSource))
            throw new InvalidOperationException("No SQLite database to move: the file ConnectionStrings:Posting or the data folder names does not exist.");
        if ((await source.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
            throw new InvalidOperationException("The SQLite database is older than this version: start the console on it once (it migrates), stop it, then move it.");

        await target.Database.MigrateAsync(cancellationToken);
        // Roles and a key ring are there once a console has started on it.
        if (await target.Posts.AnyAsync(cancellationToken) || await target.Personas.AnyAsync(cancellationToken) || await target.Users.AnyAsync(cancellationToken)
            || await target.Roles.AnyAsync(cancellationToken) || await target.DataProtectionKeys.AnyAsync(cancellationToken))
            throw new InvalidOperationException("The PostgreSQL database already holds console data (a console has started on it): move into an empty database.");

        await using var transaction = await target.Database.BeginTransactionAsync(cancellationToken);
        // The rows the migrations seeded (the dispatcher's switch, the side-call slots) come from the file instead.
        await target.DispatcherState.ExecuteDeleteAsync(cancellationToken);
        await target.GraphCallSlots.ExecuteDeleteAsync(cancellationToken);
        var rows = new Dictionary<string, int>();
        foreach (var entity in InsertOrder(source.Model))
        {
            rows[entity.GetTableName()!] = await CopyTableAsync(source, target, entity, cancellationToken);
        }

        var keys = await CopyKeysAsync(keysFolder, target, cancellationToken);
        foreach (var entity in target.Model.GetEntityTypes().Where(e => !e.IsOwned() && e.GetTableName() is not null && HasGeneratedKey(e)))
        {
            // The next generated id follows the copied ones.
            var table = entity.GetTableName()!;
            var column = entity.FindPrimaryKey()!.Properties[0].GetColumnName();
#pragma warning disable EF1002 // names from the model, not input
            await target.Database.ExecuteSqlRawAsync(
                $"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), GREATEST((SELECT max(\"{column}\") FROM \"{table}\"), 1))", cancellationToken);
#pragma warning restore EF1002
        }

        await transaction.CommitAsync(cancellationToken);
        return new DatabaseCopyResult(rows, keys);
    }

    private static async Task<int> CopyTableAsync(PostingDbContext source, PostgresPostingDbContext target, IEntityType entity, CancellationToken cancellationToken)
    {
        var method = typeof(SqliteToPostgres).GetMethod(nameof(CopyRowsAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(entity.ClrType);
        return await (Task<int>)method.Invoke(null, [source, target, cancellationToken])!;
    }

    private static async Task<int> CopyRowsAsync<T>(PostingDbContext source, PostgresPostingDbContext target, CancellationToken cancellationToken) where T : class
    {
        var copied = 0;
        var keyNames = source.Model.FindEntityType(typeof(T))!.FindPrimaryKey()!.Properties.Select(p => p.Name).ToList();
        while (true)
        {
            // Pages in key order (EF.Property: the key of any entity, by name).
            var query = source.Set<T>().AsNoTracking().OrderBy(e => EF.Property<object>(e, keyNames[0]));
            foreach (var name in keyNames.Skip(1)) query = query.ThenBy(e => EF.Property<object>(e, name));
            var page = await query.Skip(copied).Take(Batch).ToListAsync(cancellationToken);
            if (page.Count == 0) return copied;
            target.Set<T>().AddRange(page);
            await target.SaveChangesAsync(cancellationToken);
            target.ChangeTracker.Clear();
            copied += page.Count;
        }
    }

    private static async Task<int> CopyKeysAsync(string keysFolder, PostgresPostingDbContext target, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(keysFolder)) return 0;
        var files = Directory.GetFiles(keysFolder, "*.xml");
        foreach (var file in files)
        {
            target.DataProtectionKeys.Add(new DataProtectionKey
            {
                FriendlyName = Path.GetFileNameWithoutExtension(file),
                Xml = XElement.Load(file).ToString(SaveOptions.DisableFormatting),
            });
        }

        await target.SaveChangesAsync(cancellationToken);
        return files.Length;
    }

    /// <summary>
    /// The tables (owned types live in their owner's row), each after the tables its foreign keys point to. The hourly and status
    /// counts are not copied: PostgreSQL's own triggers count the posts as they arrive (<see cref="PostHourlyCount"/>,
    /// <see cref="PostStatusCount"/>).
    /// </summary>
    private static List<IEntityType> InsertOrder(IModel model)
    {
        var tables = model.GetEntityTypes()
            .Where(e => !e.IsOwned() && e.GetTableName() is not null && e.ClrType != typeof(DataProtectionKey)
                        && e.ClrType != typeof(PostHourlyCount) && e.ClrType != typeof(PostStatusCount)).ToList();
        var ordered = new List<IEntityType>();
        var placed = new HashSet<IEntityType>();
        void Place(IEntityType entity)
        {
            if (!placed.Add(entity)) return;
            foreach (var principal in entity.GetForeignKeys().Select(k => k.PrincipalEntityType).Where(p => p != entity && tables.Contains(p))) Place(principal);
            ordered.Add(entity);
        }

        foreach (var entity in tables.OrderBy(e => e.GetTableName(), StringComparer.Ordinal)) Place(entity);
        return ordered;
    }

    private static bool HasGeneratedKey(IEntityType entity) =>
        entity.FindPrimaryKey() is { Properties: [var key] } && key.ValueGenerated == ValueGenerated.OnAdd && (key.ClrType == typeof(int) || key.ClrType == typeof(long));
}
