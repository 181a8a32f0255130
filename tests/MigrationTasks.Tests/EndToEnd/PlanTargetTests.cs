using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.EndToEnd;

/// <summary>`dotnet msbuild -t:Plan` as users run it: the same plan twice, production's pending migrations, no secret.</summary>
[TestClass]
[DoNotParallelize]
public sealed class PlanTargetTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task PlanRendersTheSameFileTwiceAndWithProductionListsItsPendingMigrationsWithoutItsPassword()
    {
        var folder = TestPaths.NewFolder("plan-target");
        var planFile = Path.Combine(folder, "MIGRATION_PLAN.md");
        var properties = new Dictionary<string, string>
        {
            ["PlanFile"] = planFile,
            ["MigrationTasksArtifactsDirectory"] = Path.Combine(folder, "artifacts") + "/",
            ["BackupJobs"] = "2",
            ["RestoreJobs"] = "2",
        };
        var unset = new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = null };

        var first = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Plan", properties, unset, cancellationToken: TestContext.CancellationToken);
        Assert.IsTrue(first.Succeeded, first.Log);
        Assert.Contains("PRODUCTION_DATABASE_URL is not set: the plan lists every migration file", first.Log);
        Assert.Contains($"(written; {TestTemplates.MigrationFiles.Count} migrations to apply, not checked against production; last rehearsal: not rehearsed yet)", first.Log);
        var text = await File.ReadAllTextAsync(planFile, TestContext.CancellationToken);
        Assert.Contains("| Last rehearsal | not rehearsed yet: run `dotnet msbuild -t:Rehearse` |", text);

        var second = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Plan", properties, unset, cancellationToken: TestContext.CancellationToken);
        Assert.IsTrue(second.Succeeded, second.Log);
        Assert.Contains("(unchanged;", second.Log, "a second render changes nothing");
        Assert.AreEqual(text, await File.ReadAllTextAsync(planFile, TestContext.CancellationToken));

        await using var production = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        var password = production.Connection.Password!;
        var connection = production.Connection;
        var withProduction = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Plan", properties,
            new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = $"postgres://{connection.Username}:{Uri.EscapeDataString(password)}@{connection.Host}:{connection.Port}/{connection.Database}" },
            ["-v:diag"], cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(withProduction.Succeeded, withProduction.Log);
        var applied = await production.ScalarAsync<long>("select count(*) from supabase_migrations.schema_migrations");
        Assert.Contains($"(written; {TestTemplates.MigrationFiles.Count - applied} migrations to apply; last rehearsal: not rehearsed yet)", withProduction.Log);
        Assert.AreEqual(0, withProduction.Count(password), "no password in the log at diagnostic verbosity");
        var planned = await File.ReadAllTextAsync(planFile, TestContext.CancellationToken);
        Assert.Contains("`supabase/migrations/20240612093015_booking_cancellation.sql`", planned);
        Assert.Contains("`supabase/migrations/20240702141500_notification_preferences.sql`", planned);
        Assert.DoesNotContain("`supabase/migrations/20230306094512_extensions_and_types.sql`", planned, "applied on production: not in the plan");
        Assert.Contains($"-p:ConfirmProduction={connection.Database}", planned);
        Assert.DoesNotContain(password, planned);
    }
}
