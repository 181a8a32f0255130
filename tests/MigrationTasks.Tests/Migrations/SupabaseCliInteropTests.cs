using MigrationTasks.Migrations;
using MigrationTasks.Tests.Infrastructure;
using Npgsql;

namespace MigrationTasks.Tests.Migrations;

/// <summary>
/// Our history and the Supabase CLI's are the same history: what we write, the CLI reads (its own queries, its own
/// splitting, and the real CLI's migration list and db push), and what the CLI writes, we read.
/// </summary>
[TestClass]
public sealed class SupabaseCliInteropTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>
    /// Files with every construct a splitter can get wrong, none that a CLI release misreads (the npm CLI's TypeScript
    /// splitter still closes a BEGIN ATOMIC body at any END, e.g. a CASE's; the Go CLI and ours do not).
    /// </summary>
    private static readonly (string, string)[] Corpus =
    [
        ("20240101000000_quotes.sql",
            "-- strings, identifiers and comments that hold semicolons\ncreate table \"odd;name\" (\"semi;colon\" text default 'a;b', note text default 'it''s; fine');\n" +
            "/* a block; /* nested; */ still comment; */\ncomment on table \"odd;name\" is 'x -- y; z';\ninsert into \"odd;name\" values ('1;2', $$dollar; quoted$$), ('3', $tag$ $$; $tag$);\n-- trailing comment\n"),
        ("20240102000000_functions.sql",
            "create function plpgsql_fn() returns int language plpgsql as $fn$\nbegin\n  perform 1;\n  return 2;\nend;\n$fn$;\n\n" +
            "create function atomic_fn(a int) returns int language sql\nbegin atomic\n  select 1;\n  select a + 1;\nend;\n\n" +
            "create function public.atomic_name() returns int language sql as 'select 1';\n"),
        ("20240103000000_rule_and_do.sql",
            "create table log (v text);\ncreate rule keep as on insert to log do also (notify log; select 1);\n" +
            "do $$\ndeclare x int;\nbegin\n  x := 1;\n  insert into log values (x::text || ';');\nend $$;\n"),
        ("20240104000000_crlf_unicode.sql", "create table ünïcode (v text);\r\ninsert into ünïcode values ('😀; ok');\r\n"),
        ("20240105000000_wrapped.sql", "begin;\ncreate table wrapped (id int);\ncommit;\n"),
        ("20240106000000_index.sql", "create index concurrently ünïcode_v on ünïcode (v);\n"),
        ("20240107000000_empty.sql", "-- nothing but a comment\n"),
    ];

    [TestMethod]
    public async Task AHistoryWrittenByUsReadsBackWithTheCliQueriesAndTheCliSplit()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var set = MigrationFolder.Create(Corpus).Load();
        var report = await MigrationRunner.ApplyAsync(database.Connection, set, new ApplyOptions(), new TestLog(), TestContext.CancellationToken);
        Assert.IsTrue(report.Passed, report.Failure?.ToString());

        await using var connection = new NpgsqlConnection(database.Connection.ConnectionString);
        await connection.OpenAsync(TestContext.CancellationToken);
        var versions = new List<string>();
        await using (var list = new NpgsqlCommand(SupabaseHistorySql.ListVersions, connection))
        await using (var reader = await list.ExecuteReaderAsync(TestContext.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.CancellationToken))
            {
                versions.Add(reader.GetString(0));
            }
        }

        CollectionAssert.AreEqual(set.Files.Select(f => f.Version).ToArray(), versions.ToArray());
        await using var select = new NpgsqlCommand(SupabaseHistorySql.Select, connection);
        await using var rows = await select.ExecuteReaderAsync(TestContext.CancellationToken);
        while (await rows.ReadAsync(TestContext.CancellationToken))
        {
            var file = set.Find(rows.GetString(0))!;
            Assert.AreEqual(file.Name, rows.GetString(1));
            CollectionAssert.AreEqual(file.CliStatements.ToArray(), rows.GetFieldValue<string[]>(2), file.FileName);
        }
    }

    [TestMethod]
    public async Task TheRealCliRecordsTheSameStatementsListsOurHistoryAndFindsNothingToPush()
    {
        SupabaseCli.Require();
        await using var byCli = await TestServer.CreateDatabaseAsync();
        await using var byUs = await TestServer.CreateDatabaseAsync();
        var project = TestPaths.NewFolder("cli-project");
        var folder = Path.Combine(project, "supabase", "migrations");
        Directory.CreateDirectory(folder);
        foreach (var (name, sql) in Corpus)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, name), sql, TestContext.CancellationToken);
        }

        var push = await SupabaseCli.RunAsync(project, byCli.Connection, TestContext.CancellationToken, "db", "push", "--yes");
        Assert.AreEqual(0, push.ExitCode, push.StandardOutput + push.StandardError);
        var ours = await MigrationRunner.ApplyAsync(byUs.Connection, MigrationSet.Load(folder, new TestLog()), new ApplyOptions(), new TestLog(), TestContext.CancellationToken);
        Assert.IsTrue(ours.Passed, ours.Failure?.ToString());

        const string history = "select string_agg(version || ' ' || name || ' ' || statements::text, E'\\n' order by version) from supabase_migrations.schema_migrations";
        Assert.AreEqual(await byCli.ScalarAsync<string>(history), await byUs.ScalarAsync<string>(history), "the same rows, statement for statement");
        const string schema = "select string_agg(c.relname || ':' || c.relkind::text, ',' order by c.relname) from pg_class c where c.relnamespace = 'public'::regnamespace";
        Assert.AreEqual(await byCli.ScalarAsync<string>(schema), await byUs.ScalarAsync<string>(schema));

        var list = await SupabaseCli.RunAsync(project, byUs.Connection, TestContext.CancellationToken, "migration", "list");
        Assert.AreEqual(0, list.ExitCode, list.StandardOutput + list.StandardError);
        foreach (var (name, _) in Corpus)
        {
            var version = name[..14];
            Assert.IsTrue(list.StandardOutput.Split('\n').Any(line => line.Split('|').Take(2).All(cell => cell.Contains(version, StringComparison.Ordinal))),
                $"{version} is listed as both local and remote:\n{list.StandardOutput}");
        }

        var again = await SupabaseCli.RunAsync(project, byUs.Connection, TestContext.CancellationToken, "db", "push", "--yes");
        Assert.AreEqual(0, again.ExitCode, again.StandardOutput + again.StandardError);
        Assert.Contains("up to date", again.StandardOutput + again.StandardError);

        // And the other way round: the history the CLI wrote is ours too, nothing pending, nothing changed.
        var log = new TestLog();
        var onCliHistory = await MigrationRunner.ApplyAsync(byCli.Connection, MigrationSet.Load(folder, new TestLog()), new ApplyOptions(), log, TestContext.CancellationToken);
        Assert.IsTrue(onCliHistory.Passed, onCliHistory.Failure?.ToString());
        Assert.AreEqual(0, onCliHistory.Applied);
        Assert.IsFalse(log.HasWarning("MT0327"), log.Text);
    }

    [TestMethod]
    public async Task RepairByUsAgreesWithTheCliRepair()
    {
        SupabaseCli.Require();
        await using var byCli = await TestServer.CreateDatabaseAsync();
        await using var byUs = await TestServer.CreateDatabaseAsync();
        var project = TestPaths.NewFolder("cli-repair");
        var folder = Path.Combine(project, "supabase", "migrations");
        Directory.CreateDirectory(folder);
        foreach (var (name, sql) in Corpus.Take(3))
        {
            await File.WriteAllTextAsync(Path.Combine(folder, name), sql, TestContext.CancellationToken);
        }

        var repair = await SupabaseCli.RunAsync(project, byCli.Connection, TestContext.CancellationToken, "migration", "repair", "20240101000000", "20240103000000", "--status", "applied");
        Assert.AreEqual(0, repair.ExitCode, repair.StandardOutput + repair.StandardError);
        await MigrationRepair.RepairAsync(byUs.Connection, MigrationSet.Load(folder, new TestLog()), ["20240101000000", "20240103000000"], RepairStatus.Applied,
            new ApplyOptions(), new TestLog(), TestContext.CancellationToken);

        const string history = "select string_agg(version || ' ' || name || ' ' || statements::text, E'\\n' order by version) from supabase_migrations.schema_migrations";
        Assert.AreEqual(await byCli.ScalarAsync<string>(history), await byUs.ScalarAsync<string>(history));
    }
}
