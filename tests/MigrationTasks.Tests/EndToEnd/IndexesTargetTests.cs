using System.Text.Json;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.EndToEnd;

/// <summary>AnalyzeIndexes, then NewMigration with the indexes template, then ApplyMigrations, as a user runs them.</summary>
[TestClass]
[DoNotParallelize]
public sealed class IndexesTargetTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task AnalyzeThenWriteThenApplyTheIndexMigrationOnStaging()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleWorkload);
        var artifacts = TestPaths.NewFolder("artifacts") + "/";
        var migrations = TestPaths.NewFolder("migrations") + "/";
        foreach (var file in TestTemplates.MigrationFiles)
        {
            File.Copy(file, Path.Combine(migrations, Path.GetFileName(file)));
        }

        var properties = new Dictionary<string, string>
        {
            ["Database"] = "staging",
            ["MigrationTasksArtifactsDirectory"] = artifacts,
            ["MigrationsDirectory"] = migrations,
            ["IndexRuns"] = "3",
        };
        var environment = new Dictionary<string, string?> { ["STAGING_DATABASE_URL"] = database.Connection.ConnectionString };

        var analysed = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "AnalyzeIndexes", properties, environment, cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(analysed.Succeeded, analysed.Log);
        Assert.Contains("vendor_bookings:", analysed.Log);
        Assert.Contains("bookings_adventure_id_idx (public.bookings (adventure_id)): kept", analysed.Log);
        Assert.DoesNotContain(database.Connection.Password!, analysed.Log);
        var analysisFile = Path.Combine(artifacts, "indexes", "indexes.json");
        using (var analysis = JsonDocument.Parse(await File.ReadAllTextAsync(analysisFile, TestContext.CancellationToken)))
        {
            Assert.IsTrue(analysis.RootElement.GetProperty("passed").GetBoolean());
            Assert.AreEqual("the staging database (STAGING_DATABASE_URL) as it is", analysis.RootElement.GetProperty("source").GetString());
        }

        var report = await File.ReadAllTextAsync(Path.Combine(artifacts, "indexes", "report.md"), TestContext.CancellationToken);
        Assert.Contains("| vendor_bookings | authenticated |", report);
        Assert.Contains("### vendor_bookings", report);
        Assert.DoesNotContain(database.Connection.Password!, report);

        var written = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "NewMigration",
            new Dictionary<string, string>(properties) { ["MigrationName"] = "optimize_v3_indexes", ["MigrationTemplate"] = "indexes" }, environment, cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(written.Succeeded, written.Log);
        var migration = Directory.GetFiles(migrations, "*_optimize_v3_indexes.sql").Single();
        Assert.Contains("create index concurrently if not exists \"bookings_adventure_id_idx\"", await File.ReadAllTextAsync(migration, TestContext.CancellationToken));

        var applied = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "ApplyMigrations", properties, environment, cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(applied.Succeeded, applied.Log);
        Assert.Contains($"{Path.GetFileName(migration)}: applied, 1 statement(s) (1 non-transactional)", applied.Log);
        Assert.IsTrue(await database.ScalarAsync<bool>("select indisvalid from pg_index where indexrelid = 'public.bookings_adventure_id_idx'::regclass"));
    }

    [TestMethod]
    public async Task WithoutDatabaseTheMigratedBundledSampleIsAnalysedAndTheReportSaysWhichDataItSaw()
    {
        var clusters = TestPaths.NewFolder("clusters");
        var artifacts = TestPaths.NewFolder("artifacts") + "/";
        var properties = new Dictionary<string, string> { ["PostgresClusterRoot"] = clusters, ["MigrationTasksArtifactsDirectory"] = artifacts, ["IndexRuns"] = "1" };

        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "AnalyzeIndexes", properties,
            new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = "postgres://nobody:x@127.0.0.1:1/never" }, cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(result.Succeeded, result.Log);
        Assert.Contains("Database is not set: analysing the bundled sample production (scale 1, seed 42) on an ephemeral server, migrated with the pending migrations", result.Log);
        Assert.Contains("warning MT0710", result.Log, "its v3 tables are empty until the data migration fills them, and the analysis says so");
        using (var analysis = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(artifacts, "indexes", "indexes.json"), TestContext.CancellationToken)))
        {
            StringAssert.StartsWith(analysis.RootElement.GetProperty("source").GetString(), "the bundled sample production (scale 1, seed 42) on an ephemeral server, with its 2 pending migration(s) applied");
        }

        Assert.IsEmpty(Directory.GetDirectories(clusters), "the ephemeral server is gone");
        var migration = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "NewMigration",
            new Dictionary<string, string>(properties) { ["MigrationName"] = "optimize_v3_indexes", ["MigrationTemplate"] = "indexes", ["MigrationsDirectory"] = TestPaths.NewFolder("migrations") + "/" },
            cancellationToken: TestContext.CancellationToken);
        Assert.IsFalse(migration.Succeeded, migration.Log);
        Assert.Contains("error MT0709", migration.Log);
    }

    [TestMethod]
    public async Task ProductionIsNeverAnalysedAndABadWorkloadFailsBeforeAnyServerStarts()
    {
        var clusters = TestPaths.NewFolder("clusters");
        var production = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "AnalyzeIndexes",
            new Dictionary<string, string> { ["Database"] = "production", ["PostgresClusterRoot"] = clusters },
            new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = "postgres://nobody:x@127.0.0.1:1/never" }, cancellationToken: TestContext.CancellationToken);

        Assert.IsFalse(production.Succeeded, production.Log);
        Assert.Contains("error MT0707", production.Log);

        var workload = Path.Combine(TestPaths.NewFolder("workload"), "workload.sql");
        await File.WriteAllTextAsync(workload, "-- @query broken\n-- @role root\nselect 1;\n", TestContext.CancellationToken);
        var bad = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "AnalyzeIndexes",
            new Dictionary<string, string> { ["WorkloadFile"] = workload, ["PostgresClusterRoot"] = clusters }, cancellationToken: TestContext.CancellationToken);

        Assert.IsFalse(bad.Succeeded, bad.Log);
        Assert.Contains($"{workload}(2): error MT0702", bad.Log);
        Assert.IsEmpty(Directory.GetDirectories(clusters), "no server was started");
    }
}
