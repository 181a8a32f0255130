using System.Text.Json;
using System.Text.RegularExpressions;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Migrations;

namespace MigrationTasks.Tests.EndToEnd;

/// <summary>NewMigration, ApplyMigrations and RepairMigrations as users run them: `dotnet msbuild` at the repository root.</summary>
[TestClass]
[DoNotParallelize]
public sealed partial class MigrationTargetTests
{
    public TestContext TestContext { get; set; } = null!;

    private Task<MSBuildResult> RunAsync(string target, Dictionary<string, string> properties, Dictionary<string, string?>? environment = null, params string[] extra)
    {
        properties.TryAdd("MigrationTasksArtifactsDirectory", TestPaths.NewFolder("artifacts") + "/");
        return MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, target, properties, environment, extra, cancellationToken: TestContext.CancellationToken);
    }

    [TestMethod]
    public async Task TheSampleMigrationsApplyToAnEmptyDatabaseAndASecondRunIsANoOpThatSaysSo()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        var artifacts = TestPaths.NewFolder("apply-artifacts") + "/";
        var properties = new Dictionary<string, string> { ["Database"] = "staging", ["MigrationTasksArtifactsDirectory"] = artifacts };
        var environment = new Dictionary<string, string?> { ["STAGING_DATABASE_URL"] = database.Connection.ConnectionString };
        var files = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "supabase", "migrations"), "*.sql");

        var first = await RunAsync("ApplyMigrations", properties, environment);

        Assert.IsTrue(first.Succeeded, first.Log);
        Assert.AreEqual(files.Length, first.Count(": applied, "), first.Log);
        Assert.AreEqual(files.Length, await database.ScalarAsync<long>("select count(*) from supabase_migrations.schema_migrations"));
        using (var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(artifacts, "migrations", "apply-report.json"), TestContext.CancellationToken)))
        {
            Assert.IsTrue(report.RootElement.GetProperty("passed").GetBoolean());
            Assert.AreEqual(files.Length, report.RootElement.GetProperty("applied").GetInt32());
            Assert.AreEqual("staging", report.RootElement.GetProperty("target").GetString());
        }

        var second = await RunAsync("ApplyMigrations", properties, environment);

        Assert.IsTrue(second.Succeeded, second.Log);
        Assert.AreEqual(0, second.Count(": applied, "), second.Log);
        Assert.Contains($"No pending migrations: {database.Connection.Describe()} is up to date ({files.Length} migrations applied", second.Log);
        using var again = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(artifacts, "migrations", "apply-report.json"), TestContext.CancellationToken));
        Assert.AreEqual((true, 0), (again.RootElement.GetProperty("passed").GetBoolean(), again.RootElement.GetProperty("applied").GetInt32()));
    }

    [TestMethod]
    public async Task WithoutDatabaseTheMigrationsApplyToAThrowawayDatabaseAndNothingElseIsTouched()
    {
        var clusters = TestPaths.NewFolder("throwaway");
        var result = await RunAsync("ApplyMigrations", new Dictionary<string, string> { ["PostgresClusterRoot"] = clusters },
            new Dictionary<string, string?> { ["STAGING_DATABASE_URL"] = "postgres://nobody:x@127.0.0.1:1/never", ["PRODUCTION_DATABASE_URL"] = "postgres://nobody:x@127.0.0.1:1/never" });

        Assert.IsTrue(result.Succeeded, result.Log);
        Assert.Contains("Database is not set: applying to a throwaway database", result.Log);
        Assert.Contains("Prepared the throwaway database with supabase_layer.sql", result.Log);
        Assert.IsEmpty(Directory.GetDirectories(clusters), "the throwaway server is gone");
    }

    [TestMethod]
    [DataRow("production", "PRODUCTION_DATABASE_URL", "MT0010")]
    [DataRow("staging", "STAGING_DATABASE_URL", "MT0010")]
    [DataRow("prod", null, "MT0013")]
    public async Task ANamedDatabaseWithoutItsVariableIsAnErrorThatTouchesNothing(string database, string? variable, string code)
    {
        var clusters = TestPaths.NewFolder("named");
        var result = await RunAsync("ApplyMigrations", new Dictionary<string, string> { ["Database"] = database, ["PostgresClusterRoot"] = clusters });

        Assert.IsFalse(result.Succeeded, result.Log);
        Assert.Contains($"error {code}", result.Log);
        if (variable is not null)
        {
            Assert.Contains(variable, result.Log);
        }

        Assert.IsEmpty(Directory.GetDirectories(clusters), "no throwaway server stands in for a database the user named");
    }

    [TestMethod]
    public async Task ADryRunPrintsTheSqlWritesItAndChangesNothing()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        var artifacts = TestPaths.NewFolder("dry-run") + "/";

        var result = await RunAsync("ApplyMigrations", new Dictionary<string, string> { ["Database"] = "staging", ["DryRun"] = "true", ["MigrationTasksArtifactsDirectory"] = artifacts },
            new Dictionary<string, string?> { ["STAGING_DATABASE_URL"] = database.Connection.ConnectionString });

        Assert.IsTrue(result.Succeeded, result.Log);
        Assert.Contains("MigrationTasks dry run", result.Log);
        Assert.Contains("would be applied", result.Log);
        Assert.Contains("INSERT INTO supabase_migrations.schema_migrations(version, name, statements) VALUES('20230306094512'", await File.ReadAllTextAsync(Path.Combine(artifacts, "migrations", "dry-run.sql"), TestContext.CancellationToken));
        Assert.IsFalse(await database.RelationExistsAsync("supabase_migrations.schema_migrations"));
    }

    [TestMethod]
    public async Task ASyntaxErrorFailsTheBuildWithTheFileAndLineAndTheSecretNowhere()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(("20240101000000_good.sql", "create table good (id int);\n"), ("20240102000000_bad.sql", "create table bad (id int);\n\ncreate tabel worse (id int);\n"));
        var artifacts = TestPaths.NewFolder("syntax") + "/";

        var result = await RunAsync("ApplyMigrations",
            new Dictionary<string, string> { ["Database"] = "production", ["MigrationsDirectory"] = folder.Path + "/", ["MigrationTasksArtifactsDirectory"] = artifacts },
            new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = database.Connection.ConnectionString }, "-v:diag");

        Assert.IsFalse(result.Succeeded, result.Log);
        Assert.Contains($"20240102000000_bad.sql(3,8): error MT0310", result.Log);
        Assert.AreEqual(0, result.Count(database.Connection.Password!), "the password is in no log line at -v:diag");
        var report = await File.ReadAllTextAsync(Path.Combine(artifacts, "migrations", "apply-report.json"), TestContext.CancellationToken);
        Assert.Contains("\"passed\": false", report);
        Assert.DoesNotContain(database.Connection.Password!, report);
        Assert.IsTrue(await database.RelationExistsAsync("good"));
        Assert.IsFalse(await database.RelationExistsAsync("bad"));
    }

    [TestMethod]
    public async Task RepairMigrationsEditsTheNamedDatabasesHistory()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(MigrationRunnerTests.ThreeFiles);
        var environment = new Dictionary<string, string?> { ["STAGING_DATABASE_URL"] = database.Connection.ConnectionString };
        var properties = new Dictionary<string, string> { ["Database"] = "staging", ["MigrationsDirectory"] = folder.Path + "/" };
        Assert.IsTrue((await RunAsync("ApplyMigrations", properties, environment)).Succeeded);

        var repair = await RunAsync("RepairMigrations", new Dictionary<string, string>(properties) { ["Version"] = "20240102000000 20240103000000", ["Status"] = "reverted" }, environment);

        Assert.IsTrue(repair.Succeeded, repair.Log);
        Assert.Contains("2 version(s) marked reverted", repair.Log);
        Assert.AreEqual(1L, await database.ScalarAsync<long>("select count(*) from supabase_migrations.schema_migrations"));

        var unnamed = await RunAsync("RepairMigrations", new Dictionary<string, string> { ["Version"] = "20240101000000", ["Status"] = "reverted" }, environment);
        Assert.IsFalse(unnamed.Succeeded, unnamed.Log);
        Assert.Contains("error MT0013", unnamed.Log);
    }

    [TestMethod]
    public async Task NewMigrationWritesAFileNamedAsTheCliNamesItAndNeverOverwrites()
    {
        var migrations = TestPaths.NewFolder("new-migrations");
        var properties = new Dictionary<string, string> { ["MigrationName"] = "add_booking_notes", ["MigrationsDirectory"] = migrations + "/" };

        var first = await RunAsync("NewMigration", properties);
        var second = await RunAsync("NewMigration", properties);

        Assert.IsTrue(first.Succeeded && second.Succeeded, first.Log + second.Log);
        var files = Directory.GetFiles(migrations).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.HasCount(2, files);
        Assert.IsTrue(files.All(f => CliFileName().IsMatch(f!)), string.Join(", ", files));
        Assert.AreNotEqual(files[0]![..14], files[1]![..14], "two files never share a version");
        var content = await File.ReadAllTextAsync(Path.Combine(migrations, files[0]!), TestContext.CancellationToken);
        Assert.StartsWith($"-- {files[0]}: generated by MigrationTasks ", content);
        Assert.Contains("from the template \"empty\"", content);
        Assert.DoesNotContain(TestPaths.RepositoryRoot, content, "no machine paths in generated files");
        Assert.DoesNotContain(Path.GetTempPath(), content);

        var taken = await RunAsync("NewMigration", new Dictionary<string, string>(properties) { ["MigrationVersion"] = files[0]![..14] });
        Assert.IsFalse(taken.Succeeded, taken.Log);
        Assert.Contains("error MT0302", taken.Log);
        Assert.AreEqual(content, await File.ReadAllTextAsync(Path.Combine(migrations, files[0]!), TestContext.CancellationToken), "the existing file is untouched");
    }

    [TestMethod]
    [DataRow("../outside", "MT0301")]
    [DataRow("with space", "MT0301")]
    [DataRow("", "MT0301")]
    public async Task NewMigrationRefusesAnUnsafeName(string name, string code)
    {
        var migrations = TestPaths.NewFolder("unsafe");
        var result = await RunAsync("NewMigration", new Dictionary<string, string> { ["MigrationName"] = name, ["MigrationsDirectory"] = migrations + "/" });

        Assert.IsFalse(result.Succeeded, result.Log);
        Assert.Contains($"error {code}", result.Log);
        Assert.IsEmpty(Directory.GetFiles(migrations));
    }

    [TestMethod]
    public async Task ATemplateInSupabaseTemplatesRendersWithQuotingAndABrokenOneIsMT0304()
    {
        var migrations = TestPaths.NewFolder("templated");
        var templates = TestPaths.NewFolder("templates");
        await File.WriteAllTextAsync(Path.Combine(templates, "add_column.sql.sbn"),
            "alter table {{ sql.qualified 'public' parameters.table }} add column {{ sql.ident parameters.column }} text default {{ sql.literal parameters.default }};\n", TestContext.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(templates, "broken.sql.sbn"), "select 1;\n{{ if }}\n", TestContext.CancellationToken);
        var properties = new Dictionary<string, string>
        {
            ["MigrationName"] = "notes_column",
            ["MigrationsDirectory"] = migrations + "/",
            ["MigrationTemplatesDirectory"] = templates + "/",
            ["MigrationTemplate"] = "add_column",
            ["MigrationTemplateParameters"] = "table=Bookings|column=Notes from staff|default=it's really",
        };

        var result = await RunAsync("NewMigration", properties);

        Assert.IsTrue(result.Succeeded, result.Log);
        var content = await File.ReadAllTextAsync(Directory.GetFiles(migrations).Single(), TestContext.CancellationToken);
        Assert.Contains("alter table \"public\".\"Bookings\" add column \"Notes from staff\" text default 'it''s really';", content);
        Assert.Contains("(supabase/templates/add_column.sql.sbn)", content);

        var broken = await RunAsync("NewMigration", new Dictionary<string, string>(properties) { ["MigrationTemplate"] = "broken" });
        Assert.IsFalse(broken.Succeeded, broken.Log);
        Assert.Contains("broken.sql.sbn(2,", broken.Log);
        Assert.Contains("error MT0304", broken.Log);

        var unknown = await RunAsync("NewMigration", new Dictionary<string, string>(properties) { ["MigrationTemplate"] = "nope" });
        Assert.Contains("error MT0303", unknown.Log);
        Assert.MatchesRegex(@"Available: add_column, align, broken, (\w+, )*empty(, \w+)*\.", unknown.Log, "the message lists what exists, sorted");
        Assert.HasCount(1, Directory.GetFiles(migrations), "failed generations write nothing");
    }

    [GeneratedRegex(@"^\d{14}_add_booking_notes\.sql$")]
    private static partial Regex CliFileName();
}
