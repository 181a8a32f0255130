using System.Text.Json;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Smoke;

namespace MigrationTasks.Tests.EndToEnd;

/// <summary>`dotnet msbuild -t:Smoke` as users run it: on the migrated sample by default, on production by its variable.</summary>
[TestClass]
[DoNotParallelize]
public sealed class SmokeTargetTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task WithoutDatabaseTheFlowsPassOnTheMigratedSampleProductionAndTheOutputSaysSo()
    {
        var artifacts = TestPaths.NewFolder("smoke-artifacts") + "/";

        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Smoke",
            new Dictionary<string, string> { ["MigrationTasksArtifactsDirectory"] = artifacts, ["PostgresClusterRoot"] = TestPaths.NewFolder("smoke-clusters") },
            new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = null, ["STAGING_DATABASE_URL"] = null },
            cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(result.Succeeded, result.Log);
        Assert.Contains("Database is not set: running the smoke flows on the bundled sample production (scale 1, seed 42) with every pending migration applied", result.Log);
        Assert.Contains("Smoke: 5 of 5 flows passed; nothing was kept.", result.Log);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(artifacts, "smoke", "smoke.json"), TestContext.CancellationToken));
        Assert.IsTrue(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.AreEqual(5, json.RootElement.GetProperty("flows").GetArrayLength());
        Assert.IsTrue(File.Exists(Path.Combine(artifacts, "smoke", "smoke.md")));
    }

    [TestMethod]
    public async Task OnProductionABrokenFlowFailsTheBuildByNameAndNothingPersistsOrLeaks()
    {
        await using var production = await Data.MigratedSample.CopyAsync();
        var connection = production.Connection;
        var password = connection.Password!;
        var folder = TestPaths.NewFolder("smoke-production");
        var smokeFile = Path.Combine(folder, "smoke.yaml");
        var text = await File.ReadAllTextAsync(SmokeCensus.SmokeFile, TestContext.CancellationToken);
        await File.WriteAllTextAsync(smokeFile, text.Replace("expect: { error: P0002 }", "expect: 1", StringComparison.Ordinal), TestContext.CancellationToken);
        var before = await SmokeCensus.TakeAsync(production, TestContext.CancellationToken);

        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Smoke",
            new Dictionary<string, string> { ["Database"] = "production", ["SmokeFile"] = smokeFile, ["MigrationTasksArtifactsDirectory"] = Path.Combine(folder, "artifacts") + "/" },
            new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = $"postgres://{connection.Username}:{Uri.EscapeDataString(password)}@{connection.Host}:{connection.Port}/{connection.Database}" },
            ["-v:diag"], cancellationToken: TestContext.CancellationToken);

        Assert.AreNotEqual(0, result.ExitCode, result.Log);
        Assert.Contains("error MT0856: 1 of 5 smoke flows failed: 'A vendor publishes an adventure, a traveller finds it and books it' (line 86)", result.Log);
        Assert.Contains("FAIL A vendor publishes an adventure, a traveller finds it and books it", result.Log);
        Assert.Contains("expected 1 row, got error P0002", result.Log);
        Assert.AreEqual(0, result.Count(password), "no password at diagnostic verbosity");
        Assert.DoesNotContain(password, await File.ReadAllTextAsync(Path.Combine(folder, "artifacts", "smoke", "smoke.json"), TestContext.CancellationToken));
        Assert.AreEqual(before, await SmokeCensus.TakeAsync(production, TestContext.CancellationToken), "production is as it was");
    }

    [TestMethod]
    public async Task ABadSmokeFileIsACodedErrorAtItsLineAndANamedDatabaseNeedsItsVariable()
    {
        var folder = TestPaths.NewFolder("smoke-bad");
        var smokeFile = Path.Combine(folder, "smoke.yaml");
        await File.WriteAllTextAsync(smokeFile, "personas:\n  anon: { role: anon }\nflows:\n  - name: x\n    steps: [ { as: anon, select: profiles }\n", TestContext.CancellationToken);

        var bad = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Smoke",
            new Dictionary<string, string> { ["Database"] = "staging", ["SmokeFile"] = smokeFile },
            new Dictionary<string, string?> { ["STAGING_DATABASE_URL"] = "postgres://nobody:x@127.0.0.1:1/never" },
            cancellationToken: TestContext.CancellationToken);
        var unset = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Smoke",
            new Dictionary<string, string> { ["Database"] = "production" },
            new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = null },
            cancellationToken: TestContext.CancellationToken);

        Assert.AreNotEqual(0, bad.ExitCode, bad.Log);
        Assert.Contains($"{smokeFile}(6,1): error MT0851:", bad.Log);
        var unknownFlow = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Smoke",
            new Dictionary<string, string> { ["Database"] = "staging", ["SmokeFlows"] = "Sign in|No such flow" },
            new Dictionary<string, string?> { ["STAGING_DATABASE_URL"] = "postgres://nobody:x@127.0.0.1:1/never" },
            cancellationToken: TestContext.CancellationToken);

        Assert.AreNotEqual(0, unset.ExitCode, unset.Log);
        Assert.Contains("error MT0010", unset.Log);
        Assert.AreNotEqual(0, unknownFlow.ExitCode, unknownFlow.Log);
        Assert.Contains("SmokeFlows", unknownFlow.Log);
        Assert.Contains("No such flow", unknownFlow.Log);
    }
}
