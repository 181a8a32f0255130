using System.Text.Json.Nodes;
using MigrationTasks.Backup;
using MigrationTasks.Connections;
using MigrationTasks.Plan;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Migrations;

namespace MigrationTasks.Tests.Plan;

/// <summary>The migration plan: deterministic, pending migrations from production's history, durations from the last receipt, no secret.</summary>
[TestClass]
public sealed class MigrationPlanTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task WithoutProductionTheSamePlanIsRenderedTwiceAndEveryFileIsListedAndFlagged()
    {
        var folder = TestPaths.NewFolder("plan");
        var first = await RenderAsync(Request(folder, production: null));
        var second = await RenderAsync(Request(folder, production: null));

        Assert.AreEqual(first, second, "the same inputs render the same plan, byte for byte");
        Assert.Contains("**Not checked against production:** PRODUCTION_DATABASE_URL is not set", first);
        foreach (var file in TestTemplates.MigrationFiles)
        {
            Assert.Contains($"`supabase/migrations/{Path.GetFileName(file)}`", first);
        }

        Assert.Contains("| 1 | Back up production (before) | not rehearsed yet |", first);
        Assert.Contains("| A rehearsal passed | NO-GO: not rehearsed yet |", first);
        Assert.Contains("dotnet msbuild -t:Rollback -p:BackupPath=artifacts/backups/production/<UTC timestamp> -p:ConfirmProduction=<production database name>", first);
        Assert.DoesNotContain(folder, first, "no absolute path of this machine");
        Assert.DoesNotContain(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), first, "no clock time");
    }

    [TestMethod]
    public async Task WithProductionThePlanListsExactlyItsPendingMigrationsAndNeverItsPassword()
    {
        await using var production = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        var password = production.Connection.Password;
        Assert.IsFalse(string.IsNullOrEmpty(password), "the test connection has a password to leak");
        var folder = TestPaths.NewFolder("plan");

        var plan = await MigrationPlanner.BuildAsync(Request(folder, production.Connection), new TestLog(), TestContext.CancellationToken);
        var text = MigrationPlanner.Render(plan, null);

        var applied = await production.ColumnAsync<string>("select version from supabase_migrations.schema_migrations order by version");
        var pending = TestTemplates.MigrationFiles.Select(Path.GetFileName).Where(f => !applied.Contains(f![..14])).ToArray();
        Assert.IsTrue(plan.PendingKnown);
        Assert.Contains("20240612093015_booking_cancellation.sql", pending, "the sample production has pending migrations");
        CollectionAssert.AreEqual(pending, plan.Migrations.Select(m => Path.GetFileName(m.File)).ToArray());
        Assert.Contains($"Pending on production, by production's history ({applied.Count} applied)", text);
        Assert.DoesNotContain("20230306094512_extensions_and_types", text, "applied files are not in the plan");
        Assert.Contains($"| 2 | Apply {pending.Length} migrations |", text);
        Assert.Contains($"-p:ConfirmProduction={production.Name}", text);
        Assert.Contains($"PGDATABASE={production.Name} pg_dump --format=directory", text, "the exact pg_dump command with its connection");
        Assert.Contains($"pg_restore --dbname={production.Name} --jobs=", text);
        Assert.DoesNotContain(password!, text);
        Assert.AreEqual(0L, await production.ScalarAsync<long>("select count(*) from supabase_migrations.schema_migrations where version in ('20240612093015', '20240702141500')"),
            "planning changed nothing on production");
        Assert.AreEqual(text, MigrationPlanner.Render(await MigrationPlanner.BuildAsync(Request(folder, production.Connection), new TestLog(), TestContext.CancellationToken), null));
    }

    [TestMethod]
    public async Task DurationsComeFromTheNewestRehearsalReceipt()
    {
        var folder = TestPaths.NewFolder("plan");
        var rehearsals = Path.Combine(folder, "artifacts", "rehearsal");
        WriteReceipt(rehearsals, "20260101T000000Z", passed: false, clone: 400, apply: 300);
        WriteReceipt(rehearsals, "20260102T093000Z", passed: true, clone: 12.3, apply: 3.2);

        var plan = await MigrationPlanner.BuildAsync(Request(folder, production: null), new TestLog(), TestContext.CancellationToken);
        var text = MigrationPlanner.Render(plan, null);

        Assert.AreEqual("20260102T093000Z", plan.Rehearsal!.Run, "the newest run");
        Assert.Contains("| Last rehearsal | passed, 2026-01-02 09:30:00 UTC: `artifacts/rehearsal/20260102T093000Z/receipt.json` |", text);
        Assert.Contains("| 1 | Back up production (before) | about 15 s (clone) |", text);
        Assert.Contains($"| 2 | Apply {TestTemplates.MigrationFiles.Count} migrations | about 5 s (apply + apply-cleanup) |", text, "apply and its cleanup part add up: 3.2 + 1.0 s");
        Assert.Contains("| 3 | Validate the data | about 45 s (validate-after) |", text);
        Assert.Contains("| 4 | Verify policies and functions | about 5 s (policies) |", text);
        Assert.Contains("| 5 | Smoke flows | under 1 s (smoke) |", text);
        Assert.Contains("| 6 | Back up production (after) | about 15 s (clone) |", text);
        Assert.Contains("| Expected window | about 2 min |", text, "12.3 + 4.2 + 41 + 2.5 + 0.4 + 12.3 s");
        Assert.Contains("| A rehearsal passed | go (run 20260102T093000Z) |", text);
    }

    [TestMethod]
    public async Task MigratesMaintenanceModeAndReceiptAgeAreInThePlan()
    {
        var folder = TestPaths.NewFolder("plan");
        WriteReceipt(Path.Combine(folder, "artifacts", "rehearsal"), "20260102T093000Z", passed: true, clone: 12.3, apply: 3.2);
        var request = Request(folder, production: null) with { MaintenanceMode = "connection-limit", ReceiptMaxAge = "90m" };

        var text = await RenderAsync(request);

        Assert.Contains("All steps at once, stopping at the first failure: `dotnet msbuild -t:Migrate -p:MaintenanceMode=connection-limit`", text);
        Assert.Contains("| Maintenance mode | connection-limit: before step 1 Migrate sets the API role's connection limit to 0", text);
        Assert.Contains("Migrate refuses a receipt older than 90m (ReceiptMaxAge)", text);
        Assert.Contains("| Maintenance mode | none: the app stays up", await RenderAsync(Request(folder, production: null)));
    }

    [TestMethod]
    public async Task AnUnreadableReceiptIsAWarningAndThePlanSaysNotRehearsed()
    {
        var folder = TestPaths.NewFolder("plan");
        var run = Directory.CreateDirectory(Path.Combine(folder, "artifacts", "rehearsal", "20260103T000000Z")).FullName;
        await File.WriteAllTextAsync(Path.Combine(run, "receipt.json"), "{ not json", TestContext.CancellationToken);
        var log = new TestLog();

        var plan = await MigrationPlanner.BuildAsync(Request(folder, production: null), log, TestContext.CancellationToken);

        Assert.IsNull(plan.Rehearsal);
        Assert.IsTrue(log.HasWarning("MT0870"), log.Text);
        Assert.Contains("not rehearsed yet", MigrationPlanner.Render(plan, null));
    }

    [TestMethod]
    public async Task ATemplateInTheOverrideFolderReplacesTheBuiltInOne()
    {
        var folder = TestPaths.NewFolder("plan");
        var templates = Directory.CreateDirectory(Path.Combine(folder, "templates")).FullName;
        await File.WriteAllTextAsync(Path.Combine(templates, MigrationPlanner.TemplateName),
            "Our window: {{ for step in steps }}{{ step.key }} {{ end }}\nRollback: {{ rollback_command }}\n", TestContext.CancellationToken);

        var plan = await MigrationPlanner.BuildAsync(Request(folder, production: null), new TestLog(), TestContext.CancellationToken);
        var text = MigrationPlanner.Render(plan, templates);

        Assert.StartsWith("Our window: backup apply validate policies smoke backup-after \nRollback: dotnet msbuild -t:Rollback", text);
    }

    [TestMethod]
    public void ABrokenOverrideTemplateIsACodedErrorAtItsLine()
    {
        var folder = TestPaths.NewFolder("plan");
        var templates = Directory.CreateDirectory(Path.Combine(folder, "templates")).FullName;
        File.WriteAllText(Path.Combine(templates, MigrationPlanner.TemplateName), "line one\n{{ for step in steps }}\n");
        var plan = new MigrationPlan
        {
            Production = "x", ProductionVariable = "X", ProductionConfigured = false, ProductionDatabase = "x", MigrationsDirectory = "m",
            MigrationFileCount = 0, Migrations = [], PendingKnown = false, MigrationsNote = "", Steps = [], ExpectedTotal = "", GoNoGo = [],
            Maintenance = "", MigrateCommand = "", RollbackCommand = "", RollbackRuns = [], BackupFolder = "",
        };

        var error = Assert.ThrowsExactly<MigrationTasks.Errors.MigrationTasksException>(() => MigrationPlanner.Render(plan, templates));

        Assert.AreEqual("MT0304", error.Code);
        Assert.AreEqual(Path.Combine(templates, MigrationPlanner.TemplateName), error.File);
    }

    // A repository of its own: the sample's migrations copied to <folder>/supabase/migrations, artifacts beside them.
    private static MigrationPlanRequest Request(string folder, DatabaseConnection? production)
    {
        var migrations = Directory.CreateDirectory(Path.Combine(folder, "supabase", "migrations")).FullName;
        foreach (var file in TestTemplates.MigrationFiles)
        {
            File.Copy(file, Path.Combine(migrations, Path.GetFileName(file)), overwrite: true);
        }

        return new()
        {
            Production = production,
            MigrationsDirectory = migrations,
            RehearsalDirectory = Path.Combine(folder, "artifacts", "rehearsal"),
            RepositoryRoot = folder,
            Backup = new BackupOptions { Root = Path.Combine(folder, "artifacts", "backups"), Label = "production", Jobs = 2 },
            RestoreJobs = 2,
        };
    }

    private async Task<string> RenderAsync(MigrationPlanRequest request) =>
        MigrationPlanner.Render(await MigrationPlanner.BuildAsync(request, new TestLog(), TestContext.CancellationToken), null);

    // A receipt as Rehearse writes it (receipt.json: passed, createdUtc, steps with name, result, durationSeconds).
    private static void WriteReceipt(string root, string run, bool passed, double clone, double apply)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, run)).FullName;
        var when = DateTimeOffset.ParseExact(run, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
        var receipt = new JsonObject
        {
            ["passed"] = passed,
            ["createdUtc"] = when.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["production"] = new JsonObject { ["sample"] = false },
            ["steps"] = new JsonArray(
                Step("clone", clone), Step("diff", 1.5), Step("apply", apply), Step("validate-after", 41), Step("apply-cleanup", 1.0),
                Step("policies", 2.5), Step("smoke", 0.4), Step("failure-drill", 30)),
        };
        File.WriteAllText(Path.Combine(folder, "receipt.json"), receipt.ToJsonString());

        static JsonObject Step(string name, double seconds) => new() { ["name"] = name, ["title"] = name, ["result"] = "Passed", ["durationSeconds"] = seconds };
    }
}
