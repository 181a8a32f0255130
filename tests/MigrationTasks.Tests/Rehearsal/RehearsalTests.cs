using System.Text.Json;
using MigrationTasks.Rehearsal;
using MigrationTasks.Servers;
using MigrationTasks.Tests.Migrations;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Rehearsal;

/// <summary>The rehearsal engine on real databases: what passes, what fails and why, and what the receipt and report say.</summary>
[TestClass]
public sealed class RehearsalTests
{
    private const string AddColumn = "20991231000000_add_trip_notes.sql";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task AConvergingMigrationPassesEveryStepAndWritesTheReceiptAndReport()
    {
        await using var production = await RehearsalHarness.V3ProductionAsync();
        var migrations = RehearsalHarness.Migrations("pass", (AddColumn, "alter table public.profiles add column trip_notes text;\n"));
        var (result, log) = await RehearsalHarness.RunAsync(RehearsalHarness.Options(production, migrations, "pass"));

        Assert.IsTrue(result.Receipt.Passed, log.Text);
        string[] expected = ["clone", "diff", "migrations", "validate-before", "apply", "validate-after", "apply-cleanup", "schema", "failure-drill"];
        CollectionAssert.AreEqual(expected, result.Receipt.Steps.Select(s => s.Name).ToArray());
        Assert.AreEqual(StepStatus.Passed, result.Step("failure-drill").Status, result.Step("failure-drill").Summary);
        StringAssert.Contains(result.Step("failure-drill").Summary, "failed as planned");
        Assert.AreEqual(0, await production.ScalarAsync<long>("select count(*) from information_schema.columns where column_name = 'trip_notes'"), "production is only read");

        using var receipt = JsonDocument.Parse(File.ReadAllText(result.ReceiptPath));
        Assert.IsTrue(receipt.RootElement.GetProperty("passed").GetBoolean());
        StringAssert.StartsWith(receipt.RootElement.GetProperty("production").GetProperty("schemaFingerprint").GetString(), "sha256:");
        Assert.AreEqual(64, receipt.RootElement.GetProperty("migrationSet").GetProperty("hash").GetString()!.Length);
        Assert.AreEqual(AddColumn, receipt.RootElement.GetProperty("migrationSet").GetProperty("pending")[0].GetString());
        foreach (var step in receipt.RootElement.GetProperty("steps").EnumerateArray())
        {
            Assert.IsTrue(step.TryGetProperty("durationSeconds", out _));
            Assert.IsTrue(step.GetProperty("result").GetString() is "Passed" or "Skipped", step.ToString());
        }

        var report = File.ReadAllText(result.ReportPath);
        StringAssert.StartsWith(report, "# Rehearsal: passed");
        StringAssert.Contains(report, "| 9 | Simulated failure on a second clone");
        StringAssert.Contains(report, "[clone.json](clone/clone.json)");
        foreach (var link in System.Text.RegularExpressions.Regex.Matches(report, @"\]\(([^)]+)\)").Select(m => m.Groups[1].Value))
        {
            Assert.IsTrue(File.Exists(Path.IsPathRooted(link) ? link : Path.Combine(Path.GetDirectoryName(result.ReportPath)!, link)), $"the report links {link}");
        }

        Assert.IsFalse(await DatabaseExistsAsync("mt_rehearsal_%"), "the clones are dropped");
    }

    [TestMethod]
    public async Task TheSampleWithoutAlignAndCleanupMigrationsFailsTheSchemaCheckAndSaysWhichNewMigrationCoversIt()
    {
        await using var production = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        var migrations = RehearsalHarness.Migrations("sample");
        var (result, log) = await RehearsalHarness.RunAsync(RehearsalHarness.Options(production, migrations, "sample") with { FailureDrill = false });

        Assert.IsFalse(result.Receipt.Passed, log.Text);
        var schema = result.Step("schema");
        Assert.AreEqual(StepStatus.Failed, schema.Status);
        Assert.AreEqual("MT0808", schema.ErrorCode);
        StringAssert.Contains(schema.Summary, "-p:MigrationTemplate=align");
        StringAssert.Contains(schema.Summary, "-p:MigrationTemplate=cleanup");
        Assert.IsTrue(schema.Details.Any(d => d.StartsWith("legacy: table public.v1_users", StringComparison.Ordinal)), string.Join("\n", schema.Details));
        Assert.IsTrue(schema.Details.Any(d => d.Contains("instagram_handle", StringComparison.Ordinal)), string.Join("\n", schema.Details));
        Assert.AreEqual(StepStatus.Skipped, result.Step("failure-drill").Status);
        StringAssert.Contains(File.ReadAllText(result.ReportPath), "## Prove the migrated clone equals the schema the migrations build");
    }

    [TestMethod]
    public async Task TheSampleWithItsAlignDataAndCleanupMigrationsPassesEveryStep()
    {
        // supabase/sample/migrations holds the align (AllowDestructive), data and cleanup migrations NewMigration wrote for
        // the sample production: with them, the whole rehearsal passes, validation and policies included.
        await using var production = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        var migrations = RehearsalHarness.Migrations("sample-full", [.. Directory.GetFiles(RehearsalHarness.Fixtures, "*.sql").Select(f => (Path.GetFileName(f), File.ReadAllText(f)))]);
        var (result, log) = await RehearsalHarness.RunAsync(RehearsalHarness.WithChecks(RehearsalHarness.Options(production, migrations, "sample-full")));

        Assert.IsTrue(result.Receipt.Passed, string.Join("\n", result.Receipt.Steps.Select(s => $"{s.Name} {s.Status}: {s.Summary}")));
        foreach (var name in new[] { "clone", "diff", "migrations", "validate-before", "apply", "validate-after", "apply-cleanup", "schema", "policies", "failure-drill" })
        {
            Assert.AreEqual(StepStatus.Passed, result.Step(name).Status, $"{name}: {result.Step(name).Summary}");
        }

        StringAssert.Contains(result.Step("migrations").Summary, "cleanup: 20261124232758_drop_v1_objects.sql");
        StringAssert.Contains(result.Step("validate-after").Summary, "v1 rows accounted for");
        Assert.AreEqual(8_160L, await production.ScalarAsync<long>("select count(*) from public.v1_users"), "production is only read");
    }

    [TestMethod]
    public async Task AMigrationThatBreaksValidationOrLeaksAPolicyFailsTheReceipt()
    {
        // After the data migration: a lost booking (validation) and a policy that lets anyone read every booking (a leak).
        await using var production = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        var fixtures = Directory.GetFiles(RehearsalHarness.Fixtures, "*.sql").Select(f => (Path.GetFileName(f), File.ReadAllText(f)));
        var migrations = RehearsalHarness.Migrations("sample-broken", [.. fixtures,
            ("20261124232747_lose_a_booking.sql", "delete from public.bookings where id = (select v3_id from migration_keymap.bookings where duplicate_of is null order by v1_id limit 1);\n"),
            ("20261124232748_open_bookings.sql", "create policy \"Anyone reads bookings\" on public.bookings for select to anon, authenticated using (true);\n")]);
        var (result, log) = await RehearsalHarness.RunAsync(RehearsalHarness.WithChecks(RehearsalHarness.Options(production, migrations, "sample-broken")) with { FailureDrill = false });

        Assert.IsFalse(result.Receipt.Passed);
        var validation = result.Step("validate-after");
        Assert.AreEqual(StepStatus.Failed, validation.Status, validation.Summary);
        Assert.AreEqual("MT0813", validation.ErrorCode);
        Assert.IsTrue(validation.Details.Any(d => d.Contains("bookings", StringComparison.Ordinal)), string.Join("\n", validation.Details));
        var policies = result.Step("policies");
        Assert.AreEqual(StepStatus.Failed, policies.Status, policies.Summary);
        Assert.IsTrue(policies.Details.Any(d => d.Contains("bookings", StringComparison.Ordinal)), string.Join("\n", policies.Details));
        Assert.IsTrue(File.Exists(Path.Combine(Path.GetDirectoryName(result.ReportPath)!, policies.Reports[0])));
        StringAssert.Contains(File.ReadAllText(result.ReportPath), "**FAILED**");
    }

    [TestMethod]
    public async Task AMigrationThatFailsOnTheCloneFailsTheApplyStepAndTheReceipt()
    {
        await using var production = await RehearsalHarness.V3ProductionAsync();
        var migrations = RehearsalHarness.Migrations("broken", (AddColumn, "alter table public.no_such_table add column x int;\n"));
        var (result, log) = await RehearsalHarness.RunAsync(RehearsalHarness.Options(production, migrations, "broken") with { FailureDrill = false });

        Assert.IsFalse(result.Receipt.Passed, log.Text);
        Assert.AreEqual(StepStatus.Failed, result.Step("apply").Status);
        Assert.AreEqual(StepStatus.Skipped, result.Step("schema").Status);
    }

    [TestMethod]
    public async Task ARollbackThatDoesNotRestoreTheOriginalFailsTheDrill()
    {
        // Roles belong to the server: restoring a backup never undoes a migration's ALTER ROLE, so a production
        // rollback would leave it in place. The drill must catch that. Staging is a server of its own here, so the
        // role change touches no other test.
        await using var production = await RehearsalHarness.V3ProductionAsync();
        await using var staging = await EphemeralServers.AcquireAsync(new ServerRequest { ClusterRoot = TestPaths.ClusterRoot }, new TestLog(), TestContext.CancellationToken);
        var migrations = RehearsalHarness.Migrations("roles", (AddColumn, "alter table public.profiles add column trip_notes text;\nalter role authenticated set work_mem = '7MB';\n"));
        var options = RehearsalHarness.Options(production, migrations, "roles") with
        {
            Staging = staging.Connection,
            ShadowServer = new ServerRequest { Existing = staging.Connection },
        };
        var (result, log) = await RehearsalHarness.RunAsync(options);

        Assert.IsFalse(result.Receipt.Passed, log.Text);
        var drill = result.Step("failure-drill");
        Assert.AreEqual(StepStatus.Failed, drill.Status, drill.Summary);
        Assert.AreEqual("MT0810", drill.ErrorCode);
        Assert.IsTrue(drill.Details.Any(d => d.Contains("authenticated", StringComparison.Ordinal) && d.Contains("work_mem=7MB", StringComparison.Ordinal)), string.Join("\n", drill.Details));
        Assert.AreEqual(StepStatus.Passed, result.Step("schema").Status, "everything else passed");
        Assert.IsFalse(await production.ScalarAsync<bool>("select exists (select from pg_db_role_setting s join pg_roles r on r.oid = s.setrole where r.rolname = 'authenticated' and 'work_mem=7MB' = any(s.setconfig))"),
            "production's server is untouched");
    }

    private static async Task<bool> DatabaseExistsAsync(string pattern)
    {
        await using var any = await TestServer.CreateDatabaseAsync();
        return await any.ScalarAsync<bool>($"select exists (select from pg_database where datname like '{pattern}')");
    }
}
