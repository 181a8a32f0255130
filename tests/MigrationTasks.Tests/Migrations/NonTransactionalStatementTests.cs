using MigrationTasks.Migrations;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Migrations;

/// <summary>Statements PostgreSQL refuses in a transaction block run alone, and a failed CONCURRENTLY build leaves nothing behind.</summary>
[TestClass]
public sealed class NonTransactionalStatementTests
{
    public TestContext TestContext { get; set; } = null!;

    private Task<ApplyReport> ApplyAsync(TestDatabase database, MigrationFolder folder, TestLog? log = null) =>
        MigrationRunner.ApplyAsync(database.Connection, folder.Load(), new ApplyOptions(), log ?? new TestLog(), TestContext.CancellationToken);

    [TestMethod]
    public void TheClassifierKnowsWhatCannotRunInATransaction()
    {
        string[] nonTransactional =
        [
            "create index concurrently i on t (x)", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (x)", "drop index concurrently if exists i",
            "reindex table concurrently t", "reindex (verbose) index concurrently i", "reindex database app", "vacuum (analyze) t", "vacuum",
            "cluster", "alter system set work_mem = '64MB'", "create database other", "drop database if exists other",
            "create tablespace ts location '/x'", "/* lead */ -- comment\n  CREATE INDEX CONCURRENTLY i ON t (x)", "discard all",
        ];
        string[] transactional =
        [
            "create index i on t (x)", "cluster t using i", "reindex table t", "analyze t", "alter database app set timezone = 'UTC'",
            "create table concurrently_named (id int)", "select 'create index concurrently'", "savepoint a", "rollback to savepoint a",
        ];
        foreach (var sql in nonTransactional)
        {
            Assert.AreEqual(StatementKind.NonTransactional, Classify(sql), sql);
        }

        foreach (var sql in transactional)
        {
            Assert.AreEqual(StatementKind.Transactional, Classify(sql), sql);
        }

        static StatementKind Classify(string sql) => StatementClassifier.Classify([new SqlStatement(sql, 0, 1)], 0).Kind;
    }

    [TestMethod]
    public async Task ConcurrentStatementsRunAloneAndTheRestStaysTransactional()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(("20240101000000_indexes.sql",
            "create table t (id int primary key, x int);\ninsert into t select g, g from generate_series(1, 1000) g;\n" +
            "create index concurrently t_x on t (x);\ncreate unique index concurrently if not exists t_x_unique on t (x);\n" +
            "reindex index concurrently t_x;\ndrop index concurrently t_x;\nvacuum (analyze) t;\ncomment on table t is 'done';\n"));
        var log = new TestLog();

        var report = await ApplyAsync(database, folder, log);

        Assert.IsTrue(report.Passed, report.Failure?.ToString());
        Assert.AreEqual(5, report.Files[0].NonTransactional);
        Assert.IsTrue(await database.RelationExistsAsync("t_x_unique"));
        Assert.IsFalse(await database.RelationExistsAsync("t_x"));
        Assert.AreEqual(0L, await database.InvalidIndexCountAsync());
        Assert.AreEqual("done", await database.ScalarAsync<string>("select obj_description('t'::regclass)"));
        Assert.AreEqual(8, await database.ScalarAsync<int>("select array_length(statements, 1) from supabase_migrations.schema_migrations"));
        Assert.AreEqual(0L, await database.ScalarAsync<long>("select count(*) from supabase_migrations.migrationtasks_progress"), "progress is cleared when the file completes");
    }

    [TestMethod]
    [DataRow("create unique index concurrently t_x_unique on t (x)")]
    [DataRow("create unique index concurrently on t (x)")]
    public async Task AFailedConcurrentBuildLeavesNoInvalidIndex(string build)
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        await database.ExecuteAsync("create table t (x int); insert into t values (1), (1);");
        var log = new TestLog();

        var report = await ApplyAsync(database, MigrationFolder.Create(("20240101000000_unique.sql", build + ";\n")), log);

        Assert.AreEqual(("MT0311", 1), (report.Failure?.Code, report.Failure?.Line), report.Failure?.ToString());
        Assert.Contains("23505", report.Failure!.Message);
        Assert.AreEqual(0L, await database.InvalidIndexCountAsync(), log.Text);
        Assert.IsTrue(log.HasWarning("MT0329"), log.Text);
        Assert.AreEqual(0L, await database.ScalarAsync<long>("select count(*) from pg_indexes where tablename = 't'"));
    }

    [TestMethod]
    public async Task AnInvalidIndexLeftByAnEarlierFailureIsRebuiltNotKept()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        await database.ExecuteAsync("create table t (x int); insert into t values (1), (1);");
        try
        {
            await database.ExecuteAsync("create unique index concurrently t_x_unique on t (x)");
        }
        catch (Npgsql.PostgresException)
        {
            // what a failed build by hand (or an older tool) leaves: an INVALID index
        }

        Assert.AreEqual(1L, await database.InvalidIndexCountAsync());
        await database.ExecuteAsync("delete from t where ctid <> (select min(ctid) from t)");
        var log = new TestLog();

        // IF NOT EXISTS alone would keep the INVALID index and report success.
        var report = await ApplyAsync(database, MigrationFolder.Create(("20240101000000_unique.sql", "create unique index concurrently if not exists t_x_unique on t (x);\n")), log);

        Assert.IsTrue(report.Passed, report.Failure?.ToString());
        Assert.AreEqual(0L, await database.InvalidIndexCountAsync());
        Assert.IsTrue(await database.ScalarAsync<bool>("select indisvalid from pg_index where indexrelid = 't_x_unique'::regclass"));
        Assert.IsTrue(log.HasWarning("MT0329"), log.Text);
    }

    [TestMethod]
    public async Task AnEnumValueUsedLaterInTheFileIsAddedOutsideTheTransaction()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(
            ("20240101000000_status.sql", "create type booking_status as enum ('pending', 'paid');\n"),
            ("20240102000000_cancelled.sql", "alter type booking_status add value 'cancelled';\ncreate table b (status booking_status not null default 'cancelled');\n"),
            ("20240103000000_refunded.sql", "alter type booking_status add value if not exists 'refunded';\ncomment on type booking_status is 'states';\n"));

        var report = await ApplyAsync(database, folder);

        Assert.IsTrue(report.Passed, report.Failure?.ToString());
        Assert.AreEqual((1, 0), (report.Files[1].NonTransactional, report.Files[2].NonTransactional), "only a value used later needs its own commit");
        Assert.AreEqual("cancelled", await database.ScalarAsync<string>("insert into b default values returning status::text"));
    }

    [TestMethod]
    public async Task ANonTransactionalStatementInsideTheFilesOwnTransactionIsMT0320()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var report = await ApplyAsync(database, MigrationFolder.Create(("20240101000000_wrapped.sql", "begin;\ncreate table t (x int);\ncreate index concurrently i on t (x);\ncommit;\n")));

        Assert.AreEqual(("MT0320", 3), (report.Failure?.Code, report.Failure?.Line), report.Failure?.ToString());
        Assert.IsFalse(await database.RelationExistsAsync("t"));
    }
}
