using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;

namespace PostingConsole.Operations;

public sealed record AuditSlice(IReadOnlyList<AuditEntry> Items, int Total);

/// <summary>The audit log for the Admin's screen, newest first.</summary>
public sealed class AuditQueries(IDbContextFactory<PostingDbContext> contextFactory)
{
    public async Task<AuditSlice> ListAsync(string? action, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var query = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrEmpty(action)) query = query.Where(a => a.Action == action);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new AuditSlice(items, total);
    }
}
