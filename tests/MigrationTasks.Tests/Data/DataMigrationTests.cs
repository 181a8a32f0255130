using System.Text.Json;
using MigrationTasks.Common;
using MigrationTasks.Data.Spec;
using MigrationTasks.Data.Validation;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Data;

/// <summary>
/// The generated data migration on the sample production, applied by the migration runner: validation passes; a
/// corrupted value, a deleted row and a broken foreign key each fail it with the table, key and column; a rerun
/// changes nothing; on a database built from the migrations alone it does nothing.
/// </summary>
[TestClass]
public sealed class DataMigrationTests
{
    public TestContext TestContext { get; set; } = null!;

    private static MappingSpec Spec => MappingSpecLoader.Load(SpecFiles.RepositorySpec);

    private Task<ValidationReport> ValidateAsync(TestDatabase database, string reports) =>
        DataValidator.AfterAsync(database.Connection, Spec, reports, "after", 42, NullEngineLog.Instance, TestContext.CancellationToken);

    [TestMethod]
    public async Task TheMigratedSampleValidatesWithEveryNumberExplained()
    {
        await using var database = await MigratedSample.CopyAsync();
        var reports = TestPaths.NewFolder("validation");

        var report = await ValidateAsync(database, reports);

        Assert.IsTrue(report.Passed, string.Join("\n", report.Failures));
        Assert.HasCount(10, report.Mappings);
        foreach (var mapping in report.Mappings)
        {
            Assert.AreEqual(mapping.SourceRows, mapping.Filtered.Sum(f => f.Rows) + mapping.Deduplicated + mapping.Quarantined.Sum(q => q.Rows) + mapping.ExpectedTargetRows, mapping.Name);
            Assert.AreEqual(mapping.ExpectedTargetRows, mapping.TargetRows, mapping.Name);
            Assert.AreEqual(mapping.ExpectedChecksum, mapping.ActualChecksum, mapping.Name);
            Assert.IsGreaterThan(0, mapping.SpotChecked, mapping.Name);
        }

        var profiles = report.Mappings.Single(m => m.Name == "profiles");
        Assert.AreEqual(8160, profiles.SourceRows);
        Assert.AreEqual(400, profiles.TargetTotalRows - profiles.TargetRows, "the v3 sign-ups are counted apart");
        Assert.IsGreaterThan(100, profiles.Deduplicated);
        Assert.AreEqual(25000, report.Mappings.Single(m => m.Name == "bookings").SourceRows);
        Assert.IsTrue(report.Mappings.SelectMany(m => m.NamedSpotChecks).Count() >= 12, "a dozen named critical records");
        Assert.IsTrue(report.ForeignKeys.Count >= 15 && report.ForeignKeys.All(k => k.Passed));
        Assert.AreEqual(await database.ScalarAsync<long>("SELECT count(*) FROM migration_keymap.quarantine"), report.Mappings.Sum(m => m.QuarantineTableRows));

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(reports, DataValidator.ReportFile), TestContext.CancellationToken));
        Assert.IsTrue(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Contains("# Validation: passed", await File.ReadAllTextAsync(Path.Combine(reports, DataValidator.MarkdownFile), TestContext.CancellationToken));
    }

    [TestMethod]
    [DataRow("corrupt", "UPDATE public.bookings SET total_amount = total_amount + 1 WHERE id = (SELECT v3_id FROM migration_keymap.bookings WHERE duplicate_of IS NULL ORDER BY v1_id LIMIT 1)", "public.bookings", "bookings", "column total_amount")]
    [DataRow("delete", "DELETE FROM public.payments WHERE id = (SELECT v3_id FROM migration_keymap.payments WHERE duplicate_of IS NULL ORDER BY v1_id LIMIT 1)", "public.payments", "payments", "the row is missing")]
    [DataRow("orphan", "SET session_replication_role = replica; UPDATE public.reviews SET adventure_id = gen_random_uuid() WHERE id = (SELECT v3_id FROM migration_keymap.reviews ORDER BY v1_id LIMIT 1)", "public.reviews", "reviews", "column adventure_id")]
    public async Task TamperingFailsValidationNamingTheTableKeyAndColumn(string what, string sql, string table, string keymap, string detail)
    {
        await using var database = await MigratedSample.CopyAsync();
        var (v1, v3) = (await database.ScalarAsync<string>($"SELECT v1_id::text FROM migration_keymap.{keymap} WHERE duplicate_of IS NULL ORDER BY v1_id LIMIT 1"),
                        await database.ScalarAsync<string>($"SELECT v3_id::text FROM migration_keymap.{keymap} WHERE duplicate_of IS NULL ORDER BY v1_id LIMIT 1"));
        await database.ExecuteAsync(sql);
        var reports = TestPaths.NewFolder("validation-" + what);

        var report = await ValidateAsync(database, reports);

        Assert.IsFalse(report.Passed, what);
        var failures = string.Join("\n", report.Failures);
        Assert.Contains($"{table} id={v3} (v1 key {v1}): {detail}", failures);
        if (what == "orphan")
        {
            Assert.Contains($"foreign key reviews_adventure_id_fkey: 1 row(s) of public.reviews do not resolve; first: public.reviews id={v3}: column adventure_id", failures);
        }

        var error = DataValidator.Failure(report, reports);
        Assert.AreEqual("MT0521", error.Code);
        Assert.Contains(table, error.Message);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(reports, DataValidator.ReportFile), TestContext.CancellationToken));
        Assert.IsFalse(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Contains(table, await File.ReadAllTextAsync(Path.Combine(reports, DataValidator.MarkdownFile), TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task RunningTheDataMigrationAgainChangesNothing()
    {
        var built = await MigratedSample.GetAsync();
        await using var database = await MigratedSample.CopyAsync();
        var before = await MigratedSample.FingerprintAsync(database);

        await TestTemplates.ApplyMigrationsAsync(database.Connection, [built.DataFile], TestContext.CancellationToken);

        CollectionAssert.AreEqual(before, await MigratedSample.FingerprintAsync(database), "same rows, same content, same sequences");
        Assert.IsGreaterThan(20000L, await database.ScalarAsync<long>("SELECT count(*) FROM public.bookings"));
    }

    [TestMethod]
    public async Task OnADatabaseBuiltFromTheMigrationsTheDataAndCleanupMigrationsDoNothing()
    {
        var built = await MigratedSample.GetAsync();
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        var before = await MigratedSample.FingerprintAsync(database);

        await TestTemplates.ApplyMigrationsAsync(database.Connection, [built.DataFile, built.CleanupFile], TestContext.CancellationToken);

        CollectionAssert.AreEqual(before, await MigratedSample.FingerprintAsync(database));
        Assert.AreEqual(0L, await database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = 'migration_keymap'"), "not even the key-map schema");
    }

    [TestMethod]
    public async Task ARoleThatNeitherBypassesRowLevelSecurityNorOwnsTheTargetsIsRefusedWithMT0520()
    {
        var built = await MigratedSample.GetAsync();
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        var role = $"t_no_bypassrls_{Environment.ProcessId}";
        await database.ExecuteAsync($"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$");
        try
        {
            await using var connection = new Npgsql.NpgsqlConnection(database.Connection.ConnectionString);
            await connection.OpenAsync(TestContext.CancellationToken);
            await using var command = new Npgsql.NpgsqlCommand($"BEGIN; SET LOCAL ROLE {role};\n" + await File.ReadAllTextAsync(built.DataFile, TestContext.CancellationToken), connection);

            var error = await Assert.ThrowsExactlyAsync<Npgsql.PostgresException>(() => command.ExecuteNonQueryAsync(TestContext.CancellationToken));

            Assert.StartsWith("MT0520: the role " + role, error.MessageText);
            Assert.Contains("public.profiles", error.MessageText);
        }
        finally
        {
            await database.ExecuteAsync($"DROP ROLE IF EXISTS {role}");
        }
    }

    [TestMethod]
    public async Task TheGeneratedFileIsDeterministicQuotedAndTiedToTheSpec()
    {
        var built = await MigratedSample.GetAsync();
        var text = await File.ReadAllTextAsync(built.DataFile, TestContext.CancellationToken);

        Assert.Contains("INSERT INTO \"public\".\"bookings\" AS \"t\"", text);
        Assert.Contains("ON CONFLICT (\"id\") DO NOTHING", text);
        Assert.Contains("ON CONFLICT (\"follower_id\", \"followee_id\") DO NOTHING", text);
        Assert.Contains($"-- [4/10] bookings: public.v1_bookings -> public.bookings (v1_to_v3.yaml:{SpecFiles.LineOf("  - name: bookings")})", text);
        Assert.Contains("WHILE __mt_lower <= __mt_upper LOOP", text, "bookings load in key-range batches");
        Assert.Contains("OVERRIDING SYSTEM VALUE", text, "identity keys come from the key map");
        Assert.DoesNotContain("\r", text);

        // Generated again (another catalog database, another version): the same SQL below the header.
        await using var catalog = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        var again = await MigrationTasks.Migrations.MigrationGenerator.GenerateAsync(new MigrationTasks.Migrations.GenerateOptions
        {
            Name = "migrate_v1_data",
            Template = "data",
            SupabaseDirectory = TestTemplates.SupabaseDirectory,
            MigrationsDirectory = TestPaths.NewFolder("again"),
            ArtifactsDirectory = TestPaths.NewFolder("artifacts"),
            OpenDatabase = _ => Task.FromResult(new MigrationTasks.Templates.TemplateDatabase(catalog.Connection, "another copy")),
        }, NullEngineLog.Instance, TestContext.CancellationToken);
        static string Body(string sql) => sql[sql.IndexOf("\n\n", StringComparison.Ordinal)..];
        Assert.AreEqual(Body(text), Body(await File.ReadAllTextAsync(again, TestContext.CancellationToken)));
    }
}
