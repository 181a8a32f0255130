using MigrationTasks.Connections;
using MigrationTasks.Migrations;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Migrations;

/// <summary>ApplyMigrations' engine against real PostgreSQL: order, history, atomicity, errors located in files.</summary>
[TestClass]
public sealed class MigrationRunnerTests
{
    public TestContext TestContext { get; set; } = null!;

    internal static readonly (string, string)[] ThreeFiles =
    [
        ("20240101000000_create_profiles.sql", "-- profiles\ncreate table profiles (id int primary key, name text not null);\ninsert into profiles values (1, 'a;b');\n"),
        ("20240102000000_add_bio.sql", "alter table profiles add column bio text;\ncomment on column profiles.bio is 'About; me';\n"),
        ("20240103000000_function.sql", "create function profile_count() returns bigint language sql\nbegin atomic\n  select count(*) from profiles;\nend;\n"),
    ];

    private Task<ApplyReport> ApplyAsync(TestDatabase database, MigrationFolder folder, ApplyOptions? options = null, TestLog? log = null) =>
        MigrationRunner.ApplyAsync(database.Connection, folder.Load(log), options ?? new ApplyOptions(), log ?? new TestLog(), TestContext.CancellationToken);

    [TestMethod]
    public async Task AppliesInVersionOrderAndRecordsEachFileAsTheCliDoes()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(ThreeFiles);
        var log = new TestLog();

        var report = await ApplyAsync(database, folder, log: log);

        Assert.IsTrue(report.Passed, report.Failure?.ToString());
        Assert.AreEqual(3, report.Applied);
        Assert.AreEqual(1L, await database.ScalarAsync<long>("select profile_count()"));
        var set = folder.Load();
        foreach (var file in set.Files)
        {
            var statements = await database.ScalarAsync<string[]>($"select statements from supabase_migrations.schema_migrations where version = '{file.Version}'");
            CollectionAssert.AreEqual(file.CliStatements.ToArray(), statements, "recorded as the CLI splits the file");
            Assert.AreEqual(file.Name, await database.ScalarAsync<string>($"select name from supabase_migrations.schema_migrations where version = '{file.Version}'"));
            Assert.AreEqual(file.Sha256, await database.ScalarAsync<string>($"select sha256 from supabase_migrations.migrationtasks_applied where version = '{file.Version}'"));
        }

        Assert.Contains("20240101000000_create_profiles.sql: applied, 2 statement(s)", log.Text);
    }

    [TestMethod]
    public async Task ASecondRunIsANoOpThatSaysSo()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(ThreeFiles);
        Assert.IsTrue((await ApplyAsync(database, folder)).Passed);
        var log = new TestLog();

        var report = await ApplyAsync(database, folder, log: log);

        Assert.IsTrue(report.Passed, report.Failure?.ToString());
        Assert.AreEqual((0, 3), (report.Applied, report.AlreadyApplied));
        Assert.Contains("No pending migrations", log.Text);
        Assert.Contains("up to date (3 migrations applied, newest 20240103000000)", log.Text);
    }

    [TestMethod]
    public async Task TheHistoryTableIsTheCliTable()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        Assert.IsTrue((await ApplyAsync(database, MigrationFolder.Create(ThreeFiles[0]))).Passed);

        var columns = await database.ScalarAsync<string>(
            "select string_agg(attname || ' ' || format_type(atttypid, atttypmod) || case when attnotnull then ' not null' else '' end, ', ' order by attnum) " +
            "from pg_attribute where attrelid = 'supabase_migrations.schema_migrations'::regclass and attnum > 0 and not attisdropped");
        Assert.AreEqual("version text not null, statements text[], name text", columns);
        Assert.AreEqual("schema_migrations_pkey", await database.ScalarAsync<string>(
            "select conname::text from pg_constraint where conrelid = 'supabase_migrations.schema_migrations'::regclass and contype = 'p'"));
    }

    [TestMethod]
    public async Task ASyntaxErrorIsMT0310AtTheLineOfTheErrorAndNothingOfThatFileIsApplied()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(ThreeFiles[0],
            ("20240102000000_broken.sql", "create table b (id int);\n\n-- a comment\ncreate table c (\n  id int,\n  nme txet[ not null\n);\n"));

        var report = await ApplyAsync(database, folder);

        Assert.IsFalse(report.Passed);
        var error = report.Failure!;
        Assert.AreEqual("MT0310", error.Code, error.ToString());
        Assert.AreEqual(Path.Combine(folder.Path, "20240102000000_broken.sql"), error.File);
        Assert.AreEqual(6, error.Line, error.ToString());
        Assert.Contains("statement 2 of 2, starting at line 4", error.Message);
        Assert.IsFalse(await database.RelationExistsAsync("b"), "the file's first statement was rolled back");
        Assert.AreEqual(1L, await database.ScalarAsync<long>("select count(*) from supabase_migrations.schema_migrations"), "the earlier file stays applied");
        Assert.AreEqual("failed", report.Files[1].Status);
        Assert.Contains("\"passed\": false", report.ToJson());
    }

    [TestMethod]
    public async Task ARuntimeErrorInADoBlockPointsAtItsLineInTheFile()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(("20240101000000_do.sql", "create table t (id int);\ndo $$\nbegin\n  perform 1;\n  perform 1 / 0;\nend $$;\n"));

        var error = (await ApplyAsync(database, folder)).Failure!;

        Assert.AreEqual(("MT0311", 5), (error.Code, error.Line), error.ToString());
        Assert.Contains("22012", error.Message);
        Assert.IsFalse(await database.RelationExistsAsync("t"));
    }

    [TestMethod]
    public async Task AnErrorPositionAfterNonAsciiTextMapsToTheRightColumn()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(("20240101000000_utf.sql", "select '😀é',\n  '😀' as x, nosuchcolumn;\n"));

        var error = (await ApplyAsync(database, folder)).Failure!;

        Assert.AreEqual(("MT0311", 2, 13), (error.Code, error.Line, error.Column), error.ToString());
    }

    [TestMethod]
    public async Task AChangedAppliedFileIsMT0316UnlessAllowed()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(ThreeFiles);
        Assert.IsTrue((await ApplyAsync(database, folder)).Passed);
        folder.Write("20240102000000_add_bio.sql", "alter table profiles add column bio text; -- edited\n");

        var refused = await ApplyAsync(database, folder);
        Assert.AreEqual("MT0316", refused.Failure?.Code);
        Assert.AreEqual(Path.Combine(folder.Path, "20240102000000_add_bio.sql"), refused.Failure!.File);
        Assert.Contains("20240102000000_add_bio.sql", refused.Failure.Message);

        var log = new TestLog();
        var accepted = await ApplyAsync(database, folder, new ApplyOptions { AllowChangedMigrations = true }, log);
        Assert.IsTrue(accepted.Passed, accepted.Failure?.ToString());
        Assert.IsTrue(log.HasWarning("MT0328"), log.Text);
    }

    [TestMethod]
    public async Task AFileOlderThanTheNewestAppliedIsMT0317UnlessIncludeAll()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(ThreeFiles[0], ThreeFiles[2]);
        Assert.IsTrue((await ApplyAsync(database, folder)).Passed);
        folder.Write(ThreeFiles[1].Item1, ThreeFiles[1].Item2);

        var refused = await ApplyAsync(database, folder);
        Assert.AreEqual("MT0317", refused.Failure?.Code, refused.Failure?.ToString());
        Assert.Contains("20240102000000_add_bio.sql", refused.Failure!.Message);
        Assert.IsFalse(await database.ColumnExistsAsync("profiles", "bio"));

        var included = await ApplyAsync(database, folder, new ApplyOptions { IncludeAll = true });
        Assert.IsTrue(included.Passed, included.Failure?.ToString());
        Assert.AreEqual(1, included.Applied);
    }

    [TestMethod]
    public async Task AnAppliedVersionWithoutItsFileIsMT0318()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        Assert.IsTrue((await ApplyAsync(database, MigrationFolder.Create(ThreeFiles))).Passed);

        var report = await ApplyAsync(database, MigrationFolder.Create(ThreeFiles[0], ThreeFiles[1]));

        Assert.AreEqual("MT0318", report.Failure?.Code);
        Assert.Contains("20240103000000", report.Failure!.Message);
    }

    [TestMethod]
    public async Task AFileWrappedInBeginCommitIsOneTransactionWithItsHistoryRow()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var good = MigrationFolder.Create(("20240101000000_wrapped.sql", "BEGIN;\ncreate table w (id int);\ninsert into w values (1);\nCOMMIT;\n"));
        Assert.IsTrue((await ApplyAsync(database, good)).Passed);
        Assert.AreEqual(1L, await database.ScalarAsync<long>("select count(*) from w"));
        CollectionAssert.AreEqual(new[] { "BEGIN", "create table w (id int)", "insert into w values (1)", "COMMIT" },
            await database.ScalarAsync<string[]>("select statements from supabase_migrations.schema_migrations"));

        await using var other = await TestServer.CreateDatabaseAsync();
        var failing = MigrationFolder.Create(("20240101000000_wrapped.sql", "begin;\ncreate table w (id int);\ninsert into w values ('x');\ncommit;\n"));
        var report = await ApplyAsync(other, failing);
        Assert.AreEqual(("MT0311", 3), (report.Failure?.Code, report.Failure?.Line), report.Failure?.ToString());
        Assert.IsFalse(await other.RelationExistsAsync("w"));
    }

    [TestMethod]
    [DataRow("create table x (id int);\ncommit;\nbegin;\ncreate table y (id int);\n", 2)]
    [DataRow("create table x (id int);\nrollback;\n", 2)]
    [DataRow("begin;\ncreate table x (id int);\ncommit;\ncreate table y (id int);\n", 1)]
    [DataRow("create table x (id int);\nprepare transaction 'p';\n", 2)]
    public async Task TransactionControlInsideAFileIsMT0319AndNothingRuns(string sql, int line)
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(ThreeFiles[0], ("20240102000000_commits.sql", sql));

        var report = await ApplyAsync(database, folder);

        Assert.AreEqual(("MT0319", line), (report.Failure?.Code, report.Failure?.Line), report.Failure?.ToString());
        Assert.IsFalse(await database.RelationExistsAsync("profiles"), "every file is planned before any runs");
        Assert.IsFalse(await database.RelationExistsAsync("x"));
    }

    [TestMethod]
    public async Task SavepointsInsideAFileAreFine()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(("20240101000000_savepoint.sql",
            "create table s (id int);\nsavepoint before_insert;\ninsert into s values (1);\nrollback to savepoint before_insert;\ninsert into s values (2);\n"));

        Assert.IsTrue((await ApplyAsync(database, folder)).Passed);
        Assert.AreEqual(2, await database.ScalarAsync<int>("select id from s"));
    }

    [TestMethod]
    public async Task SessionSettingsDoNotLeakIntoTheNextFileAndTimeoutsAreSetPerFile()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(
            ("20240101000000_set.sql", "create schema other;\nset search_path = other;\ncreate table seen (lock_timeout text, statement_timeout text);\n" +
                "insert into seen values (current_setting('lock_timeout'), current_setting('statement_timeout'));\n"),
            ("20240102000000_after.sql", "create table public.after (search_path text);\ninsert into public.after values (current_setting('search_path'));\n"));

        var report = await ApplyAsync(database, folder, new ApplyOptions { LockTimeout = "3s", StatementTimeout = "1min" });

        Assert.IsTrue(report.Passed, report.Failure?.ToString());
        Assert.AreEqual("3s 1min", await database.ScalarAsync<string>("select lock_timeout || ' ' || statement_timeout from other.seen"));
        Assert.AreEqual("\"$user\", public", await database.ScalarAsync<string>("select search_path from public.after"), "RESET ALL before each file, as the CLI does");
    }

    [TestMethod]
    public async Task ALockHeldByTheAppIsRetriedThenMT0312AndNothingIsApplied()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        await database.ExecuteAsync("create table busy (id int)");
        await using var app = new Npgsql.NpgsqlConnection(database.Connection.ConnectionString);
        await app.OpenAsync(TestContext.CancellationToken);
        await using var appTransaction = await app.BeginTransactionAsync(TestContext.CancellationToken);
        await using (var hold = new Npgsql.NpgsqlCommand("lock table busy in access share mode", app, appTransaction))
        {
            await hold.ExecuteNonQueryAsync(TestContext.CancellationToken);
        }

        var folder = MigrationFolder.Create(("20240101000000_alter.sql", "create table other (id int);\nalter table busy add column x int;\n"));
        var log = new TestLog();
        var report = await ApplyAsync(database, folder, new ApplyOptions { LockTimeout = "200ms", LockRetries = 2, LockRetryDelay = TimeSpan.FromMilliseconds(50) }, log);

        Assert.AreEqual(("MT0312", 2), (report.Failure?.Code, report.Failure?.Line), report.Failure?.ToString());
        Assert.AreEqual(2, log.Warnings.Count(w => w.Code == "MT0335"), log.Text);
        Assert.IsFalse(await database.RelationExistsAsync("other"));
    }

    [TestMethod]
    public async Task AStatementOverStatementTimeoutIsMT0313()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(("20240101000000_slow.sql", "create table t (id int);\nselect pg_sleep(5);\n"));

        var report = await ApplyAsync(database, folder, new ApplyOptions { StatementTimeout = "100ms" });

        Assert.AreEqual(("MT0313", 2), (report.Failure?.Code, report.Failure?.Line), report.Failure?.ToString());
        Assert.IsFalse(await database.RelationExistsAsync("t"));
    }

    [TestMethod]
    public async Task SupabasesTransactionPoolerPortIsRefusedWithoutConnecting()
    {
        // The host does not resolve here: the refusal must come before any connection attempt.
        var pooler = DatabaseConnection.Parse("postgres://postgres.abcdefghijklmnop:secret@aws-0-eu-central-1.pooler.supabase.com:6543/postgres", "test");
        var report = await MigrationRunner.ApplyAsync(pooler, MigrationFolder.Create(ThreeFiles).Load(), new ApplyOptions(), new TestLog(), TestContext.CancellationToken);
        Assert.AreEqual("MT0720", report.Failure?.Code, report.Failure?.ToString());
        StringAssert.Contains(report.Failure!.Message, "port 6543 on a Supabase host");
    }

    [TestMethod]
    public async Task AnEscapeStringTheCliWouldMissplitIsAppliedCorrectlyWithAWarning()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(("20240101000000_escape.sql", "create table e (v text);\ninsert into e values (E'it\\'s; fine');\n"));
        var log = new TestLog();

        var report = await ApplyAsync(database, folder, log: log);

        Assert.IsTrue(report.Passed, report.Failure?.ToString());
        Assert.AreEqual("it's; fine", await database.ScalarAsync<string>("select v from e"));
        Assert.IsTrue(log.HasWarning("MT0326"), log.Text);
    }

    [TestMethod]
    public async Task AHistoryWrittenByTheCliIsReadAsApplied()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(ThreeFiles);
        var first = folder.Load().Files[0];
        await database.ExecuteAsync("create schema supabase_migrations; create table supabase_migrations.schema_migrations (version text not null primary key, statements text[], name text);" +
            "create table profiles (id int primary key, name text not null);");
        await using (var connection = new Npgsql.NpgsqlConnection(database.Connection.ConnectionString))
        {
            await connection.OpenAsync(TestContext.CancellationToken);
            await using var insert = new Npgsql.NpgsqlCommand(SupabaseHistorySql.Insert, connection) { Parameters = { new() { Value = first.Version }, new() { Value = first.Name }, new() { Value = first.CliStatements.ToArray() } } };
            await insert.ExecuteNonQueryAsync(TestContext.CancellationToken);
        }

        var log = new TestLog();
        var report = await ApplyAsync(database, folder, log: log);

        Assert.IsTrue(report.Passed, report.Failure?.ToString());
        Assert.AreEqual((2, 1), (report.Applied, report.AlreadyApplied));
        Assert.IsFalse(log.HasWarning("MT0327"), log.Text);
    }

    [TestMethod]
    public async Task AMissingFolderAndAnEmptyOneWarnAndApplyNothing()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var log = new TestLog();
        var report = await MigrationRunner.ApplyAsync(database.Connection, MigrationSet.Load(Path.Combine(TestPaths.NewFolder("none"), "missing"), log), new ApplyOptions(), log, TestContext.CancellationToken);

        Assert.IsTrue(report.Passed);
        Assert.IsTrue(log.HasWarning("MT0305"), log.Text);
        Assert.IsFalse(await database.RelationExistsAsync("supabase_migrations.schema_migrations"), "nothing to apply, nothing created");
    }

    [TestMethod]
    public async Task FilesThatDoNotMatchThePatternAreSkippedAndDuplicateVersionsRefused()
    {
        var log = new TestLog();
        var folder = MigrationFolder.Create(ThreeFiles[0], ("notes.sql", "select 1"), ("README.md", "x"), ("20211201000000_init.sql", "select 1"));
        Directory.CreateDirectory(Path.Combine(folder.Path, "archive"));
        Assert.HasCount(1, folder.Load(log).Files);
        Assert.IsTrue(log.HasWarning("MT0330"), log.Text);

        folder.Write("20240101000000_again.sql", "select 2");
        var error = Assert.ThrowsExactly<MigrationTasks.Errors.MigrationTasksException>(() => folder.Load());
        Assert.AreEqual("MT0306", error.Code);
    }

    [TestMethod]
    public async Task VersionsSortAsTheHistoryTableSortsThem()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var folder = MigrationFolder.Create(("20240420010000_second.sql", "create table second (id int)"), ("20240420_first.sql", "create table first (id int)"));

        var report = await ApplyAsync(database, folder);

        Assert.IsTrue(report.Passed, report.Failure?.ToString());
        CollectionAssert.AreEqual(new[] { "20240420", "20240420010000" }, report.Files.Select(f => f.Version).ToArray(), "a prefix sorts first, as ORDER BY version does");
    }
}
