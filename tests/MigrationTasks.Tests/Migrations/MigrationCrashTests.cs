using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Migrations;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using MigrationTasks.Tests.Infrastructure;
using Npgsql;

namespace MigrationTasks.Tests.Migrations;

/// <summary>
/// Crash safety, at every step boundary of a multi-file set: the server is killed (SIGKILL to every server process,
/// then crash recovery) or the runner's session is ended with pg_terminate_backend, right before each step the
/// runner takes. Each time the history must agree with the schema (a one-transaction file is wholly there and
/// recorded, or wholly absent and unrecorded; a file with non-transactional statements is there up to the part its
/// progress row says), and a rerun must complete to exactly the schema and history of an uninterrupted run.
/// The server is a cluster of this class's own, so killing it disturbs no other test.
/// </summary>
[TestClass]
public sealed class MigrationCrashTests
{
    private static LocalCluster _cluster = null!;
    private static int _databases;

    public TestContext TestContext { get; set; } = null!;

    /// <summary>Two one-transaction files and one in four parts (an enum value used later, an update, a concurrent index, a comment).</summary>
    private static readonly (string, string)[] Files =
    [
        ("20240101000000_accounts.sql",
            "create table accounts (id int primary key, email text not null);\ninsert into accounts values (1, 'a@example.com'), (2, 'b@example.com');\n" +
            "create function account_count() returns bigint language sql as $$ select count(*) from accounts $$;\n"),
        ("20240102000000_status.sql",
            "create type account_status as enum ('active');\nalter table accounts add column status account_status not null default 'active';\n"),
        ("20240103000000_closing.sql",
            "alter type account_status add value 'closed';\nupdate accounts set status = 'closed' where id = 2;\n" +
            "create index concurrently accounts_email on accounts (email);\ncomment on index accounts_email is 'lookup by email';\n"),
    ];

    /// <summary>Whether each part of each file is in the schema; one probe per part, in order.</summary>
    private static readonly Dictionary<string, string[]> PartProbes = new()
    {
        ["20240101000000"] = ["select to_regclass('accounts') is not null and to_regprocedure('account_count()') is not null"],
        ["20240102000000"] = ["select exists (select from information_schema.columns where table_name = 'accounts' and column_name = 'status')"],
        ["20240103000000"] =
        [
            "select exists (select from pg_enum where enumlabel = 'closed')",
            "select exists (select from accounts where id = 2 and status::text = 'closed')",
            "select exists (select from pg_index where indexrelid = to_regclass('accounts_email') and indisvalid)",
            "select obj_description(to_regclass('accounts_email'), 'pg_class') is not null",
        ],
    };

    [ClassInitialize]
    public static async Task StartClusterAsync(TestContext context)
    {
        var installation = (await PostgresInstallation.DiscoverAsync(PostgresInstallation.DefaultSearchDirectories(), context.CancellationToken)).FirstOrDefault(i => i.HasServer)
            ?? throw new AssertInconclusiveException("Not run: no PostgreSQL server binaries to start a cluster that can be killed.");
        // fsync may stay off (the OS does not crash here), but a commit must reach the OS before the client hears of it.
        _cluster = await LocalCluster.StartAsync(
            new LocalClusterOptions { Installation = installation, Root = TestPaths.ClusterRoot, Settings = new Dictionary<string, string> { ["synchronous_commit"] = "on" } },
            NullEngineLog.Instance, context.CancellationToken);
    }

    [ClassCleanup]
    public static async Task StopClusterAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [TestMethod]
    public Task KillingTheServerAtEveryStepLeavesAConsistentDatabaseAndARerunCompletes() => AtEveryStepAsync(killServer: true);

    [TestMethod]
    public Task TerminatingTheRunnersSessionAtEveryStepLeavesAConsistentDatabaseAndARerunCompletes() => AtEveryStepAsync(killServer: false);

    private async Task AtEveryStepAsync(bool killServer)
    {
        var folder = MigrationFolder.Create(Files);
        var recorder = new StepRecorder();
        var reference = await NewDatabaseAsync();
        var clean = await ApplyAsync(reference, folder, recorder);
        Assert.IsTrue(clean.Passed, clean.Failure?.ToString());
        var expected = await FingerprintAsync(reference);
        Assert.HasCount(23, recorder.Steps, string.Join("\n", recorder.Steps));

        for (var step = 0; step < recorder.Steps.Count; step++)
        {
            var where = $"{(killServer ? "server killed" : "session terminated")} before step {step} ({recorder.Steps[step]})";
            var database = await NewDatabaseAsync();
            var fault = new FaultAt(step, killServer ? _ => _cluster.KillAsync() : s => TerminateAsync(s.BackendProcessId));

            var interrupted = await ApplyAsync(database, folder, fault);

            Assert.IsTrue(fault.Fired, where);
            Assert.AreEqual("MT0314", interrupted.Failure?.Code, $"{where}: {interrupted.Failure}");
            if (killServer)
            {
                await _cluster.RestartAsync(TestContext.CancellationToken);
            }

            await AssertHistoryAgreesWithSchemaAsync(database, where);
            var rerun = await ApplyAsync(database, folder, observer: null);
            Assert.IsTrue(rerun.Passed, $"{where}, rerun: {rerun.Failure}");
            Assert.AreEqual(expected, await FingerprintAsync(database), $"{where}: the rerun ends where an uninterrupted run ends");
        }
    }

    private async Task AssertHistoryAgreesWithSchemaAsync(DatabaseConnection database, string where)
    {
        await using var connection = await OpenAsync(database);
        var applied = await VersionsAsync(connection, "supabase_migrations.schema_migrations");
        var bookkept = await VersionsAsync(connection, "supabase_migrations.migrationtasks_applied");
        CollectionAssert.AreEqual(applied, bookkept, $"{where}: our bookkeeping matches the CLI's history");

        foreach (var (version, probes) in PartProbes)
        {
            var present = new List<bool>();
            foreach (var probe in probes)
            {
                present.Add(await ProbeAsync(connection, probe));
            }

            if (applied.Contains(version))
            {
                Assert.IsTrue(present.All(p => p), $"{where}: {version} is recorded, so all of it is there ({string.Join(",", present)})");
                continue;
            }

            var done = await ScalarAsync<bool>(connection, "select to_regclass('supabase_migrations.migrationtasks_progress') is not null")
                ? await ScalarAsync<int?>(connection, $"select segments_done from supabase_migrations.migrationtasks_progress where version = '{version}'") ?? 0
                : 0;
            for (var part = 0; part < probes.Length; part++)
            {
                if (part < done)
                {
                    Assert.IsTrue(present[part], $"{where}: {version} part {part + 1} is recorded as done, so it is there");
                }
                else if (part > done || probes.Length == 1 || part % 2 == 1)
                {
                    // Later parts, and any transactional part, commit with their record: not recorded means not there.
                    Assert.IsFalse(present[part], $"{where}: {version} part {part + 1} is not recorded, so it is not there");
                }

                // The one non-transactional part right after the recorded progress may have completed just before the crash.
            }
        }
    }

    private async Task<string[]> VersionsAsync(NpgsqlConnection connection, string table) =>
        await ScalarAsync<bool>(connection, $"select to_regclass('{table}') is not null")
            ? await ScalarAsync<string[]>(connection, $"select coalesce(array_agg(version order by version), '{{}}') from {table}") ?? []
            : [];

    /// <summary>A probe that reads objects an earlier part creates: when they are not there yet, the part is not there either.</summary>
    private async Task<bool> ProbeAsync(NpgsqlConnection connection, string probe)
    {
        try
        {
            return await ScalarAsync<bool>(connection, probe);
        }
        catch (PostgresException exception) when (exception.SqlState is "42P01" or "42703" or "42704")
        {
            return false;
        }
    }

    private async Task<DatabaseConnection> NewDatabaseAsync()
    {
        var name = $"crash_{Interlocked.Increment(ref _databases)}";
        await using var connection = await OpenAsync(_cluster.Connection);
        await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlQuote.Identifier(name)}", connection);
        await create.ExecuteNonQueryAsync(TestContext.CancellationToken);
        return _cluster.Connection.WithDatabase(name).With(b => b.Pooling = false);
    }

    private Task<ApplyReport> ApplyAsync(DatabaseConnection database, MigrationFolder folder, IMigrationObserver? observer) =>
        MigrationRunner.ApplyAsync(database, folder.Load(), new ApplyOptions { Observer = observer }, new TestLog(), TestContext.CancellationToken);

    private async Task TerminateAsync(int backend)
    {
        await using var connection = await OpenAsync(_cluster.Connection);
        await using var terminate = new NpgsqlCommand("select pg_terminate_backend($1)", connection) { Parameters = { new() { Value = backend } } };
        await terminate.ExecuteNonQueryAsync(TestContext.CancellationToken);
        for (var wait = 0; wait < 200; wait++)
        {
            await using var alive = new NpgsqlCommand("select exists (select from pg_stat_activity where pid = $1)", connection) { Parameters = { new() { Value = backend } } };
            if (await alive.ExecuteScalarAsync(TestContext.CancellationToken) is false)
            {
                return;
            }

            await Task.Delay(25, TestContext.CancellationToken);
        }
    }

    /// <summary>The schema, data and history a run leaves, as one comparable text.</summary>
    private async Task<string> FingerprintAsync(DatabaseConnection database)
    {
        await using var connection = await OpenAsync(database);
        return await ScalarAsync<string>(connection, """
            select concat_ws(E'\n',
              (select string_agg(table_name || '.' || column_name || ' ' || data_type || ' ' || coalesce(column_default, ''), ', ' order by table_name, column_name)
                 from information_schema.columns where table_schema = 'public'),
              (select string_agg(c.relname || ' valid=' || i.indisvalid || ' ' || coalesce(obj_description(c.oid, 'pg_class'), ''), ', ' order by c.relname)
                 from pg_index i join pg_class c on c.oid = i.indexrelid where c.relnamespace = 'public'::regnamespace),
              (select string_agg(enumlabel::text, ',' order by enumsortorder) from pg_enum),
              (select string_agg(id || ' ' || email || ' ' || status::text, ', ' order by id) from accounts),
              (select string_agg(version || ' ' || name || ' ' || statements::text, E'\n' order by version) from supabase_migrations.schema_migrations),
              (select string_agg(version || ' ' || sha256, ', ' order by version) from supabase_migrations.migrationtasks_applied),
              (select count(*)::text from supabase_migrations.migrationtasks_progress))
            """) ?? "";
    }

    private async Task<NpgsqlConnection> OpenAsync(DatabaseConnection database)
    {
        var connection = new NpgsqlConnection(database.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync(TestContext.CancellationToken);
        return connection;
    }

    private async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(TestContext.CancellationToken);
        return value is null or DBNull ? default : (T)value;
    }

    private sealed class StepRecorder : IMigrationObserver
    {
        public List<string> Steps { get; } = [];

        public Task BeforeStepAsync(MigrationStep step, CancellationToken cancellationToken)
        {
            Steps.Add($"{step.File.Version} part {step.Segment + 1} {step.Kind}{(step.StatementIndex >= 0 ? $" statement {step.StatementIndex + 1}" : "")}");
            return Task.CompletedTask;
        }
    }

    /// <summary>Lets the run go until the given step, then fails it there (once).</summary>
    private sealed class FaultAt(int step, Func<MigrationStep, Task> fault) : IMigrationObserver
    {
        private int _seen;

        public bool Fired { get; private set; }

        public async Task BeforeStepAsync(MigrationStep current, CancellationToken cancellationToken)
        {
            if (_seen++ == step)
            {
                Fired = true;
                await fault(current);
            }
        }
    }
}
