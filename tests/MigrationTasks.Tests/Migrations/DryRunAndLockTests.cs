using MigrationTasks.Migrations;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tools;

namespace MigrationTasks.Tests.Migrations;

/// <summary>The dry run (exact SQL, nothing changed), the migration lock between two runners, and repair.</summary>
[TestClass]
public sealed class DryRunAndLockTests
{
    public TestContext TestContext { get; set; } = null!;

    private static readonly (string, string)[] Files =
    [
        .. MigrationRunnerTests.ThreeFiles,
        ("20240104000000_index.sql", "create index concurrently profiles_name on profiles (name);\ncomment on index profiles_name is 'by name';\n"),
    ];

    [TestMethod]
    public async Task ADryRunPrintsTheSqlInOrderWithNonTransactionalStatementsMarkedAndChangesNothing()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(Files);
        var log = new TestLog();

        var report = await MigrationRunner.ApplyAsync(database.Connection, folder.Load(), new ApplyOptions { DryRun = true }, log, TestContext.CancellationToken);

        Assert.IsTrue(report.Passed, report.Failure?.ToString());
        Assert.IsTrue(report.Files.All(f => f.Status == "would-apply"));
        var sql = report.DryRunSql!;
        Assert.Contains(sql, log.Text, "the SQL is printed");
        var positions = new[] { "create table profiles", "alter table profiles add column bio", "create function profile_count", "NON-TRANSACTIONAL (CREATE INDEX CONCURRENTLY)", "create index concurrently profiles_name", "comment on index" }
            .Select(s => sql.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.IsTrue(positions.All(p => p >= 0) && positions.SequenceEqual(positions.Order()), sql);
        Assert.IsFalse(await database.RelationExistsAsync("supabase_migrations.schema_migrations"), "a dry run creates nothing");
        Assert.IsFalse(await database.RelationExistsAsync("profiles"));
    }

    [TestMethod]
    public async Task TheDryRunSqlIsExactlyWhatARunDoes()
    {
        var binaries = TestServer.Server.Binaries;
        if (binaries is null || !binaries.HasClient)
        {
            Assert.Inconclusive("Not run: no psql next to the test server.");
        }

        await using var byRunner = await TestServer.CreateDatabaseAsync();
        await using var byScript = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(Files);
        var dryRun = await MigrationRunner.ApplyAsync(byScript.Connection, folder.Load(), new ApplyOptions { DryRun = true }, new TestLog(), TestContext.CancellationToken);
        var script = Path.Combine(folder.Path, "..", $"dry-run-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(script, dryRun.DryRunSql, TestContext.CancellationToken);

        await PostgresTool.RunPsqlFileAsync(binaries, byScript.Connection, script, null, TestContext.CancellationToken);
        var run = await MigrationRunner.ApplyAsync(byRunner.Connection, folder.Load(), new ApplyOptions(), new TestLog(), TestContext.CancellationToken);

        Assert.IsTrue(run.Passed, run.Failure?.ToString());
        const string history = "select string_agg(version || ' ' || name || ' ' || statements::text, E'\\n' order by version) from supabase_migrations.schema_migrations";
        Assert.AreEqual(await byRunner.ScalarAsync<string>(history), await byScript.ScalarAsync<string>(history));
        const string schema = "select string_agg(relname || ':' || relkind::text, ',' order by relname) from pg_class where relnamespace = 'public'::regnamespace";
        Assert.AreEqual(await byRunner.ScalarAsync<string>(schema), await byScript.ScalarAsync<string>(schema));
    }

    [TestMethod]
    public async Task TwoRunnersStartedAtOnceNeverInterleave()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(
            ("20240101000000_slow.sql", "create table runs (id int);\nselect pg_sleep(1.5);\ninsert into runs values (1);\n"),
            ("20240102000000_more.sql", "insert into runs values (2);\n"));
        var first = new SignalOnFirstStatement();
        var firstLog = new TestLog();
        var secondLog = new TestLog();

        var firstRun = MigrationRunner.ApplyAsync(database.Connection, folder.Load(), new ApplyOptions { Observer = first }, firstLog, TestContext.CancellationToken);
        await first.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.CancellationToken);
        var secondRun = MigrationRunner.ApplyAsync(database.Connection, folder.Load(), new ApplyOptions(), secondLog, TestContext.CancellationToken);
        var reports = await Task.WhenAll(firstRun, secondRun);

        Assert.IsTrue(reports.All(r => r.Passed), string.Join("\n", reports.Select(r => r.Failure?.ToString())));
        Assert.AreEqual((2, 0), (reports[0].Applied, reports[1].Applied));
        Assert.Contains("Waiting for the migration lock", secondLog.Text);
        Assert.Contains("'MigrationTasks ApplyMigrations'", secondLog.Text, "the message names the holder");
        Assert.Contains("No pending migrations", secondLog.Text);
        Assert.AreEqual("1,2", await database.ScalarAsync<string>("select string_agg(id::text, ',' order by id) from runs"));
    }

    [TestMethod]
    public async Task ASecondRunnerGivesUpAfterItsTimeoutWithMT0315()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(("20240101000000_slow.sql", "select pg_sleep(2);\n"));
        var first = new SignalOnFirstStatement();

        var firstRun = MigrationRunner.ApplyAsync(database.Connection, folder.Load(), new ApplyOptions { Observer = first }, new TestLog(), TestContext.CancellationToken);
        await first.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.CancellationToken);
        var second = await MigrationRunner.ApplyAsync(database.Connection, folder.Load(), new ApplyOptions { RunnerLockTimeout = TimeSpan.FromMilliseconds(300) }, new TestLog(), TestContext.CancellationToken);

        Assert.AreEqual("MT0315", second.Failure?.Code);
        Assert.Contains($"pid {first.BackendProcessId}", second.Failure!.Message);
        Assert.IsTrue((await firstRun).Passed);
    }

    [TestMethod]
    public async Task RepairRecordsAndRemovesVersionsWithoutRunningThem()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(MigrationRunnerTests.ThreeFiles);
        var set = folder.Load();

        // The schema was built by hand (or by another tool): record the first two files as applied.
        await database.ExecuteAsync("create table profiles (id int primary key, name text not null, bio text)");
        await MigrationRepair.RepairAsync(database.Connection, set, ["20240101000000", "20240102000000"], RepairStatus.Applied, new ApplyOptions(), new TestLog(), TestContext.CancellationToken);
        CollectionAssert.AreEqual(set.Files[0].CliStatements.ToArray(),
            await database.ScalarAsync<string[]>("select statements from supabase_migrations.schema_migrations where version = '20240101000000'"));
        Assert.AreEqual("repaired", await database.ScalarAsync<string>("select how from supabase_migrations.migrationtasks_applied where version = '20240102000000'"));
        Assert.AreEqual(0L, await database.ScalarAsync<long>("select count(*) from profiles"), "no migration SQL ran");

        var report = await MigrationRunner.ApplyAsync(database.Connection, set, new ApplyOptions(), new TestLog(), TestContext.CancellationToken);
        Assert.AreEqual(1, report.Applied, report.Failure?.ToString());

        await MigrationRepair.RepairAsync(database.Connection, set, ["20240103000000"], RepairStatus.Reverted, new ApplyOptions(), new TestLog(), TestContext.CancellationToken);
        Assert.AreEqual(2L, await database.ScalarAsync<long>("select count(*) from supabase_migrations.schema_migrations"));
        Assert.AreEqual(2L, await database.ScalarAsync<long>("select count(*) from supabase_migrations.migrationtasks_applied"));
        Assert.IsTrue(await database.ScalarAsync<bool>("select to_regprocedure('profile_count()') is not null"), "reverting only edits the history");
    }

    [TestMethod]
    public async Task RepairRefusesBadVersionsAndMissingFiles()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var set = MigrationFolder.Create(MigrationRunnerTests.ThreeFiles).Load();

        var bad = await Assert.ThrowsExactlyAsync<MigrationTasks.Errors.MigrationTasksException>(() =>
            MigrationRepair.RepairAsync(database.Connection, set, ["2024-01-01"], RepairStatus.Applied, new ApplyOptions(), new TestLog(), TestContext.CancellationToken));
        Assert.AreEqual("MT0323", bad.Code);
        var missing = await Assert.ThrowsExactlyAsync<MigrationTasks.Errors.MigrationTasksException>(() =>
            MigrationRepair.RepairAsync(database.Connection, set, ["20990101000000"], RepairStatus.Applied, new ApplyOptions(), new TestLog(), TestContext.CancellationToken));
        Assert.AreEqual("MT0322", missing.Code);
        Assert.IsFalse(await database.RelationExistsAsync("supabase_migrations.schema_migrations"), "a refused repair touches nothing");
    }

    /// <summary>Signals when the runner reaches its first statement (it holds the lock by then).</summary>
    private sealed class SignalOnFirstStatement : IMigrationObserver
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int BackendProcessId { get; private set; }

        public Task BeforeStepAsync(MigrationStep step, CancellationToken cancellationToken)
        {
            if (step.Kind == MigrationStepKind.Statement)
            {
                BackendProcessId = step.BackendProcessId;
                Reached.TrySetResult();
            }

            return Task.CompletedTask;
        }
    }
}
