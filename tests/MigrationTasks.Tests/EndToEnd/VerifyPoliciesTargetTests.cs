using System.Text.Json;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Security;

namespace MigrationTasks.Tests.EndToEnd;

/// <summary>VerifyPolicies as users run it: `dotnet msbuild -t:VerifyPolicies` at the repository root.</summary>
[TestClass]
[DoNotParallelize]
public sealed class VerifyPoliciesTargetTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task WithoutDatabaseAMigratedCloneOfTheSampleIsCheckedAndItsSecurityDriftFailsTheTarget()
    {
        var clusters = TestPaths.NewFolder("policies-clusters");
        var artifacts = TestPaths.NewFolder("policies-artifacts") + "/";

        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "VerifyPolicies",
            new Dictionary<string, string> { ["PostgresClusterRoot"] = clusters, ["MigrationTasksArtifactsDirectory"] = artifacts },
            new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = null, ["STAGING_DATABASE_URL"] = null },
            cancellationToken: TestContext.CancellationToken);

        Assert.IsFalse(result.Succeeded, result.Log);
        Assert.Contains("Database is not set: checking a migrated staging clone of the bundled sample production", result.Log);
        Assert.Contains("Applied 2 pending migration(s) to the clone.", result.Log);
        foreach (var name in SampleMatrix.DriftCases)
        {
            Assert.Contains($"error MT0610: Policy case failed: '{name}'", result.Log);
        }

        Assert.AreEqual(SampleMatrix.DriftCases.Length, result.Count("error MT0610"), result.Log);
        Assert.Contains("supabase/tests/policies.yaml(", result.Log, "failures point at the matrix line");
        Assert.AreEqual(3, result.Count("error MT0613"), "the three error-level drifts: follows (twice) and adventure_cards");
        Assert.Contains("error MT0613: Security lint security_definer_view (ERROR): View public.adventure_cards", result.Log);
        Assert.Contains("warning MT0630: Security lint anon_security_definer_function_executable: SECURITY DEFINER function public.create_booking", result.Log);
        Assert.AreEqual(0, result.Count("MT0631"), "the matrix covers the whole surface (v1 objects excluded with a reason)");
        Assert.IsEmpty(Directory.GetDirectories(clusters), "the ephemeral server is gone");

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(artifacts, "policies", "report.json"), TestContext.CancellationToken));
        var root = report.RootElement;
        Assert.IsFalse(root.GetProperty("passed").GetBoolean());
        Assert.AreEqual(SampleMatrix.DriftCases.Length, root.GetProperty("matrix").GetProperty("failedCases").GetInt32());
        Assert.IsGreaterThan(300, root.GetProperty("matrix").GetProperty("cases").GetInt32());
        Assert.AreEqual("supabase/tests/policies.yaml", root.GetProperty("matrix").GetProperty("file").GetString(), "paths are relative to the repository");
        Assert.IsTrue(root.GetProperty("coverage").GetProperty("complete").GetBoolean());
        var markdown = await File.ReadAllTextAsync(Path.Combine(artifacts, "policies", "report.md"), TestContext.CancellationToken);
        Assert.StartsWith("# VerifyPolicies: FAILED", markdown);
        Assert.Contains("### A review cannot be handed to someone else as traveller", markdown);
    }

    [TestMethod]
    public async Task AStagingDatabaseIsOnlyReadPassesWithFullCoverageAndItsPasswordAppearsNowhere()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        var connection = database.Connection;
        var password = connection.Password!;
        var artifacts = TestPaths.NewFolder("policies-staging") + "/";
        const string snapshot = "select count(*) || '/' || (select count(*) from pg_policy) || '/' || (select count(*) from public.profiles) from auth.users";
        var before = await database.ScalarAsync<string>(snapshot);

        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "VerifyPolicies",
            new Dictionary<string, string> { ["Database"] = "staging", ["RequireFullCoverage"] = "true", ["MigrationTasksArtifactsDirectory"] = artifacts },
            new Dictionary<string, string?>
            {
                ["STAGING_DATABASE_URL"] = $"postgres://{connection.Username}:{Uri.EscapeDataString(password)}@{connection.Host}:{connection.Port}/{connection.Database}",
                ["MSBUILDLOGALLENVIRONMENTVARIABLES"] = null,
            },
            ["-v:diag"],
            cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(result.Succeeded, result.Log);
        Assert.Contains($"Checking staging ({connection.Describe()}) read-only", result.Log);
        Assert.Contains("Passed: ", result.Log);
        Assert.AreEqual(0, result.Count(password), "the password is in no log line at -v:diag");
        Assert.AreEqual(before, await database.ScalarAsync<string>(snapshot), "nothing was written");
        foreach (var file in new[] { "report.json", "report.md" })
        {
            var text = await File.ReadAllTextAsync(Path.Combine(artifacts, "policies", file), TestContext.CancellationToken);
            Assert.DoesNotContain(password, text, file);
        }

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(artifacts, "policies", "report.json"), TestContext.CancellationToken));
        Assert.IsTrue(report.RootElement.GetProperty("passed").GetBoolean());
        Assert.AreEqual(153, report.RootElement.GetProperty("coverage").GetProperty("covered").GetInt32());
        Assert.AreEqual(6, report.RootElement.GetProperty("lint").GetProperty("findings").EnumerateArray().Count(f => f.GetProperty("accepted").GetBoolean()));
    }

    [TestMethod]
    public async Task BadInputsAreCodedErrorsBeforeAnyServerStarts()
    {
        var clusters = TestPaths.NewFolder("policies-bad");
        var badMatrix = Path.Combine(TestPaths.NewFolder("policies-bad-matrix"), "policies.yaml");
        await File.WriteAllTextAsync(badMatrix, "personas:\n  anon: { role: anon }\nchecks:\n  - select: profiles\n    expect: { anon: some }\n", TestContext.CancellationToken);
        (Dictionary<string, string> Properties, string Expected)[] runs =
        [
            (new() { ["PolicyMatrixFile"] = badMatrix }, "policies.yaml(5,21): error MT0603"),
            (new() { ["LintFailLevel"] = "loud" }, "error MT0013"),
            (new() { ["Database"] = "staging" }, "error MT0010"),
        ];

        foreach (var (properties, expected) in runs)
        {
            properties["PostgresClusterRoot"] = clusters;
            var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "VerifyPolicies", properties,
                new Dictionary<string, string?> { ["STAGING_DATABASE_URL"] = null }, cancellationToken: TestContext.CancellationToken);

            Assert.IsFalse(result.Succeeded, result.Log);
            Assert.Contains(expected, result.Log);
            Assert.IsEmpty(Directory.GetDirectories(clusters), "no server was started");
        }
    }
}
