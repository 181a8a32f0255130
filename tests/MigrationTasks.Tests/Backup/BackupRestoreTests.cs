using System.Text.Json;
using MigrationTasks.Backup;
using MigrationTasks.Backup.Fidelity;
using MigrationTasks.Errors;
using MigrationTasks.Integrity;
using MigrationTasks.Tests.Infrastructure;
using Npgsql;

namespace MigrationTasks.Tests.Backup;

/// <summary>Backups and restores through the engine, against the test server, with real pg_dump and pg_restore.</summary>
[TestClass]
public sealed class BackupRestoreTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ARoundTripRestoresTheSameSchemaRowsAndContent()
    {
        await using var source = await BackupFixtures.CreateRichDatabaseAsync();
        var root = TestPaths.NewFolder("backups");
        var log = new RecordingLog();

        var backup = await DatabaseBackup.CreateAsync(source.Connection, BackupFixtures.Options(root), log, TestContext.CancellationToken);

        var manifest = backup.Manifest;
        Assert.IsTrue(manifest.Passed, log.Text);
        Assert.AreEqual(Path.Combine(root, "production"), Path.GetDirectoryName(backup.Folder));
        Assert.MatchesRegex(@"^\d{8}T\d{6}Z$", Path.GetFileName(backup.Folder));
        if (!OperatingSystem.IsWindows())
        {
            Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(backup.Folder), "only the owner reads a backup");
        }

        Assert.AreEqual("directory", manifest.Format);
        Assert.AreEqual(400, manifest.Tables.Single(t => t.Schema == "app" && t.Name == "users").Rows);
        Assert.AreEqual(1500, manifest.Tables.Single(t => t.Schema == "billing" && t.Name == "invoices").Rows);
        Assert.AreEqual(3, manifest.History!.Rows);
        Assert.AreEqual("20240301000000", manifest.History.LatestVersion);
        Assert.AreEqual(3, manifest.Tables.Count(t => t.Checksum is not null));
        Assert.Contains(BackupFixtures.LoginRole, manifest.Roles!.LoginRoles);
        Assert.StartsWith("sha256:", manifest.Schema.Fingerprint);
        Assert.IsTrue(manifest.Files.Any(f => f.Path == "dump/toc.dat" && f.Sha256.Length == 64 && f.Bytes > 0));
        Assert.IsTrue(manifest.Files.Any(f => f.Path == "roles.sql"));
        Assert.IsGreaterThan(0, manifest.Source.SizeBytes);
        Assert.AreEqual(150000, manifest.Source.ServerVersionNumber / 100 * 100 / 10000 * 10000);
        Assert.IsTrue(manifest.Commands.Any(c => c.Contains("pg_dump --format=directory --jobs=2 --file=dump --snapshot=", StringComparison.Ordinal)));
        Assert.IsTrue(manifest.Commands.Any(c => c.Contains("pg_dumpall --roles-only --no-role-passwords", StringComparison.Ordinal)));
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(backup.Folder, "manifest.json"), TestContext.CancellationToken)))
        {
            Assert.AreEqual("passed", json.RootElement.EnumerateObject().First().Name, "\"passed\" is the manifest's first property");
        }

        await using var target = await TestServer.CreateDatabaseAsync();
        var restore = await DatabaseRestore.RestoreAsync(backup.Folder, target.Connection, BackupFixtures.RestoreOptions(TestPaths.NewFolder("restore")), log,
            TestContext.CancellationToken);

        Assert.IsTrue(restore.Fidelity.Passed, restore.Fidelity.FailureSummary);
        Assert.HasCount(3, restore.Fidelity.Checks);
        Assert.AreEqual(3L, await target.ScalarAsync<long>("select count(*) from supabase_migrations.schema_migrations"));
        Assert.AreEqual(BackupFixtures.OwnerRole, await target.ScalarAsync<string>("select tableowner from pg_tables where schemaname = 'app' and tablename = 'users'"));
        Assert.IsTrue(await target.ScalarAsync<bool>("select relrowsecurity from pg_class where oid = 'app.users'::regclass"));

        // Independently of the checks the restore ran: both sides computed here.
        Assert.AreEqual(await FingerprintAsync(source), await FingerprintAsync(target));
        Assert.AreEqual(await ChecksumAsync(source, "billing", "invoices"), await ChecksumAsync(target, "billing", "invoices"));
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(restore.ReportPath, TestContext.CancellationToken));
        Assert.IsTrue(report.RootElement.GetProperty("passed").GetBoolean());
    }

    [TestMethod]
    public async Task ACustomFormatBackupRestoresToo()
    {
        await using var source = await BackupFixtures.CreateRichDatabaseAsync();
        var log = new RecordingLog();
        var backup = await BackUpAsync(source, o => o with { Format = BackupFormat.Custom });
        Assert.AreEqual("dump.pgdump", backup.Manifest.Archive);
        Assert.IsTrue(backup.Manifest.Commands.Any(c => c.Contains("pg_dump --format=custom --file=dump.pgdump", StringComparison.Ordinal)));

        await using var target = await TestServer.CreateDatabaseAsync();
        var restore = await RestoreAsync(backup, target);
        Assert.IsTrue(restore.Fidelity.Passed, restore.Fidelity.FailureSummary);
    }

    [TestMethod]
    public async Task ACorruptedDataFileIsDetectedTheBackupMarkedFailedAndNeverRestored()
    {
        await using var source = await BackupFixtures.CreateRichDatabaseAsync();
        var backup = await BackUpAsync(source);
        var largest = backup.Manifest.Files.Where(f => f.Path.EndsWith(".dat.gz", StringComparison.Ordinal)).MaxBy(f => f.Bytes)!;
        var path = Path.Combine(backup.Folder, largest.Path);
        var bytes = await File.ReadAllBytesAsync(path, TestContext.CancellationToken);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(path, bytes, TestContext.CancellationToken);

        await using var target = await TestServer.CreateDatabaseAsync();
        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => RestoreAsync(backup, target));

        Assert.AreEqual("MT0403", error.Code);
        Assert.Contains($"{largest.Path} has sha256", error.Message);
        var marked = BackupManifest.Read(backup.Folder);
        Assert.IsFalse(marked.Passed);
        Assert.AreEqual("failed", marked.Status);
        Assert.AreEqual(0L, await target.ScalarAsync<long>("select count(*) from pg_namespace where nspname = 'app'"), "nothing was restored");

        var again = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => RestoreAsync(backup, target));
        Assert.AreEqual("MT0405", again.Code, "a backup marked failed is refused from then on");
        Assert.ThrowsExactly<MigrationTasksException>(() => BackupFolder.Resolve(Path.GetDirectoryName(backup.Folder)!), "nor chosen as the newest backup");
    }

    [TestMethod]
    public async Task ACorruptedTableOfContentsFailsPgRestoreList()
    {
        await using var source = await BackupFixtures.CreateRichDatabaseAsync();
        var backup = await BackUpAsync(source);
        var toc = Path.Combine(backup.Folder, "dump", "toc.dat");
        await File.WriteAllBytesAsync(toc, [.. (await File.ReadAllBytesAsync(toc, TestContext.CancellationToken)).Take(100)], TestContext.CancellationToken);

        var check = await BackupVerifier.VerifyAsync(backup.Folder, backup.Manifest, TestServer.Server.Binaries!, BackupVerification.Archive, TestContext.CancellationToken);

        Assert.IsFalse(check.Passed);
        Assert.IsTrue(check.Problems.Any(p => p.StartsWith("dump/toc.dat has 100 bytes", StringComparison.Ordinal)), string.Join("\n", check.Problems));
        Assert.IsTrue(check.Problems.Any(p => p.StartsWith("pg_restore --list cannot read the archive", StringComparison.Ordinal)), string.Join("\n", check.Problems));
    }

    [TestMethod]
    public async Task FullVerificationReadsEveryDataBlockAndAnAddedFileIsAProblem()
    {
        await using var source = await BackupFixtures.CreateRichDatabaseAsync();
        var backup = await BackUpAsync(source, o => o with { Verification = BackupVerification.Full });
        Assert.Contains("reading every data block", backup.Manifest.Verification!.Method);

        await File.WriteAllTextAsync(Path.Combine(backup.Folder, "dump", "9999.dat.gz"), "stray", TestContext.CancellationToken);
        var check = await BackupVerifier.VerifyAsync(backup.Folder, backup.Manifest, TestServer.Server.Binaries!, BackupVerification.Archive, TestContext.CancellationToken);
        Assert.Contains("dump/9999.dat.gz is in the archive but not in the manifest", check.Problems);
    }

    [TestMethod]
    public async Task ANonEmptyTargetIsRefusedUnlessOverwriteWhichMakesItTheBackupAgain()
    {
        await using var source = await BackupFixtures.CreateRichDatabaseAsync();
        var backup = await BackUpAsync(source);
        await using var target = await TestServer.CreateDatabaseAsync();
        await target.ExecuteAsync("CREATE SCHEMA leftover; CREATE TABLE leftover.t (i int); CREATE TABLE public.stray (i int); CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'select 1'");

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => RestoreAsync(backup, target));
        Assert.AreEqual("MT0406", error.Code);
        Assert.Contains("schemas leftover", error.Message);
        Assert.Contains("2 objects in public", error.Message);
        Assert.AreEqual(1L, await target.ScalarAsync<long>("select count(*) from pg_namespace where nspname = 'leftover'"), "the target is as it was");

        var log = new RecordingLog();
        var restore = await DatabaseRestore.RestoreAsync(backup.Folder, target.Connection, BackupFixtures.RestoreOptions(TestPaths.NewFolder("restore"), overwrite: true),
            log, TestContext.CancellationToken);
        Assert.IsTrue(restore.Fidelity.Passed, restore.Fidelity.FailureSummary);
        Assert.AreEqual(0L, await target.ScalarAsync<long>("select count(*) from pg_namespace where nspname = 'leftover'"));
        Assert.AreEqual(0L, await target.ScalarAsync<long>("select count(*) from pg_class where relname = 'stray'"));

        // Restoring over itself again: everything the backup holds is dropped and restored.
        var twice = await DatabaseRestore.RestoreAsync(backup.Folder, target.Connection, BackupFixtures.RestoreOptions(TestPaths.NewFolder("restore"), overwrite: true),
            log, TestContext.CancellationToken);
        Assert.IsTrue(twice.Fidelity.Passed, twice.Fidelity.FailureSummary);
        CollectionAssert.Contains(twice.Plan.SchemasToDrop.ToList(), "app");
    }

    [TestMethod]
    public async Task APgRestoreErrorIsMT0408AndTheReportSaysSo()
    {
        await using var source = await BackupFixtures.CreateRichDatabaseAsync();
        var backup = await BackUpAsync(source);
        await using var target = await TestServer.CreateDatabaseAsync();
        await target.ExecuteAsync("""
            CREATE SCHEMA vault;
            CREATE FUNCTION vault.no_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'tables are frozen here'; END $$;
            CREATE EVENT TRIGGER no_tables ON ddl_command_start WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION vault.no_ddl();
            """);
        var reports = TestPaths.NewFolder("restore");

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => DatabaseRestore.RestoreAsync(backup.Folder, target.Connection,
            BackupFixtures.RestoreOptions(reports), new RecordingLog(), TestContext.CancellationToken));

        Assert.AreEqual("MT0408", error.Code);
        Assert.Contains("tables are frozen here", error.Message);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(reports, "restore.json"), TestContext.CancellationToken));
        Assert.IsFalse(report.RootElement.GetProperty("passed").GetBoolean());
        Assert.IsGreaterThan(0, report.RootElement.GetProperty("pgRestore").GetProperty("errors").GetArrayLength());
    }

    [TestMethod]
    public async Task ProductionIsRefusedWithoutItsNameAndRestoredWithIt()
    {
        await using var source = await BackupFixtures.CreateRichDatabaseAsync();
        var backup = await BackUpAsync(source);
        await using var production = await TestServer.CreateDatabaseAsync();
        var options = BackupFixtures.RestoreOptions(TestPaths.NewFolder("restore")) with { TargetIsProduction = true };

        var missing = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            DatabaseRestore.RestoreAsync(backup.Folder, production.Connection, options, new RecordingLog(), TestContext.CancellationToken));
        Assert.AreEqual("MT0407", missing.Code);
        Assert.Contains($"-p:ConfirmProduction={production.Name}", missing.Hint);
        var wrong = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => DatabaseRestore.RestoreAsync(backup.Folder, production.Connection,
            options with { ConfirmProduction = "postgres" }, new RecordingLog(), TestContext.CancellationToken));
        Assert.AreEqual("MT0407", wrong.Code);

        var restore = await DatabaseRestore.RestoreAsync(backup.Folder, production.Connection, options with { ConfirmProduction = production.Name },
            new RecordingLog(), TestContext.CancellationToken);
        Assert.IsTrue(restore.Fidelity.Passed, restore.Fidelity.FailureSummary);
    }

    [TestMethod]
    public async Task ABackupFromANewerMajorIsRefusedForAnOlderServer()
    {
        await using var source = await BackupFixtures.CreateRichDatabaseAsync();
        var backup = await BackUpAsync(source);
        var newer = backup.Manifest with { Source = backup.Manifest.Source with { ServerVersion = "99.1", ServerVersionNumber = 990001 } };
        newer.Write(backup.Folder);
        await using var target = await TestServer.CreateDatabaseAsync();

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => RestoreAsync(backup, target));
        Assert.AreEqual("MT0411", error.Code);
    }

    [TestMethod]
    public async Task AFolderOfBackupsResolvesToTheNewestVerifiedOne()
    {
        await using var source = await BackupFixtures.CreateRichDatabaseAsync();
        var root = TestPaths.NewFolder("backups");
        var first = await DatabaseBackup.CreateAsync(source.Connection, BackupFixtures.Options(root), new RecordingLog(), TestContext.CancellationToken);
        var second = await DatabaseBackup.CreateAsync(source.Connection, BackupFixtures.Options(root), new RecordingLog(), TestContext.CancellationToken);
        Assert.AreNotEqual(first.Folder, second.Folder);
        Directory.CreateDirectory(Path.Combine(root, "production", "99991231T235959Z.partial"));

        Assert.AreEqual(second.Folder, BackupFolder.Resolve(Path.Combine(root, "production")));
        second.Manifest.MarkFailed("test").Write(second.Folder);
        Assert.AreEqual(first.Folder, BackupFolder.Resolve(Path.Combine(root, "production")));
        Assert.AreEqual("MT0404", Assert.ThrowsExactly<MigrationTasksException>(() => BackupFolder.Resolve(root)).Code);
    }

    [TestMethod]
    public async Task TheChecksFailWhenTheRestoredDatabaseDiffers()
    {
        await using var source = await BackupFixtures.CreateRichDatabaseAsync();
        var backup = await BackUpAsync(source, o => o with { ChecksumTables = 100 });
        await using var target = await TestServer.CreateDatabaseAsync();
        await RestoreAsync(backup, target);
        var expected = SchemaFingerprint.FromLines(await File.ReadAllLinesAsync(Path.Combine(backup.Folder, backup.Manifest.Schema.File), TestContext.CancellationToken));
        Assert.StartsWith("rowtext:400:", backup.Manifest.Tables.Single(t => t.Name == "users").Checksum, "a json column has no hash function: the row's text is hashed");
        Assert.StartsWith("rowhash:1500:", backup.Manifest.Tables.Single(t => t.Name == "invoices").Checksum);

        async Task<FidelityReport> CheckAsync() => await FidelityChecks.RunAsync(
            new FidelityContext { Expected = backup.Manifest, ExpectedFingerprint = expected, Target = target.Connection }, FidelityChecks.Default, TestContext.CancellationToken);

        Assert.IsTrue((await CheckAsync()).Passed);

        await target.ExecuteAsync("UPDATE billing.invoices SET amount = amount + 0.01 WHERE no = (SELECT min(no) FROM billing.invoices)");
        var changed = await CheckAsync();
        CollectionAssert.AreEqual(new[] { true, true, false }, changed.Checks.Select(c => c.Passed).ToArray(), changed.FailureSummary);
        Assert.Contains("billing.invoices", changed.Checks[2].Summary);

        await target.ExecuteAsync("DELETE FROM public.events_2024 WHERE id = 1");
        var deleted = await CheckAsync();
        Assert.IsFalse(deleted.Checks[1].Passed);
        Assert.Contains("public.events_2024: 899 rows, expected 900 (-1)", deleted.Checks[1].Details);

        await target.ExecuteAsync("ALTER TABLE app.users ADD COLUMN extra int; CREATE POLICY sneaky ON app.users FOR DELETE USING (true)");
        var altered = await CheckAsync();
        Assert.IsFalse(altered.Checks[0].Passed);
        Assert.IsTrue(altered.Checks[0].Details.Any(d => d.StartsWith("+ app | column app.users #12 extra integer", StringComparison.Ordinal)), string.Join("\n", altered.Checks[0].Details));
        Assert.IsTrue(altered.Checks[0].Details.Any(d => d.StartsWith("+ app | policy app.users sneaky", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task ManagedSchemasTheTargetAlreadyHasReceiveRowsOnly()
    {
        // As on a Supabase project: the target has its own auth schema, with the service's own trigger and migration bookkeeping.
        const string auth = """
            CREATE SCHEMA auth;
            CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
            CREATE TABLE auth.schema_migrations (version text PRIMARY KEY);
            CREATE TABLE auth.audit (id uuid);
            CREATE FUNCTION auth.audit_insert() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO auth.audit VALUES (NEW.id); RETURN NEW; END $f$;
            CREATE TRIGGER audit AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION auth.audit_insert();
            """;
        await using var source = await TestServer.CreateDatabaseAsync();
        await source.ExecuteAsync(auth + """
            INSERT INTO auth.schema_migrations VALUES ('1'), ('2');
            CREATE TABLE public.profiles (id uuid PRIMARY KEY REFERENCES auth.users (id), bio text);
            CREATE FUNCTION public.handle_new_user() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.profiles VALUES (NEW.id, 'new'); RETURN NEW; END $f$;
            CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION public.handle_new_user();
            CREATE POLICY "Users see themselves" ON auth.users FOR SELECT USING (true);
            INSERT INTO auth.users SELECT gen_random_uuid(), 'u' || g FROM generate_series(1, 50) g;
            """);
        var backup = await BackUpAsync(source);
        Assert.AreEqual(50, backup.Manifest.Tables.Single(t => t.Schema == "auth" && t.Name == "users").Rows, "the CLI's mode keeps auth");

        await using var target = await TestServer.CreateDatabaseAsync();
        await target.ExecuteAsync(auth + "INSERT INTO auth.schema_migrations VALUES ('target-own'); COMMENT ON TABLE auth.users IS 'the target''s own definition'");
        var log = new RecordingLog();
        var restore = await DatabaseRestore.RestoreAsync(backup.Folder, target.Connection, BackupFixtures.RestoreOptions(TestPaths.NewFolder("restore")), log,
            TestContext.CancellationToken);

        Assert.IsTrue(restore.Fidelity.Passed, restore.Fidelity.FailureSummary);
        CollectionAssert.AreEqual(new[] { "auth" }, restore.Plan.DataOnlySchemas.ToArray());
        Assert.AreEqual(50L, await target.ScalarAsync<long>("select count(*) from auth.users"));
        Assert.AreEqual(50L, await target.ScalarAsync<long>("select count(*) from public.profiles"), "the sign-up trigger did not fire during the load");
        Assert.AreEqual(50L, await target.ScalarAsync<long>("select count(*) from auth.audit"), "nor the service's own trigger (session_replication_role = replica)");
        Assert.AreEqual("target-own", await target.ScalarAsync<string>("select string_agg(version, ',') from auth.schema_migrations"), "the services' own bookkeeping is not replaced");
        Assert.AreEqual("the target's own definition", await target.ScalarAsync<string>("select obj_description('auth.users'::regclass)"));
        Assert.AreEqual(1L, await target.ScalarAsync<long>("select count(*) from pg_trigger where tgname = 'on_auth_user_created'"), "the user's trigger on auth.users came along");
        Assert.AreEqual(1L, await target.ScalarAsync<long>("select count(*) from pg_policy where polname = 'Users see themselves'"), "and the user's policy");
        Assert.IsTrue(log.Lines.Any(l => l.Contains("session_replication_role = replica", StringComparison.Ordinal)), log.Text);
    }

    [TestMethod]
    public async Task ProgressIsReportedAtNormalVerbosityOnALongDump()
    {
        await using var source = await TestServer.CreateDatabaseAsync();
        await source.ExecuteAsync("CREATE TABLE big AS SELECT g AS id, md5(g::text) AS a, md5((g * 7)::text) AS b FROM generate_series(1, 400000) g");
        var log = new RecordingLog();

        await DatabaseBackup.CreateAsync(source.Connection, BackupFixtures.Options(TestPaths.NewFolder("backups")) with { ProgressInterval = TimeSpan.FromMilliseconds(20) },
            log, TestContext.CancellationToken);

        Assert.IsTrue(log.Lines.Any(l => l.StartsWith("info: pg_dump: ", StringComparison.Ordinal) && l.Contains(" of 1 tables", StringComparison.Ordinal) && l.Contains(" written", StringComparison.Ordinal)), log.Text);
    }

    [TestMethod]
    public async Task AFailingDumpIsMT0402WithPgDumpsMessageAndLeavesNoFolder()
    {
        // A user without BYPASSRLS can count the rows RLS lets it see, but pg_dump refuses to dump a partial table.
        await using var source = await TestServer.CreateDatabaseAsync();
        const string password = "Limited-Secret-4242";
        await source.ExecuteAsync($"""
            DO $$ BEGIN
                PERFORM pg_advisory_xact_lock(60601);
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mt_backup_limited') THEN CREATE ROLE mt_backup_limited LOGIN PASSWORD '{password}'; END IF;
            END $$;
            CREATE TABLE private_things (owner name DEFAULT current_user, note text);
            INSERT INTO private_things (note) VALUES ('not yours');
            ALTER TABLE private_things ENABLE ROW LEVEL SECURITY;
            CREATE POLICY mine ON private_things USING (owner = current_user);
            GRANT SELECT ON private_things TO mt_backup_limited;
            """);
        var limited = source.Connection.With(b =>
        {
            b.Username = "mt_backup_limited";
            b.Password = password;
        });
        var root = TestPaths.NewFolder("backups");

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            DatabaseBackup.CreateAsync(limited, BackupFixtures.Options(root) with { IncludeRoles = false }, new RecordingLog(), TestContext.CancellationToken));

        Assert.AreEqual("MT0402", error.Code);
        Assert.Contains("pg_dump (exit code 1)", error.Message);
        Assert.Contains("row-level security", error.Message, "pg_dump's own error output is quoted");
        Assert.DoesNotContain(password, error.ToString());
        Assert.IsEmpty(Directory.EnumerateFileSystemEntries(Path.Combine(root, "production")), "no partial backup is left");
    }

    private Task<BackupResult> BackUpAsync(TestDatabase source, Func<BackupOptions, BackupOptions>? configure = null) =>
        DatabaseBackup.CreateAsync(source.Connection, (configure ?? (o => o))(BackupFixtures.Options(TestPaths.NewFolder("backups"))), new RecordingLog(),
            TestContext.CancellationToken);

    private Task<RestoreResult> RestoreAsync(BackupResult backup, TestDatabase target) =>
        DatabaseRestore.RestoreAsync(backup.Folder, target.Connection, BackupFixtures.RestoreOptions(TestPaths.NewFolder("restore")), new RecordingLog(),
            TestContext.CancellationToken);

    private async Task<string> FingerprintAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.Connection.ConnectionString);
        await connection.OpenAsync(TestContext.CancellationToken);
        return (await SchemaFingerprint.ComputeAsync(connection, SupabaseSchemas.Selection(SupabaseSchemaMode.Cli), TestContext.CancellationToken)).Hash;
    }

    private async Task<string?> ChecksumAsync(TestDatabase database, string schema, string table)
    {
        await using var connection = new NpgsqlConnection(database.Connection.ConnectionString);
        await connection.OpenAsync(TestContext.CancellationToken);
        return (await TableContents.MeasureOneAsync(connection, new TableName(schema, table), ChecksumMethod.Auto, insideTransaction: false, TestContext.CancellationToken)).Checksum;
    }
}
