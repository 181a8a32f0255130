using MigrationTasks.Backup;
using MigrationTasks.Errors;
using MigrationTasks.Rehearsal;
using MigrationTasks.Release;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Migrations;

namespace MigrationTasks.Tests.Rehearsal;

/// <summary>
/// Migrate on a real production database: the receipt gate (each refusal with its code, production untouched), the
/// whole run with maintenance mode, and a failure that leaves maintenance on and names the rollback, which works.
/// One rehearsal serves the gate tests.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class MigrateTests
{
    private const string AddColumn = "20991231000000_add_trip_notes.sql";
    private const string AddColumnSql = "alter table public.profiles add column trip_notes text;\n";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task WithAFreshReceiptItMigratesEndToEndAndEndsMaintenanceMode()
    {
        await using var production = await RehearsalHarness.V3ProductionAsync();
        var migrations = RehearsalHarness.Migrations("migrate", (AddColumn, AddColumnSql));
        var rehearsal = (await RehearsalHarness.RunAsync(RehearsalHarness.Options(production, migrations, "migrate"))).Result;
        Assert.IsTrue(rehearsal.Receipt.Passed, string.Join("\n", rehearsal.Receipt.Steps.Select(s => $"{s.Name} {s.Status}: {s.Summary}")));

        var log = new TestLog();
        try
        {
            var result = await ProductionMigration.RunAsync(Options(production, migrations, rehearsal.ReceiptPath, "migrate-run") with
            {
                Maintenance = MaintenanceMode.ConnectionLimit,
            }, log, CancellationToken.None);

            Assert.IsTrue(result.Record.Passed, log.Text);
            string[] steps = ["maintenance-on", "backup-before", "apply", "backup-after", "maintenance-off"];
            CollectionAssert.AreEqual(steps, result.Record.Steps.Select(s => s.Name).ToArray());
            Assert.AreEqual(1, await production.ScalarAsync<long>("select count(*) from information_schema.columns where table_name = 'profiles' and column_name = 'trip_notes'"));
            Assert.AreEqual(1, await production.ScalarAsync<long>("select count(*) from supabase_migrations.schema_migrations where version = '20991231000000'"));
            Assert.AreEqual(-1, await production.ScalarAsync<int>("select rolconnlimit from pg_roles where rolname = 'authenticator'"), "maintenance mode ended");
            Assert.IsTrue(File.Exists(Path.Combine(result.BackupBefore!, BackupManifest.FileName)));
            StringAssert.StartsWith(File.ReadAllText(result.ReportPath), "# Migration: passed");
            Assert.IsTrue(File.Exists(result.RecordPath));
        }
        finally
        {
            await production.ExecuteAsync("alter role authenticator connection limit -1");
        }

        // The same receipt no longer matches: production's schema changed (it was migrated).
        var again = await Assert.ThrowsAsync<MigrationTasksException>(() =>
            ProductionMigration.RunAsync(Options(production, migrations, rehearsal.ReceiptPath, "migrate-again"), new TestLog(), CancellationToken.None));
        Assert.AreEqual("MT0805", again.Code);
    }

    [TestMethod]
    public async Task AStaleMismatchingOrFailedReceiptIsRefusedBeforeProductionIsTouched()
    {
        await using var production = await RehearsalHarness.V3ProductionAsync();
        var migrations = RehearsalHarness.Migrations("gate", (AddColumn, AddColumnSql));
        var rehearsal = (await RehearsalHarness.RunAsync(RehearsalHarness.Options(production, migrations, "gate") with { FailureDrill = false })).Result;
        Assert.IsFalse(rehearsal.Receipt.Passed, "no drill, no pass");
        Assert.AreEqual("MT0804", (await RefusedAsync(production, migrations, rehearsal.ReceiptPath)).Code);

        var passed = rehearsal.Receipt with { Passed = true };
        var receipt = Path.Combine(TestPaths.NewFolder("gate-receipts"), "receipt.json");
        passed.Write(receipt);
        var stale = await RefusedAsync(production, migrations, receipt, now: passed.CreatedUtc.AddHours(25));
        Assert.AreEqual("MT0807", stale.Code);
        StringAssert.Contains(stale.Message, "older than ReceiptMaxAge (24h)");

        var changedMigrations = RehearsalHarness.Migrations("gate-changed", (AddColumn, AddColumnSql + "-- edited after the rehearsal\n"));
        Assert.AreEqual("MT0806", (await RefusedAsync(production, changedMigrations, receipt)).Code);
        var addedMigrations = RehearsalHarness.Migrations("gate-added", (AddColumn, AddColumnSql), ("20250102000000_more.sql", "select 1;\n"));
        StringAssert.Contains((await RefusedAsync(production, addedMigrations, receipt)).Message, "added 20250102000000_more.sql");

        var sample = Path.Combine(TestPaths.NewFolder("gate-sample"), "receipt.json");
        (passed with { Production = passed.Production with { Sample = true } }).Write(sample);
        Assert.AreEqual("MT0816", (await RefusedAsync(production, migrations, sample)).Code);

        Assert.AreEqual("MT0803", (await RefusedAsync(production, migrations, TestPaths.NewFolder("gate-none"))).Code);
        var bad = TestPaths.NewFolder("gate-bad");
        File.WriteAllText(Path.Combine(bad, "receipt.json"), "{ not json");
        Assert.AreEqual("MT0802", (await RefusedAsync(production, migrations, bad)).Code);

        await production.ExecuteAsync("alter table public.profiles add column hotfix text");
        Assert.AreEqual("MT0805", (await RefusedAsync(production, migrations, receipt)).Code);
        Assert.AreEqual(0, await production.ScalarAsync<long>("select count(*) from supabase_migrations.schema_migrations where version = '20991231000000'"), "nothing was applied");
    }

    [TestMethod]
    public async Task AFailureOnProductionLeavesMaintenanceOnAndNamesARollbackThatWorks()
    {
        await using var production = await RehearsalHarness.V3ProductionAsync();
        // Passes on the clone (no profiles yet); fails on production once a user signed up after the rehearsal.
        var migrations = RehearsalHarness.Migrations("fail", (AddColumn, AddColumnSql +
            "do $$ begin if exists (select from public.profiles) then raise exception 'profiles arrived after the rehearsal'; end if; end $$;\n"));
        var rehearsal = (await RehearsalHarness.RunAsync(RehearsalHarness.Options(production, migrations, "fail"))).Result;
        Assert.IsTrue(rehearsal.Receipt.Passed, string.Join("\n", rehearsal.Receipt.Steps.Select(s => $"{s.Name} {s.Status}: {s.Summary}")));
        await production.ExecuteAsync("insert into auth.users (id, email) values ('00000000-0000-0000-0000-0000000000a1', 'late@example.com')");

        var log = new TestLog();
        var options = Options(production, migrations, rehearsal.ReceiptPath, "fail-run") with { Maintenance = MaintenanceMode.RevokeConnect };
        var error = await Assert.ThrowsAsync<MigrationTasksException>(() => ProductionMigration.RunAsync(options, log, CancellationToken.None));

        Assert.AreEqual("MT0811", error.Code, log.Text);
        StringAssert.Contains(error.Message, "Maintenance mode is left ON");
        StringAssert.Contains(error.Hint, "dotnet msbuild -t:Rollback -p:BackupPath=");
        StringAssert.Contains(error.Hint, $"-p:ConfirmProduction={production.Name}");
        Assert.IsFalse(await production.ScalarAsync<bool>("select has_database_privilege('public', current_database(), 'CONNECT')"), "clients stay out");
        var report = File.ReadAllText(Path.Combine(options.ReportDirectory, RunReport.FileName));
        StringAssert.StartsWith(report, "# Migration: FAILED");
        StringAssert.Contains(report, "Roll back with: `dotnet msbuild -t:Rollback");

        // The rollback the message names: restore the pre-migration backup, then end maintenance mode.
        var backup = System.Text.RegularExpressions.Regex.Match(error.Hint, "-p:BackupPath=(\\S+)").Groups[1].Value;
        var state = System.Text.RegularExpressions.Regex.Match(error.Hint, "-p:MaintenanceState=(\\S+)").Groups[1].Value;
        await DatabaseRestore.RestoreAsync(backup, production.Connection, new RestoreOptions
        {
            ReportDirectory = TestPaths.NewFolder("fail-rollback"),
            Overwrite = true,
            TargetIsProduction = true,
            ConfirmProduction = production.Name,
        }, new TestLog(), CancellationToken.None);
        await Maintenance.EndAsync(production.Connection, MaintenanceState.Read(state), new TestLog(), CancellationToken.None);
        Assert.IsTrue(await production.ScalarAsync<bool>("select has_database_privilege('public', current_database(), 'CONNECT')"));
        Assert.AreEqual(1L, await production.ScalarAsync<long>("select count(*) from public.profiles"));
    }

    private static MigrateOptions Options(TestDatabase production, string migrations, string receipt, string name) => new()
    {
        Production = production.Connection,
        MigrationsDirectory = migrations,
        Receipt = receipt,
        ReportDirectory = Path.Combine(TestPaths.NewFolder(name), "migrate"),
        Backup = new BackupOptions { Root = TestPaths.NewFolder(name + "-backups"), Label = "production", Jobs = 2 },
    };

    private static Task<MigrationTasksException> RefusedAsync(TestDatabase production, string migrations, string receipt, DateTimeOffset? now = null) =>
        Assert.ThrowsAsync<MigrationTasksException>(() => ProductionMigration.RunAsync(
            Options(production, migrations, receipt, "refused") with { Now = now ?? DateTimeOffset.UtcNow }, new TestLog(), CancellationToken.None));
}
