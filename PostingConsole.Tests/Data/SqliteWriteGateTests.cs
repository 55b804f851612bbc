using Microsoft.EntityFrameworkCore;
using PostingConsole.Data;
using PostingConsole.Domain;
using PostingConsole.Tests.TestInfrastructure;

namespace PostingConsole.Tests.Data;

/// <summary>The process's writes meet SQLite's lock one at a time, in order, instead of sleeping in its busy handler.</summary>
public class SqliteWriteGateTests
{
    [Fact]
    public async Task A_lone_write_statement_waits_for_the_gate_like_a_save()
    {
        await using var app = EngineHarness.Start();
        var persona = await app.AddPersonaAsync();
        var post = await app.AddPostAsync(persona);
        var gate = app.GetService<SqliteWriteGate>();

        Task<int> update;
        await using var db = app.CreateDbContext();
        using (await gate.HoldAsync())
        {
            update = db.Posts.Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Caption, "게이트 뒤"));
            await Condition.WaitUntilAsync(() => gate.Waiting == 1);
            update.IsCompleted.ShouldBeFalse("the UPDATE queues behind the gate");
            (await app.ReadPostAsync(post.Id)).Caption.ShouldNotBe("게이트 뒤");
        }

        (await update).ShouldBe(1);
        (await app.ReadPostAsync(post.Id)).Caption.ShouldBe("게이트 뒤");
        gate.Waiting.ShouldBe(0);
    }

    [Fact]
    public async Task A_save_inside_an_explicit_transaction_does_not_queue_behind_the_gate()
    {
        await using var app = EngineHarness.Start();
        var persona = await app.AddPersonaAsync();
        var gate = app.GetService<SqliteWriteGate>();

        using (await gate.HoldAsync())
        {
            await using var db = app.CreateDbContext();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var stored = await db.Personas.SingleAsync(p => p.Id == persona.Id);
            stored.RecordError("트랜잭션 안", app.Now);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            gate.Waiting.ShouldBe(0);
        }

        await using var check = app.CreateDbContext();
        (await check.Personas.SingleAsync(p => p.Id == persona.Id)).LastError.ShouldBe("트랜잭션 안");
    }

    [Fact]
    public async Task A_failing_lone_write_releases_the_gate()
    {
        await using var app = EngineHarness.Start();
        var gate = app.GetService<SqliteWriteGate>();
        await using (var db = app.CreateDbContext())
        {
            await Should.ThrowAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE NoSuchTable SET x = 1"));
        }

        using var held = await gate.HoldAsync().WaitAsync(TimeSpan.FromSeconds(10));
        gate.Waiting.ShouldBe(0);
    }
}
