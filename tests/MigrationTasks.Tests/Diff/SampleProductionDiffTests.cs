using System.Text.RegularExpressions;
using MigrationTasks.Catalog.Model;
using MigrationTasks.Common;
using MigrationTasks.Diff;
using MigrationTasks.Migrations;
using MigrationTasks.Sample;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Tests.Diff;

/// <summary>
/// The bundled sample production against the migrations: its drift and legacy objects found exactly as
/// supabase/README.md lists them, its script converging, and the align migration made by NewMigration fixing it
/// while changing nothing on a database built from the migrations.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed partial class SampleProductionDiffTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task TheDriftAndTheLegacyObjectsAreFoundAndClassifiedAsTheReadmeListsThem()
    {
        await using var production = await SampleAsync();
        var readme = await File.ReadAllTextAsync(Path.Combine(TestTemplates.SupabaseDirectory, "README.md"), TestContext.CancellationToken);

        var result = await DiffAsync(production, TestPaths.NewFolder("sample-diff"), allowDestructive: false);

        var drift = DriftRows(readme);
        Assert.HasCount(8, drift, "the README's drift table");
        var found = result.Report.Diff.Changes.ToDictionary(c => Name(c.Object), c => c.Bucket);
        CollectionAssert.AreEquivalent(drift.Select(r => r.Object).ToList(), found.Keys.ToList(), "every listed drift is found, and nothing else");
        foreach (var row in drift)
        {
            // Access control (the policy, RLS, the grant, the view's security_invoker) is a security difference; the rest is drift.
            var expected = row.Kind is "edited policy" or "RLS disabled" or "extra grant" or "view option" ? DiffBucket.Security : DiffBucket.Drift;
            Assert.AreEqual(expected, found[row.Object], $"#{row.Number} {row.Kind} {row.Object}");
        }

        CollectionAssert.AreEquivalent(LegacyObjects(readme), result.Report.Legacy.Select(l => Name(l.Object)).ToList(), "the README's legacy table");
        CollectionAssert.AreEqual(new[] { "20240612093015_booking_cancellation.sql", "20240702141500_notification_preferences.sql" }, result.Report.PendingMigrations.ToList());

        // The script (destructive statements allowed) brings a clone of production to the migrations: its re-diff is empty.
        NpgsqlConnection.ClearAllPools();
        await using var clone = await TestServer.CreateDatabaseAsync(production.Name);
        var allowed = await DiffAsync(clone, TestPaths.NewFolder("sample-allowed"), allowDestructive: true);
        await PostgresTool.RunPsqlFileAsync(TestServer.Server.Binaries!, clone.Connection, allowed.ScriptPath, null, TestContext.CancellationToken);
        var again = await DiffAsync(clone, TestPaths.NewFolder("sample-again"), allowDestructive: true);
        Assert.IsTrue(again.Report.Passed, string.Join("\n", again.Report.Diff.Changes));
        Assert.HasCount(24, again.Report.Legacy, "legacy objects are still there: the cleanup migration drops them");
    }

    [TestMethod]
    public async Task NewMigrationWithTheAlignTemplateFixesProductionAndChangesNothingOnAFreshDatabase()
    {
        await using var production = await SampleAsync();
        var supabase = TestPaths.NewFolder("align-supabase");
        CopyDirectory(TestTemplates.SupabaseDirectory, supabase);
        var artifacts = TestPaths.NewFolder("align-artifacts");

        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "NewMigration",
            new Dictionary<string, string>
            {
                ["MigrationName"] = "align_prod_schema",
                ["MigrationTemplate"] = "align",
                ["AllowDestructive"] = "true",
                ["SupabaseDirectory"] = supabase + "/",
                ["MigrationTasksArtifactsDirectory"] = artifacts + "/",
            },
            new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = DiffHarness.Url(production) },
            cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(result.Succeeded, result.Log);
        Assert.Contains("Diff: 4 unexpected drift, 4 security differences, 24 legacy objects", result.Log, "the diff ran first");
        var align = Directory.GetFiles(Path.Combine(supabase, "migrations"), "*_align_prod_schema.sql").Single();
        var text = await File.ReadAllTextAsync(align, TestContext.CancellationToken);
        Assert.Contains("CREATE INDEX IF NOT EXISTS bookings_adventure_id_idx", text);
        Assert.Contains("DROP COLUMN IF EXISTS \"instagram_handle\"", text);
        Assert.DoesNotContain("v1_", text.Replace("Legacy objects", "", StringComparison.Ordinal), "legacy objects are not in it");
        Assert.DoesNotContain("cancel_booking", text, "the pending migrations' own work is not in it");
        Assert.DoesNotContain(production.Connection.Password!, text);

        // A database built from the migrations: the align migration changes nothing there.
        await using var fresh = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        var withoutAlign = Path.Combine(TestPaths.NewFolder("without-align"), "migrations");
        CopyDirectory(Path.Combine(supabase, "migrations"), withoutAlign);
        File.Delete(Path.Combine(withoutAlign, Path.GetFileName(align)));
        await ApplyAsync(fresh, withoutAlign);
        var before = await DumpAsync(fresh);
        await ApplyAsync(fresh, Path.Combine(supabase, "migrations"));
        Assert.AreEqual(before, await DumpAsync(fresh), "no-op on a database the migrations built");

        // Production: the pending migrations, then the align migration; then it matches every migration.
        await ApplyAsync(production, Path.Combine(supabase, "migrations"));
        var after = await DiffAsync(production, TestPaths.NewFolder("aligned-sample"), allowDestructive: true, supabase);
        Assert.IsTrue(after.Report.Passed, string.Join("\n", after.Report.Diff.Changes));
        Assert.IsEmpty(after.Report.PendingMigrations);
    }

    /// <summary>The sample production (scale 1, seed 42) built by the engine in a new database.</summary>
    private async Task<TestDatabase> SampleAsync()
    {
        var database = await TestServer.CreateDatabaseAsync();
        await SampleProduction.BuildAsync(TestTemplates.Binaries, database.Connection, TestTemplates.SupabaseDirectory, 1, 42, NullEngineLog.Instance, TestContext.CancellationToken);
        return database;
    }

    private Task<DiffResult> DiffAsync(TestDatabase production, string folder, bool allowDestructive, string? supabase = null) =>
        DiffHarness.RunAsync(production, folder, allowDestructive, TestContext.CancellationToken, supabase);

    private async Task ApplyAsync(TestDatabase database, string migrations)
    {
        var report = await MigrationRunner.ApplyAsync(database.Connection, MigrationSet.Load(migrations, NullEngineLog.Instance), new ApplyOptions(), NullEngineLog.Instance, TestContext.CancellationToken);
        Assert.IsTrue(report.Passed, report.Failure?.ToString());
    }

    private async Task<string> DumpAsync(TestDatabase database) =>
        string.Join("\n", (await PostgresTool.RunAsync(TestServer.Server.Binaries!, "pg_dump", database.Connection, ["--schema-only"], TestContext.CancellationToken))
            .StandardOutput.Split('\n').Where(l => !l.StartsWith("\\restrict", StringComparison.Ordinal) && !l.StartsWith("\\unrestrict", StringComparison.Ordinal)));

    /// <summary>How the README names an object: schema.table.column, schema.name(argument types), schema.table.policy.</summary>
    private static string Name(CatalogObject item) => item switch
    {
        RoutineObject r => $"{r.Schema}.{r.Name}({r.ArgumentTypes})",
        DefaultObject d => $"{d.Schema}.{d.RelationName}.{d.Name}",
        _ => item.DisplayName,
    };

    private sealed record DriftRow(int Number, string Kind, string Object);

    /// <summary>The rows of the README's drift table, each object as <see cref="Name"/> writes it.</summary>
    private static List<DriftRow> DriftRows(string readme)
    {
        var section = readme[readme.IndexOf("### Drift", StringComparison.Ordinal)..readme.IndexOf("### Legacy", StringComparison.Ordinal)];
        return [.. DriftTableRow().Matches(section).Select(m =>
        {
            var ticks = Ticked().Matches(m.Groups["object"].Value).Select(t => t.Groups[1].Value.Trim('"')).ToList();
            var name = m.Groups["kind"].Value == "edited policy" ? $"{ticks[1]}.{ticks[0]}" : ticks[0];
            return new DriftRow(int.Parse(m.Groups["number"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["kind"].Value.Trim(), name);
        })];
    }

    /// <summary>The README's legacy objects (types, tables, sequences, views, functions, triggers; not what belongs to the tables).</summary>
    private static List<string> LegacyObjects(string readme)
    {
        var section = readme[readme.IndexOf("### Legacy objects", StringComparison.Ordinal)..];
        var names = new List<string>();
        foreach (Match row in LegacyRow().Matches(section))
        {
            var ticks = Ticked().Matches(row.Groups["objects"].Value).Select(t => t.Groups[1].Value).ToList();
            switch (row.Groups["kind"].Value)
            {
                case "trigger":
                    names.Add($"{ticks[1]}.{ticks[0]}");
                    break;
                case "type" or "table" or "sequence" or "view" or "function":
                    names.AddRange(ticks.Where(t => t.StartsWith("public.", StringComparison.Ordinal)));
                    break;
            }
        }

        return names;
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            CopyDirectory(directory, Path.Combine(target, Path.GetFileName(directory)));
        }
    }

    [GeneratedRegex(@"^\| (?<number>\d+) \| (?<kind>[^|]+) \| (?<object>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex DriftTableRow();

    [GeneratedRegex(@"^\| (?<kind>type|table|sequence|view|function|trigger) \| (?<objects>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex LegacyRow();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Ticked();
}
