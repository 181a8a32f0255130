using MigrationTasks.Connections;
using MigrationTasks.Errors;
using MigrationTasks.Indexes;
using MigrationTasks.Sql;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Migrations;
using Npgsql;

namespace MigrationTasks.Tests.Indexes;

/// <summary>
/// AnalyzeIndexes' engine on real PostgreSQL: the app's workload on the migrated sample (the v3 tables filled by the
/// test data generator), and small workloads on tables made for one rule each.
/// </summary>
[TestClass]
public sealed class IndexAnalysisTests
{
    public TestContext TestContext { get; set; } = null!;

    private static IndexAnalysisOptions Options(long largeTableRows = 10_000) => new() { Source = "test", Runs = 3, LargeTableRows = largeTableRows };

    [TestMethod]
    public async Task OnTheMigratedSampleTheMissingBookingsIndexIsFoundVerifiedAndKeptAndTheCloneIsLeftAsItWas()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleWorkload);
        var indexesBefore = await IndexNamesAsync(database);
        var log = new TestLog();

        var analysis = await IndexAnalyzer.AnalyzeAsync(database.Connection, Workload.Load(TestTemplates.WorkloadFile), Options(), log, TestContext.CancellationToken);

        Assert.IsTrue(analysis.Passed);
        var message = analysis.ToMarkdown();
        // The drift the sample carries (bookings_adventure_id_idx dropped in an incident) shows up three ways.
        Assert.IsTrue(analysis.Findings.Any(f => f is { Kind: FindingKind.SequentialScan, Table: "public.bookings", Query: "vendor_bookings" }), message);
        Assert.IsTrue(analysis.Findings.Any(f => f.Kind == FindingKind.ForeignKeyWithoutIndex && f.Detail.Contains("bookings_adventure_id_fkey", StringComparison.Ordinal)), message);
        Assert.IsTrue(analysis.Findings.Any(f => f is { Kind: FindingKind.PolicyColumnWithoutIndex, Table: "public.bookings" } && f.Columns.SequenceEqual(["adventure_id"])), message);

        var kept = analysis.Proposals.Single(p => p.IsKept);
        Assert.AreEqual(("bookings_adventure_id_idx", "public.bookings (adventure_id)"), (kept.Name, kept.Definition.Describe()), message);
        var served = kept.Served.Select(g => g.Query).ToList();
        CollectionAssert.Contains(served, "vendor_bookings", message);
        Assert.IsTrue(kept.Served.All(g => g.AfterMs <= g.BeforeMs * 0.8), message);
        Assert.IsTrue(analysis.Proposals.Where(p => !p.IsKept).All(p => p.Status != ProposalStatus.Proposed), "every proposal was tried or ruled out: " + message);

        var vendorBookings = analysis.Queries.Single(q => q.Name == "vendor_bookings");
        CollectionAssert.Contains(vendorBookings.Before.SequentialScans, "public.bookings");
        Assert.IsEmpty(vendorBookings.After!.SequentialScans, message);
        CollectionAssert.Contains(vendorBookings.After.IndexesUsed, "bookings_adventure_id_idx");
        Assert.IsEmpty(analysis.RemainingSequentialScans, message);
        Assert.IsGreaterThan(analysis.AfterMs, analysis.BeforeMs);
        Assert.IsTrue(analysis.Queries.All(q => q.Before.Plan.Length > 0 && q.After!.Plan.Length > 0 && q.Before.RunsMs.Count == 3));

        // The clone ends as it began: every trial index is gone.
        CollectionAssert.AreEquivalent(indexesBefore, await IndexNamesAsync(database));
        Assert.IsFalse(log.HasWarning(IndexWarnings.SmallTables), log.Text);

        var file = Path.Combine(TestPaths.NewFolder("analysis"), "indexes.json");
        await File.WriteAllTextAsync(file, analysis.ToJson(), TestContext.CancellationToken);
        var loaded = IndexAnalysis.Load(file);
        Assert.AreEqual(kept.Definition.CreateSql(kept.Name, true, true), loaded.Kept.Single().Definition.CreateSql(loaded.Kept.Single().Name, true, true));
        StringAssert.Contains(await File.ReadAllTextAsync(file, TestContext.CancellationToken), "\"passed\": true");
    }

    [TestMethod]
    public async Task KeysFollowThePredicatesAConstantFilterMakesItPartialAndAnIndexThatDoesNotHelpIsDropped()
    {
        await using var database = await EventsDatabaseAsync();
        var workload = Workload.Parse("""
            -- @parameters
            select 42 as account, '2024-01-20' as since, 5 as minimum
            \gset

            -- @query logins
            -- An account's recent logins.
            select count(*) from public.events e
            where e.kind = 'login' and e.account_id = :'account'::int and e.happened_at >= :'since'::timestamptz;

            -- @query nearly_everything
            -- Almost every row qualifies: an index cannot beat reading the table.
            select sum(e.amount) from public.events e where e.amount >= :'minimum'::int;
            """, "events.sql");

        var analysis = await IndexAnalyzer.AnalyzeAsync(database.Connection, workload, Options(), new TestLog(), TestContext.CancellationToken);

        var message = analysis.ToMarkdown();
        var logins = analysis.Proposals.Single(p => p.Queries.Contains("logins") && p.Definition.Method == "btree");
        Assert.AreEqual("public.events (account_id, happened_at) WHERE kind = 'login'", logins.Definition.Describe(), "equality first, then the range; the constant becomes the predicate: " + message);
        Assert.AreEqual(("events_account_id_happened_at_idx", ProposalStatus.Kept), (logins.Name, logins.Status), message);
        Assert.AreEqual("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"events_account_id_happened_at_idx\" ON \"public\".\"events\" USING btree (\"account_id\", \"happened_at\") WHERE \"kind\" = 'login'",
            logins.Definition.CreateSql(logins.Name, concurrently: true, ifNotExists: true));

        var useless = analysis.Proposals.Single(p => p.Queries.Contains("nearly_everything"));
        Assert.AreEqual("public.events (amount)", useless.Definition.Describe(), message);
        Assert.IsFalse(useless.IsKept, message);
        Assert.IsTrue(useless.Status is ProposalStatus.NotUsed or ProposalStatus.NoGain, message);
        CollectionAssert.Contains(analysis.Queries.Single(q => q.Name == "nearly_everything").After!.SequentialScans, "public.events", "left as it is, and reported");
    }

    [TestMethod]
    public async Task OnEmptyV3TablesTheAnalysisSaysItCannotProveAnythingAndKeepsNothing()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        var log = new TestLog();

        var analysis = await IndexAnalyzer.AnalyzeAsync(database.Connection, Workload.Load(TestTemplates.WorkloadFile), Options(), log, TestContext.CancellationToken);

        Assert.IsTrue(log.HasWarning(IndexWarnings.SmallTables), log.Text);
        Assert.IsEmpty(analysis.Kept);
        Assert.IsTrue(analysis.Parameters.Values.All(v => v is null or "glacier hiking" or "kayaking" or "68.2" or "13.9" or "60" or "2025-07-01" or "2025-07-15"), "no data, no ids");
    }

    [TestMethod]
    public async Task ATrialIndexLeftByAnInterruptedRunIsDroppedAtTheNextStart()
    {
        await using var database = await EventsDatabaseAsync();
        await database.ExecuteAsync($"create index left_behind on public.events (amount); comment on index public.left_behind is {SqlQuote.Literal(IndexAnalyzer.TrialComment)}");
        var log = new TestLog();

        await IndexAnalyzer.AnalyzeAsync(database.Connection, Workload.Parse("-- @query all\n-- Everything.\nselect count(*) from public.events;\n", "w.sql"), Options(), log, TestContext.CancellationToken);

        Assert.IsTrue(log.HasWarning(IndexWarnings.LeftoverProbes), log.Text);
        CollectionAssert.DoesNotContain(await IndexNamesAsync(database), "left_behind");
    }

    [TestMethod]
    public async Task AFailingQueryIsReportedAtItsLineAndNoTrialIndexIsLeft()
    {
        await using var database = await EventsDatabaseAsync();
        var indexes = await IndexNamesAsync(database);
        var workload = Workload.Parse("-- @query fine\n-- Fine.\nselect count(*) from public.events;\n\n-- @query broken\n-- Broken.\nselect no_such_column\nfrom public.events;\n", "/repo/w.sql");

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => IndexAnalyzer.AnalyzeAsync(database.Connection, workload, Options(), new TestLog(), TestContext.CancellationToken));

        Assert.AreEqual(("MT0705", "/repo/w.sql", 7), (error.Code, error.File, error.Line), error.ToString());
        StringAssert.Contains(error.Message, "no_such_column");
        CollectionAssert.AreEquivalent(indexes, await IndexNamesAsync(database));
    }

    [TestMethod]
    public async Task AUserThatCannotTakeTheApiRolesGetsItsOwnError()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        var role = $"mt_plain_{Guid.NewGuid():N}"[..20];
        await database.ExecuteAsync($"create role {role} login password 'plain-secret'; grant create on schema public to {role}; create table public.t (id int)");
        try
        {
            var connection = database.Connection.With(b => { b.Username = role; b.Password = "plain-secret"; });
            var workload = Workload.Parse("-- @query as_anon\n-- As a visitor.\n-- @role anon\nselect count(*) from public.t;\n", "w.sql");

            var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => IndexAnalyzer.AnalyzeAsync(connection, workload, Options(), new TestLog(), TestContext.CancellationToken));

            Assert.AreEqual("MT0706", error.Code, error.ToString());
            StringAssert.Contains(error.Message, "'anon'");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await database.ExecuteAsync($"drop table public.t; revoke create on schema public from {role}; drop role {role}");
        }
    }

    /// <summary>A table made for the key-order rules: 60,000 events of 600 accounts, three kinds, a minute apart.</summary>
    private static async Task<TestDatabase> EventsDatabaseAsync()
    {
        var database = await TestServer.CreateDatabaseAsync();
        await database.ExecuteAsync("""
            create table public.events (id bigint generated always as identity primary key, account_id int not null, kind text not null, happened_at timestamptz not null, amount int not null);
            insert into public.events (account_id, kind, happened_at, amount)
            select g % 600, (array['login', 'view', 'buy'])[1 + g % 3], timestamptz '2024-01-01' + make_interval(mins => g), g % 100 from generate_series(1, 60000) g;
            analyze public.events;
            """);
        return database;
    }

    internal static async Task<List<string>> IndexNamesAsync(TestDatabase database) =>
        await database.ColumnAsync<string>("select indexrelid::regclass::text from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' order by 1");
}
