using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Rehearsal;

namespace MigrationTasks.Tests.EndToEnd;

/// <summary>`dotnet msbuild -t:Rehearse` then `-t:Migrate` on a production database, and the bad inputs of Migrate and Rollback.</summary>
[TestClass]
[DoNotParallelize]
public sealed class MigrateTargetTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task RehearseThenMigrateMigratesProductionAndNoPasswordIsLogged()
    {
        await using var production = await RehearsalHarness.V3ProductionAsync(withUsers: true);
        var migrations = RehearsalHarness.Migrations("e2e", ("20991231000000_add_trip_notes.sql", "alter table public.profiles add column trip_notes text;\n")) + "/";
        var artifacts = TestPaths.NewFolder("e2e-artifacts") + "/";
        var connection = production.Connection;
        var environment = new Dictionary<string, string?>
        {
            ["PRODUCTION_DATABASE_URL"] = $"postgres://{connection.Username}:{Uri.EscapeDataString(connection.Password!)}@{connection.Host}:{connection.Port}/{connection.Database}",
        };
        var properties = new Dictionary<string, string>
        {
            ["MigrationsDirectory"] = migrations,
            ["MigrationTasksArtifactsDirectory"] = artifacts,
            ["PostgresClusterRoot"] = TestPaths.ClusterRoot,
        };

        var rehearse = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Rehearse", properties, environment, cancellationToken: TestContext.CancellationToken);
        Assert.IsTrue(rehearse.Succeeded, rehearse.Log);
        Assert.AreEqual(0, await production.ScalarAsync<long>("select count(*) from information_schema.columns where column_name = 'trip_notes'"), "Rehearse only reads production");

        var migrate = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Migrate",
            new Dictionary<string, string>(properties) { ["MaintenanceMode"] = "connection-limit" }, environment, extraArguments: ["-v:diag"], cancellationToken: TestContext.CancellationToken);
        try
        {
            Assert.IsTrue(migrate.Succeeded, migrate.Log);
            Assert.Contains("Maintenance mode ON", migrate.Log);
            Assert.Contains("Maintenance mode OFF", migrate.Log);
            Assert.AreEqual(0, migrate.Count(connection.Password!), "no password at -v:diag");
            Assert.AreEqual(1, await production.ScalarAsync<long>("select count(*) from information_schema.columns where column_name = 'trip_notes'"));
            var report = Path.Combine(Directory.GetDirectories(Path.Combine(artifacts, "migrate")).Single(), "report.md");
            StringAssert.StartsWith(await File.ReadAllTextAsync(report, TestContext.CancellationToken), "# Migration: passed");
        }
        finally
        {
            await production.ExecuteAsync("alter role authenticator connection limit -1");
        }

        // Production changed (it was migrated): the receipt no longer matches.
        var again = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Migrate", properties, environment, cancellationToken: TestContext.CancellationToken);
        Assert.IsFalse(again.Succeeded);
        Assert.Contains("error MT0805", again.Log);
    }

    [TestMethod]
    public async Task AFailedMigrateNamesTheRollbackCommandAndRunningItRestoresProduction()
    {
        await using var production = await RehearsalHarness.V3ProductionAsync();
        // Passes on the clone (no profiles yet); fails on production once a user signed up after the rehearsal.
        var migrations = RehearsalHarness.Migrations("e2e-rollback", ("20991231000000_add_trip_notes.sql",
            "alter table public.profiles add column trip_notes text;\ndo $$ begin if exists (select from public.profiles) then raise exception 'profiles arrived after the rehearsal'; end if; end $$;\n")) + "/";
        var artifacts = TestPaths.NewFolder("e2e-rollback-artifacts") + "/";
        var rehearsal = (await RehearsalHarness.RunAsync(RehearsalHarness.Options(production, migrations, "e2e-rollback") with { ReportDirectory = Path.Combine(artifacts, "rehearsal", "20990101T000000Z") })).Result;
        Assert.IsTrue(rehearsal.Receipt.Passed);
        await production.ExecuteAsync("insert into auth.users (id, email) values ('00000000-0000-0000-0000-0000000000b2', 'late@example.com')");
        var environment = new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = production.Connection.ConnectionString };
        var properties = new Dictionary<string, string> { ["MigrationsDirectory"] = migrations, ["MigrationTasksArtifactsDirectory"] = artifacts };

        var migrate = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Migrate",
            new Dictionary<string, string>(properties) { ["MaintenanceMode"] = "revoke-connect" }, environment, cancellationToken: TestContext.CancellationToken);
        Assert.IsFalse(migrate.Succeeded);
        Assert.AreEqual(1, migrate.Count("error MT0811"), migrate.Log);
        Assert.IsFalse(await production.ScalarAsync<bool>("select has_database_privilege('public', current_database(), 'CONNECT')"), "maintenance mode is left on");

        var command = System.Text.RegularExpressions.Regex.Match(migrate.Log, @"dotnet msbuild -t:Rollback (-p:BackupPath=\S+) (-p:ConfirmProduction=\S+) (-p:MaintenanceState=\S+?\.json)");
        Assert.IsTrue(command.Success, migrate.Log);
        string[] arguments = [command.Groups[1].Value, command.Groups[2].Value, command.Groups[3].Value];
        var rollback = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Rollback", environment: environment, extraArguments: arguments, cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(rollback.Succeeded, rollback.Log);
        Assert.Contains("Rolled back:", rollback.Log);
        Assert.IsTrue(await production.ScalarAsync<bool>("select has_database_privilege('public', current_database(), 'CONNECT')"), "maintenance mode ended");
        Assert.AreEqual(1L, await production.ScalarAsync<long>("select count(*) from public.profiles"), "the late sign-up is in the backup");
        Assert.AreEqual(0L, await production.ScalarAsync<long>("select count(*) from information_schema.columns where column_name = 'trip_notes'"));
    }

    [TestMethod]
    public async Task BadInputsAreCodedErrorsAndTouchNothing()
    {
        await using var production = await TestServer.CreateDatabaseAsync();
        var environment = new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = production.Connection.ConnectionString };
        var empty = TestPaths.NewFolder("bad-inputs") + "/";

        var unset = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Migrate", new Dictionary<string, string> { ["MigrationTasksArtifactsDirectory"] = empty },
            environment: new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = null }, cancellationToken: TestContext.CancellationToken);
        Assert.Contains("error MT0010", unset.Log, "Migrate never falls back to the sample");

        var noReceipt = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Migrate", new Dictionary<string, string> { ["MigrationTasksArtifactsDirectory"] = empty }, environment, cancellationToken: TestContext.CancellationToken);
        Assert.Contains("error MT0803", noReceipt.Log);

        var age = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Migrate", new Dictionary<string, string> { ["ReceiptMaxAge"] = "a week" }, environment, cancellationToken: TestContext.CancellationToken);
        Assert.Contains("error MT0815", age.Log);

        var mode = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Migrate", new Dictionary<string, string> { ["MaintenanceMode"] = "lock-everyone-out" }, environment, cancellationToken: TestContext.CancellationToken);
        Assert.Contains("error MT0013", mode.Log);

        var noBackup = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Rollback", environment: environment, cancellationToken: TestContext.CancellationToken);
        Assert.Contains("error MT0814", noBackup.Log);

        var backup = TestPaths.NewFolder("no-such-backup");
        var unconfirmed = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Rollback",
            new Dictionary<string, string> { ["BackupPath"] = backup, ["ConfirmProduction"] = "not-" + production.Name }, environment, cancellationToken: TestContext.CancellationToken);
        Assert.Contains("error MT0407", unconfirmed.Log);
        Assert.IsFalse(await production.ScalarAsync<bool>("select exists (select from pg_tables where schemaname = 'public')"), "nothing was restored");
    }
}
