using MigrationTasks.Backup;
using MigrationTasks.Common;
using MigrationTasks.Servers;
using MigrationTasks.Tasks;
using MigrationTasks.Tests.Infrastructure;
using Npgsql;

namespace MigrationTasks.Tests.Backup;

/// <summary>The bundled sample production (scale 1: v1 tables, auth users, the v3 schema, the CLI's history, drift) backed up and restored.</summary>
[TestClass]
public sealed class SampleProductionBackupTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task TheSampleProductionClonesIntoANewServerWithEveryTableChecksummed()
    {
        await using var production = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        if (TestServer.Server.Binaries is not { HasServer: true } binaries)
        {
            Assert.Inconclusive("Not run: no local PostgreSQL server binaries for a second server.");
            return;
        }

        await using var staging = await LocalCluster.StartAsync(new LocalClusterOptions { Installation = binaries, Root = TestPaths.ClusterRoot }, NullEngineLog.Instance,
            TestContext.CancellationToken);
        var log = new RecordingLog();

        var clone = await DatabaseClone.CloneAsync(production.Connection, staging.Connection.WithDatabase(production.Name), new CloneOptions
        {
            Backup = BackupFixtures.Options(TestPaths.NewFolder("backups")) with { ChecksumTables = 1000 },
            Restore = BackupFixtures.RestoreOptions(TestPaths.NewFolder("clone")) with { CreateDatabase = true },
        }, log, TestContext.CancellationToken);

        var manifest = clone.Backup.Manifest;
        Assert.IsTrue(clone.Restore.Fidelity.Passed, clone.Restore.Fidelity.FailureSummary + "\n" + log.Text);
        Assert.IsTrue(manifest.Tables.All(t => t.Checksum is not null), "every table checksummed");
        Assert.AreEqual(8160, manifest.Tables.Single(t => t.Schema == "public" && t.Name == "v1_users").Rows);
        Assert.AreEqual(25_000, manifest.Tables.Single(t => t.Name == "v1_bookings").Rows);
        Assert.AreEqual(11, manifest.History!.Rows);
        Assert.AreEqual("20240304170845", manifest.History.LatestVersion);
        Assert.IsGreaterThan(90_000, manifest.Tables.Sum(t => t.Rows));
        CollectionAssert.Contains(clone.Restore.CreatedRoles.ToList(), "authenticated");

        await using var connection = new NpgsqlConnection(staging.Connection.WithDatabase(production.Name).ConnectionString);
        await connection.OpenAsync(TestContext.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM auth.users WHERE raw_app_meta_data ? 'v1_user_id'", connection);
        Assert.IsGreaterThan(7000L, (long)(await command.ExecuteScalarAsync(TestContext.CancellationToken))!, "the imported accounts came along");
    }

    [TestMethod]
    public async Task WithoutAProductionTheBackupTargetBacksUpTheBundledSample()
    {
        var engine = new FakeBuildEngine();
        var root = TestPaths.NewFolder("backups");
        var task = new BackupDatabase
        {
            BuildEngine = engine,
            ProductionUrlVariable = "MT_TEST_UNSET_" + Guid.NewGuid().ToString("N").ToUpperInvariant(),
            BackupDirectory = root,
            PostgresClusterRoot = TestPaths.ClusterRoot,
            SupabaseDirectory = TestTemplates.SupabaseDirectory,
            SampleScale = "1",
        };

        Assert.IsTrue(task.Execute(), engine.AllText);

        Assert.Contains("using the bundled sample production, scale 1", engine.AllText);
        var manifest = BackupManifest.Read(task.BackupPath!);
        Assert.IsTrue(manifest.Passed);
        Assert.AreEqual("trvl_production", manifest.Source.Database);
        Assert.AreEqual(11, manifest.History!.Rows);
    }
}
