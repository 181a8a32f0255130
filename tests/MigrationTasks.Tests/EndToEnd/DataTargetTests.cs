using System.Text.Json;
using MigrationTasks.Tests.Data;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.EndToEnd;

/// <summary>Validate and NewMigration (data, cleanup) as users run them: `dotnet msbuild` at the repository root.</summary>
[TestClass]
[DoNotParallelize]
public sealed class DataTargetTests
{
    public TestContext TestContext { get; set; } = null!;

    private Task<MSBuildResult> RunAsync(string target, Dictionary<string, string> properties, Dictionary<string, string?>? environment = null, params string[] extra) =>
        MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, target, properties, environment, extra, cancellationToken: TestContext.CancellationToken);

    [TestMethod]
    public async Task ValidateWithNothingConfiguredRunsTheWholeCycleOnTheSampleAndPasses()
    {
        var artifacts = TestPaths.NewFolder("validate-cycle") + "/";
        var clusters = TestPaths.NewFolder("validate-clusters");

        var result = await RunAsync("Validate", new() { ["MigrationTasksArtifactsDirectory"] = artifacts, ["PostgresClusterRoot"] = clusters, ["ValidationSeed"] = "7" });

        Assert.IsTrue(result.Succeeded, result.Log);
        Assert.Contains("Database is not set: running the whole cycle on the bundled sample production (scale 1)", result.Log);
        Assert.Contains("Before snapshot of", result.Log);
        Assert.Contains("Validation passed: 10 mappings", result.Log);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(artifacts, "validation", "validation.json"), TestContext.CancellationToken));
        Assert.IsTrue(report.RootElement.GetProperty("passed").GetBoolean());
        Assert.AreEqual("cycle", report.RootElement.GetProperty("phase").GetString());
        Assert.Contains("the v1 source is compared with it", report.RootElement.GetProperty("beforeSnapshot").GetString()!);
        Assert.IsTrue(File.Exists(Path.Combine(artifacts, "validation", "before.json")));
        Assert.IsEmpty(Directory.GetDirectories(clusters), "the ephemeral server is gone");
    }

    [TestMethod]
    public async Task BeforeAndAfterOnANamedDatabaseAndTheGateClosesOnAMismatch()
    {
        // The named database is the migrated sample; the before snapshot is taken on it too (its v1 tables are unchanged).
        await using var database = await MigratedSample.CopyAsync();
        var artifacts = TestPaths.NewFolder("validate-named") + "/";
        var properties = new Dictionary<string, string> { ["Database"] = "staging", ["MigrationTasksArtifactsDirectory"] = artifacts };
        var environment = new Dictionary<string, string?> { ["STAGING_DATABASE_URL"] = database.Connection.ConnectionString };

        var before = await RunAsync("Validate", new(properties) { ["Phase"] = "before" }, environment);
        var after = await RunAsync("Validate", properties, environment);
        await database.ExecuteAsync("UPDATE public.vendors SET name = 'Renamed by hand' WHERE id = (SELECT v3_id FROM migration_keymap.vendors ORDER BY v1_id LIMIT 1)");
        var failed = await RunAsync("Validate", properties, environment, "-v:diag");

        Assert.IsTrue(before.Succeeded, before.Log);
        Assert.Contains("before: bookings: public.v1_bookings 25,000 rows", before.Log);
        Assert.IsTrue(after.Succeeded, after.Log);
        Assert.Contains("Validation passed", after.Log);
        Assert.IsFalse(failed.Succeeded, failed.Log);
        Assert.Contains("error MT0521: Validation failed", failed.Log);
        Assert.Contains("public.vendors id=", failed.Log);
        Assert.Contains("column name is 'Renamed by hand'", failed.Log);
        Assert.AreEqual(0, failed.Count(database.Connection.Password!), "the password is in no log line at -v:diag");
        var json = await File.ReadAllTextAsync(Path.Combine(artifacts, "validation", "validation.json"), TestContext.CancellationToken);
        Assert.Contains("\"passed\": false", json);
        Assert.DoesNotContain(database.Connection.Password!, json);
    }

    [TestMethod]
    public async Task ASpecErrorFailsNewMigrationAtTheSpecLineAndWritesNothing()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        var (spec, line) = SpecFiles.Variant("      verified: coalesce(v.verified, 0) <> 0", "      verified: coalesce(v.verify, 0) <> 0");
        var migrations = TestPaths.NewFolder("data-migrations");

        var result = await RunAsync("NewMigration", new()
        {
            ["MigrationName"] = "migrate_v1_data",
            ["MigrationTemplate"] = "data",
            ["MigrationTemplateParameters"] = "spec=" + spec,
            ["MigrationsDirectory"] = migrations + "/",
            ["Database"] = "staging",
        }, new() { ["STAGING_DATABASE_URL"] = database.Connection.ConnectionString });

        Assert.IsFalse(result.Succeeded, result.Log);
        Assert.Contains($"v1_to_v3.yaml({line},", result.Log);
        Assert.Contains("error MT0509", result.Log);
        Assert.IsEmpty(Directory.GetFiles(migrations));
    }

    [TestMethod]
    public async Task NewMigrationWritesTheDataAndCleanupMigrationsCheckedAgainstTheNamedDatabase()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        var migrations = TestPaths.NewFolder("data-migrations");
        var environment = new Dictionary<string, string?> { ["STAGING_DATABASE_URL"] = database.Connection.ConnectionString };

        var data = await RunAsync("NewMigration", new() { ["MigrationName"] = "migrate_v1_data", ["MigrationTemplate"] = "data", ["MigrationsDirectory"] = migrations + "/", ["Database"] = "staging" }, environment);
        var cleanup = await RunAsync("NewMigration", new() { ["MigrationName"] = "cleanup_v1_artifacts", ["MigrationTemplate"] = "cleanup", ["MigrationsDirectory"] = migrations + "/", ["Database"] = "staging" }, environment);

        Assert.IsTrue(data.Succeeded, data.Log);
        Assert.IsTrue(cleanup.Succeeded, cleanup.Log);
        var files = Directory.GetFiles(migrations).Order(StringComparer.Ordinal).ToList();
        Assert.HasCount(2, files);
        Assert.EndsWith("_migrate_v1_data.sql", files[0]);
        Assert.Contains("from the template \"data\"", await File.ReadAllTextAsync(files[0], TestContext.CancellationToken));
        Assert.Contains("DROP TABLE IF EXISTS \"public\".\"v1_users\"", await File.ReadAllTextAsync(files[1], TestContext.CancellationToken));
        Assert.Contains("Cleanup rehearsed on staging", cleanup.Log);
        Assert.AreEqual(0L, await database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = 'migration_keymap'"), "checking the spec left nothing behind");
    }
}
