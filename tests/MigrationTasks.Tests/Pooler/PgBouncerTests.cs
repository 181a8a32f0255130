using System.Collections.Concurrent;
using MigrationTasks.Backup;
using MigrationTasks.Connections;
using MigrationTasks.Errors;
using MigrationTasks.Indexes;
using MigrationTasks.Migrations;
using MigrationTasks.Pooler;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Migrations;
using Npgsql;

namespace MigrationTasks.Tests.Pooler;

/// <summary>
/// A real PgBouncer in front of the migrated sample: the application's workload runs through it in transaction mode
/// with more concurrent requests than server connections, and everything that needs a session of its own (migrations,
/// the migration lock, backups and restores, the index analysis) refuses the transaction-mode URL with MT0720, touching nothing.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class PgBouncerTests
{
    private const int PoolSize = 3;

    public TestContext TestContext { get; set; } = null!;

    /// <summary>What transaction pooling needs from Npgsql: no prepared statement outliving a transaction, no reset query, no session state.</summary>
    public static DatabaseConnection ApplicationConnection(DatabaseConnection pooler) => pooler.With(b =>
    {
        b.MaxAutoPrepare = 0;
        b.NoResetOnClose = true;
        b.ApplicationName = "trvl-social app";
        b.MaxPoolSize = 50;
    });

    [TestMethod]
    public async Task TheWorkloadRunsThroughTheTransactionPoolerWithMoreConcurrentRequestsThanServerConnections()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleWorkload);
        await using var pooler = await PgBouncer.StartAsync(database.Connection, "transaction", PoolSize, TestContext.CancellationToken);
        var workload = Workload.Load(TestTemplates.WorkloadFile);
        var expected = await RowCountsAsync(database.Connection, workload);

        await using var app = NpgsqlDataSource.Create(ApplicationConnection(pooler.Connection).ConnectionString);
        IReadOnlyDictionary<string, string?> parameters;
        await using (var connection = await app.OpenConnectionAsync(TestContext.CancellationToken))
        {
            parameters = await WorkloadExecution.ReadParametersAsync(connection, workload, TestContext.CancellationToken);
        }

        const int workers = 4 * PoolSize;
        const int rounds = 4;
        var inFlight = 0;
        var peakInFlight = 0;
        var serverConnections = new ConcurrentBag<long>();
        var failures = new ConcurrentBag<string>();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(TestContext.CancellationToken);
        var sampler = SampleServerConnectionsAsync(database, serverConnections, sampling.Token);

        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            for (var round = 0; round < rounds; round++)
            {
                foreach (var query in workload.Queries.Skip(worker % workload.Queries.Count).Concat(workload.Queries.Take(worker % workload.Queries.Count)))
                {
                    var now = Interlocked.Increment(ref inFlight);
                    InterlockedMax(ref peakInFlight, now);
                    try
                    {
                        await using var connection = await app.OpenConnectionAsync(TestContext.CancellationToken);
                        var rows = await WorkloadExecution.ExecuteAsync(connection, workload, query, parameters, "1min", TestContext.CancellationToken);
                        if (rows != expected[query.Name])
                        {
                            failures.Add($"{query.Name}: {rows} rows through the pooler, {expected[query.Name]} directly");
                        }
                    }
                    catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or MigrationTasksException)
                    {
                        failures.Add($"{query.Name}: {exception.Message}");
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }
                }
            }
        }, TestContext.CancellationToken)));
        await sampling.CancelAsync();
        await sampler;

        Assert.IsEmpty(failures, string.Join("\n", failures.Take(10)) + "\n" + await File.ReadAllTextAsync(pooler.LogFile, TestContext.CancellationToken));
        Assert.IsGreaterThan(PoolSize, peakInFlight, "more requests at once than server connections");
        Assert.IsLessThanOrEqualTo(PoolSize, serverConnections.Max(), "PgBouncer never opened more server connections than the pool size");
        Assert.IsGreaterThan(0, serverConnections.Max());
    }

    [TestMethod]
    public async Task MigrationsTheLockBackupsRestoresAndTheAnalysisRefuseTheTransactionPoolerAndTouchNothing()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleWorkload);
        await using var pooler = await PgBouncer.StartAsync(database.Connection, "transaction", PoolSize, TestContext.CancellationToken);
        var folder = MigrationFolder.Create(TestTemplates.MigrationFiles.Select(f => (Path.GetFileName(f), File.ReadAllText(f))).Append(("20990101000000_pooled.sql", "create table public.pooled (id int);\n")).ToArray());
        var history = await database.ScalarAsync<long>("select count(*) from supabase_migrations.schema_migrations");

        var applied = await MigrationRunner.ApplyAsync(pooler.Connection, folder.Load(), new ApplyOptions(), new TestLog(), TestContext.CancellationToken);
        AssertRefused(applied.Failure, "applying migrations");
        var dryRun = await MigrationRunner.ApplyAsync(pooler.Connection, folder.Load(), new ApplyOptions { DryRun = true }, new TestLog(), TestContext.CancellationToken);
        AssertRefused(dryRun.Failure, "applying migrations");

        AssertRefused(await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            MigrationRepair.RepairAsync(pooler.Connection, folder.Load(), ["20990101000000"], RepairStatus.Applied, new ApplyOptions(), new TestLog(), TestContext.CancellationToken)), "the migration lock");

        AssertRefused(await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            IndexAnalyzer.AnalyzeAsync(pooler.Connection, Workload.Load(TestTemplates.WorkloadFile), new IndexAnalysisOptions { Source = "pooled" }, new TestLog(), TestContext.CancellationToken)), "the index analysis");

        var backups = TestPaths.NewFolder("backups");
        AssertRefused(await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            DatabaseBackup.CreateAsync(pooler.Connection, new BackupOptions { Root = backups, Label = "production" }, new TestLog(), TestContext.CancellationToken)), "a backup");
        Assert.IsEmpty(Directory.GetFileSystemEntries(backups), "no backup folder was started");

        // A restore needs sessions too: a good backup, taken directly, is refused through the pooler.
        var backup = await DatabaseBackup.CreateAsync(database.Connection, new BackupOptions { Root = backups, Label = "production", IncludeRoles = false }, new TestLog(), TestContext.CancellationToken);
        await using var target = await TestServer.CreateDatabaseAsync();
        var targetThroughPooler = pooler.Connection.WithDatabase(target.Name);
        AssertRefused(await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            DatabaseRestore.RestoreAsync(backup.Folder, targetThroughPooler, new RestoreOptions { ReportDirectory = TestPaths.NewFolder("restore") }, new TestLog(), TestContext.CancellationToken)), "a restore");
        Assert.AreEqual(0L, await target.ScalarAsync<long>("select count(*) from pg_namespace where nspname = 'auth'"), "nothing was restored");

        Assert.IsFalse(await database.RelationExistsAsync("pooled"));
        Assert.AreEqual(history, await database.ScalarAsync<long>("select count(*) from supabase_migrations.schema_migrations"));
        Assert.AreEqual(0L, await database.ScalarAsync<long>("select count(*) from pg_locks where locktype = 'advisory'"));

        // The same database directly: nothing stands in the way.
        var direct = await MigrationRunner.ApplyAsync(database.Connection, folder.Load(), new ApplyOptions(), new TestLog(), TestContext.CancellationToken);
        Assert.IsTrue(direct.Passed, direct.Failure?.ToString());
    }

    [TestMethod]
    public async Task ASessionModePoolerPassesTheProbeUnlessItIsListed()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        await using var pooler = await PgBouncer.StartAsync(database.Connection, "session", PoolSize, TestContext.CancellationToken);
        var folder = MigrationFolder.Create(("20990101000000_session.sql", "create table public.through_session (id int);\n"));

        var verdict = await TransactionPoolerCheck.DetectAsync(pooler.Connection, new PoolerCheckOptions(), TestContext.CancellationToken);
        Assert.IsFalse(verdict.IsTransactionPooler, verdict.Evidence);
        var listed = await MigrationRunner.ApplyAsync(pooler.Connection, folder.Load(), new ApplyOptions { PoolerCheck = new PoolerCheckOptions { TransactionPoolers = PoolerCheckOptions.ParseList($"*:{pooler.Port}") } }, new TestLog(), TestContext.CancellationToken);
        Assert.AreEqual("MT0720", listed.Failure?.Code);
        StringAssert.Contains(listed.Failure!.Message, $"listed in TransactionPoolers as *:{pooler.Port}");

        var report = await MigrationRunner.ApplyAsync(pooler.Connection, folder.Load(), new ApplyOptions(), new TestLog(), TestContext.CancellationToken);

        Assert.IsTrue(report.Passed, report.Failure?.ToString());
        Assert.IsTrue(await database.RelationExistsAsync("through_session"));
    }

    [TestMethod]
    public async Task ApplyMigrationsThroughTheTransactionPoolerUrlFailsWithTheCodeAndNoSecret()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleWorkload);
        await using var pooler = await PgBouncer.StartAsync(database.Connection, "transaction", PoolSize, TestContext.CancellationToken);
        var password = pooler.Connection.Password!;
        var url = $"postgres://{Uri.EscapeDataString(pooler.Connection.Username)}:{Uri.EscapeDataString(password)}@127.0.0.1:{pooler.Port}/{database.Name}";
        var artifacts = TestPaths.NewFolder("artifacts") + "/";

        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "ApplyMigrations",
            new Dictionary<string, string> { ["Database"] = "staging", ["MigrationTasksArtifactsDirectory"] = artifacts },
            new Dictionary<string, string?> { ["STAGING_DATABASE_URL"] = url }, cancellationToken: TestContext.CancellationToken);

        Assert.IsFalse(result.Succeeded, result.Log);
        Assert.Contains("error MT0720", result.Log);
        Assert.Contains("transaction-mode connection pooler", result.Log);
        Assert.DoesNotContain(password, result.Log);
        Assert.DoesNotContain(password, await File.ReadAllTextAsync(Path.Combine(artifacts, "migrations", "apply-report.json"), TestContext.CancellationToken));
    }

    private static void AssertRefused(MigrationTasksException? error, string purpose)
    {
        Assert.IsNotNull(error);
        Assert.AreEqual("MT0720", error.Code, error.ToString());
        StringAssert.Contains(error.Message, purpose);
        StringAssert.Contains(error.Message, "asked the server");
    }

    /// <summary>Each query's row count run directly (the pooler must return the same).</summary>
    private async Task<Dictionary<string, int>> RowCountsAsync(DatabaseConnection direct, Workload workload)
    {
        await using var connection = new NpgsqlConnection(direct.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync(TestContext.CancellationToken);
        var parameters = await WorkloadExecution.ReadParametersAsync(connection, workload, TestContext.CancellationToken);
        var counts = new Dictionary<string, int>();
        foreach (var query in workload.Queries)
        {
            counts[query.Name] = await WorkloadExecution.ExecuteAsync(connection, workload, query, parameters, "1min", TestContext.CancellationToken);
        }

        return counts;
    }

    /// <summary>Samples, directly on the server, how many sessions PgBouncer holds open to the database.</summary>
    private static async Task SampleServerConnectionsAsync(TestDatabase database, ConcurrentBag<long> samples, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(TestServer.Server.Connection.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand("select count(*) from pg_stat_activity where datname = $1 and backend_type = 'client backend'", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = database.Name });
        while (!cancellationToken.IsCancellationRequested)
        {
            samples.Add((long)(await command.ExecuteScalarAsync(CancellationToken.None))!);
            try
            {
                await Task.Delay(5, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
