using MigrationTasks.Sample;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Sample;

/// <summary>The committed <c>supabase/sample/migration_history.sql</c> matches the migration files.</summary>
[TestClass]
public sealed class MigrationHistoryScriptTests
{
    /// <summary>Set to 1 to rewrite the committed script instead of comparing with it.</summary>
    public const string UpdateVariable = "MIGRATIONTASKS_UPDATE_SAMPLE";

    [TestMethod]
    public void TheCommittedHistoryScriptIsCurrent()
    {
        var path = Path.Combine(TestTemplates.SupabaseDirectory, "sample", "migration_history.sql");
        var expected = MigrationHistoryScript.Render(Path.Combine(TestTemplates.SupabaseDirectory, "migrations"));
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.AreEqual(expected, File.ReadAllText(path),
            $"migration_history.sql is stale: an applied migration (through {MigrationHistoryScript.LastApplied}) changed, or the script generator did. " +
            $"Applied migrations must not change; if the change is intended, run the tests once with {UpdateVariable}=1.");
    }

    [TestMethod]
    public void ProductionHasAppliedAllButTheNewestMigrations()
    {
        var applied = MigrationHistoryScript.Applied(Path.Combine(TestTemplates.SupabaseDirectory, "migrations"));
        var all = TestTemplates.MigrationFiles;

        Assert.IsGreaterThanOrEqualTo(8, applied.Count);
        Assert.IsGreaterThanOrEqualTo(2, all.Count - applied.Count, "the newest migrations are pending on production");
        CollectionAssert.AreEqual(all.Take(applied.Count).Select(Path.GetFileName).ToList(), applied.Select(m => m.FileName).ToList());
    }
}
