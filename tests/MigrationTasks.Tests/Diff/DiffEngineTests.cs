using MigrationTasks.Catalog;
using MigrationTasks.Catalog.Model;
using MigrationTasks.Diff;
using MigrationTasks.Diff.Classification;
using MigrationTasks.Diff.Reports;
using MigrationTasks.Diff.Sql;
using MigrationTasks.Errors;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tools;

namespace MigrationTasks.Tests.Diff;

/// <summary>The differ's behaviour on real databases: hazards, destructive statements, buckets, legacy objects, the Supabase profile.</summary>
[TestClass]
public sealed class DiffEngineTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task DestructiveStatementsAreCommentedOutWithTheReasonUnlessAllowed()
    {
        await using var desired = await DatabaseAsync("create table public.keep (id int primary key);");
        await using var actual = await DatabaseAsync("""
            create type public.mood as enum ('ok');
            create table public.keep (id int primary key, extra public.mood);
            create table public.scratch (id int);
            insert into public.keep values (1, 'ok');
            """);
        var (desiredCatalog, actualCatalog) = (await ReadAsync(desired), await ReadAsync(actual));

        var careful = SchemaDiffer.Compare(desiredCatalog, actualCatalog);
        var script = ScriptRenderer.Render(careful.Steps, "test");
        Assert.Contains("-- DROP TABLE \"public\".\"scratch\";", script);
        Assert.Contains("-- ALTER TABLE \"public\".\"keep\" DROP COLUMN \"extra\";", script);
        Assert.Contains("WITHHELD, destructive: drops table public.scratch and its rows", script);
        var dropType = careful.Steps.Single(s => s.Sql.StartsWith("DROP TYPE", StringComparison.Ordinal));
        Assert.IsNotNull(dropType.WithheldBecause, "the type is still used by the withheld column, so its drop is withheld too");
        await ApplyAsync(actual, script);
        Assert.AreEqual(1L, await actual.ScalarAsync<long>("select count(*) from public.keep where extra = 'ok'"), "nothing was dropped");

        var allowed = SchemaDiffer.Compare(desiredCatalog, actualCatalog, new DiffOptions { AllowDestructive = true });
        await ApplyAsync(actual, ScriptRenderer.Render(allowed.Steps, "test"));
        Assert.IsTrue(SchemaDiffer.Compare(desiredCatalog, await ReadAsync(actual)).IsEmpty);
    }

    [TestMethod]
    public async Task EachChangeCarriesItsHazards()
    {
        await using var desired = await DatabaseAsync("""
            create table public.t (id int primary key, amount bigint, note text);
            create index t_note_idx on public.t (note);
            alter table public.t enable row level security;
            create policy reader on public.t for select using (true);
            create view public.totals as select sum(amount) as total from public.t;
            """);
        await using var actual = await DatabaseAsync("create table public.t (id int primary key, amount int, note text, gone text); create view public.totals as select sum(amount) as total from public.t;");
        var diff = SchemaDiffer.Compare(await ReadAsync(desired), await ReadAsync(actual));

        HazardKind[] Of(string keyStart) => diff.Changes.Where(c => c.Key.StartsWith(keyStart, StringComparison.Ordinal)).SelectMany(c => c.Hazards).Select(h => h.Kind).Distinct().ToArray();
        CollectionAssert.IsSubsetOf(new[] { HazardKind.TableRewrite, HazardKind.AccessExclusiveLock }, Of("column \"public\".\"t\".\"amount\""));
        CollectionAssert.Contains(Of("index \"public\".\"t_note_idx\""), HazardKind.IndexBuild);
        CollectionAssert.Contains(Of("policy "), HazardKind.AuthorizationChange);
        CollectionAssert.Contains(Of("table \"public\".\"t\""), HazardKind.AuthorizationChange);
        CollectionAssert.Contains(Of("column \"public\".\"t\".\"gone\""), HazardKind.DataLoss);
        CollectionAssert.Contains(Of("view \"public\".\"totals\""), HazardKind.Replacement, "the view over the retyped column is dropped and created again");
    }

    [TestMethod]
    public async Task IndexesOnExistingTablesCanBeBuiltConcurrentlyAfterTheTransaction()
    {
        await using var desired = await DatabaseAsync("create table public.t (id int, note text); create index t_note_idx on public.t (note);");
        await using var actual = await DatabaseAsync("create table public.t (id int, note text);");
        var diff = SchemaDiffer.Compare(await ReadAsync(desired), await ReadAsync(actual), new DiffOptions { ConcurrentIndexes = true });
        var script = ScriptRenderer.Render(diff.Steps, "test");

        Assert.Contains("CREATE INDEX CONCURRENTLY t_note_idx ON public.t", script);
        Assert.IsGreaterThan(script.LastIndexOf("COMMIT;", StringComparison.Ordinal), script.IndexOf("CONCURRENTLY", StringComparison.Ordinal), "after the transaction");
        await ApplyAsync(actual, script);
        Assert.IsTrue(await actual.ScalarAsync<bool>("select indisvalid from pg_index where indexrelid = 'public.t_note_idx'::regclass"));
    }

    [TestMethod]
    public async Task ChangesAreSortedIntoDriftAndSecurity()
    {
        await using var desired = await DatabaseAsync("""
            create role diff_reader_role nologin;
            create table public.t (id int primary key, body text);
            create index t_body_idx on public.t (body);
            alter table public.t enable row level security;
            create policy own on public.t for select to diff_reader_role using (id > 0);
            grant select on public.t to diff_reader_role;
            create function public.f() returns int language sql security definer set search_path = '' as 'select 1';
            """);
        await using var actual = await DatabaseAsync("""
            create table public.t (id int primary key, body text);
            create policy own on public.t for select to diff_reader_role using (true);
            create function public.f() returns int language sql security definer as 'select 1';
            """);
        var diff = SchemaDiffer.Compare(await ReadAsync(desired), await ReadAsync(actual));
        DiffReport.Classify(diff.Changes);

        var security = diff.Changes.Where(c => c.Bucket == DiffBucket.Security).Select(c => c.Description).ToList();
        Assert.IsTrue(security.Any(d => d.Contains("row-level security enabled", StringComparison.Ordinal)), string.Join("\n", security));
        Assert.IsTrue(security.Any(d => d.Contains("USING changes", StringComparison.Ordinal)), string.Join("\n", security));
        Assert.IsTrue(security.Any(d => d.Contains("grant diff_reader_role:SELECT", StringComparison.Ordinal)), string.Join("\n", security));
        Assert.IsTrue(security.Any(d => d.Contains("search_path (not set) → \"\"", StringComparison.Ordinal)), string.Join("\n", security));
        Assert.AreEqual("new index", diff.Changes.Single(c => c.Bucket == DiffBucket.Drift).Description);
    }

    [TestMethod]
    public async Task LegacyObjectsAreListedAndKeptEvenWhenWhatTheyUseChanges()
    {
        await using var desired = await DatabaseAsync("create table public.bookings (id int primary key, amount bigint);");
        await using var actual = await DatabaseAsync("""
            create table public.bookings (id int primary key, amount int);
            create table public.v1_users (id serial primary key, email text);
            create view public.old_totals as select sum(amount) as total from public.bookings;
            create function public.legacy_lookup(p integer) returns int language sql as 'select 1';
            create table public.stray (id int);
            """);
        var folder = TestPaths.NewFolder("legacy");
        var config = Path.Combine(folder, "diff.toml");
        await File.WriteAllTextAsync(config, """
            [legacy]
            patterns = ["v1_*"]
            objects = ["public.old_totals", "public.legacy_lookup(integer)"]
            """, TestContext.CancellationToken);
        var (desiredCatalog, actualCatalog) = (await ReadAsync(desired), await ReadAsync(actual));

        var scope = DiffScope.Apply(desiredCatalog, actualCatalog, DiffProfile.None, DiffConfig.Load(config));
        var diff = SchemaDiffer.Compare(scope.Desired, actualCatalog, new DiffOptions { AllowDestructive = true });

        CollectionAssert.AreEquivalent(new[] { "public.legacy_lookup(p integer)", "public.old_totals", "public.v1_users", "public.v1_users_id_seq" },
            scope.Legacy.Select(l => l.Object.DisplayName).ToList());
        Assert.Contains("matches the pattern v1_*", scope.Legacy.First(l => l.Object.Name == "v1_users").Rule);
        Assert.IsTrue(diff.Changes.Any(c => c.Key == "table \"public\".\"stray\"" && c.Action == ChangeAction.Drop), "what no rule covers is drift");
        Assert.IsFalse(diff.Steps.Any(s => s.Sql.Contains("v1_users", StringComparison.Ordinal) && s.Sql.StartsWith("DROP", StringComparison.Ordinal)));

        // The legacy view over a column whose type changes is dropped and created again as it is.
        await ApplyAsync(actual, ScriptRenderer.Render(diff.Steps, "test"));
        Assert.AreEqual("bigint", await actual.ScalarAsync<string>("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'public.bookings'::regclass and attname = 'amount'"));
        Assert.AreEqual(1L, await actual.ScalarAsync<long>("select count(*) from pg_views where viewname = 'old_totals'"));
        Assert.AreEqual(1L, await actual.ScalarAsync<long>("select count(*) from pg_tables where tablename = 'v1_users'"));
    }

    [TestMethod]
    public async Task TheSupabaseProfileLeavesWhatSupabaseManagesAlone()
    {
        await using var desired = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        await desired.ExecuteAsync("create table public.notes (id int primary key, owner uuid references auth.users (id));");
        await using var actual = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        await actual.ExecuteAsync("""
            create table public.notes (id int primary key, owner uuid references auth.users (id));
            alter table auth.users add column internal_flag boolean;
            create table auth.sessions (id uuid primary key);
            create schema storage;
            create table storage.objects (id uuid primary key);
            alter default privileges in schema public revoke all on tables from anon;
            """);
        var (desiredCatalog, actualCatalog) = (await ReadAsync(desired), await ReadAsync(actual));

        var supabase = DiffScope.Apply(desiredCatalog, actualCatalog, DiffProfile.Supabase, DiffConfig.Empty);
        Assert.IsTrue(SchemaDiffer.Compare(supabase.Desired, actualCatalog).IsEmpty, string.Join("\n", SchemaDiffer.Compare(supabase.Desired, actualCatalog).Changes));
        Assert.IsGreaterThan(0, supabase.IgnoredCount);

        var plain = DiffScope.Apply(desiredCatalog, actualCatalog, DiffProfile.None, DiffConfig.Empty);
        var keys = SchemaDiffer.Compare(plain.Desired, actualCatalog).Changes.Select(c => c.Key).ToList();
        CollectionAssert.Contains(keys, "table \"auth\".\"sessions\"");
        CollectionAssert.Contains(keys, "schema \"storage\"");
        Assert.IsTrue(keys.Any(k => k.StartsWith("default privileges", StringComparison.Ordinal)), string.Join("\n", keys));
    }

    [TestMethod]
    public async Task ABadConfigurationIsMT0203WithTheFileAndLine()
    {
        var folder = TestPaths.NewFolder("config");
        var broken = Path.Combine(folder, "broken.toml");
        await File.WriteAllTextAsync(broken, "[legacy]\npatterns = [\"v1_*\"\nobjects = 3\n", TestContext.CancellationToken);
        var syntax = Assert.ThrowsExactly<MigrationTasksException>(() => DiffConfig.Load(broken));
        Assert.AreEqual("MT0203", syntax.Code);
        Assert.AreEqual(broken, syntax.File);
        Assert.IsGreaterThan(0, syntax.Line);

        var everything = Path.Combine(folder, "everything.toml");
        await File.WriteAllTextAsync(everything, "[legacy]\n# all of it\npatterns = [\"*\"]\n", TestContext.CancellationToken);
        var wide = Assert.ThrowsExactly<MigrationTasksException>(() => DiffConfig.Load(everything));
        Assert.AreEqual(("MT0203", 3), (wide.Code, wide.Line));
        Assert.Contains("matches everything", wide.Message);

        var badName = Path.Combine(folder, "name.toml");
        await File.WriteAllTextAsync(badName, "[legacy]\nobjects = [\"no_schema\"]\n", TestContext.CancellationToken);
        Assert.AreEqual(2, Assert.ThrowsExactly<MigrationTasksException>(() => DiffConfig.Load(badName)).Line);

        Assert.AreSame(DiffConfig.Empty, DiffConfig.Load(Path.Combine(folder, "missing.toml")), "no file, no settings");
    }

    [TestMethod]
    public async Task TheNumberOfCatalogQueriesDoesNotGrowWithTheDatabase()
    {
        await using var small = await DatabaseAsync("create table public.t1 (id int primary key);");
        await using var large = await DatabaseAsync("do $$ begin for i in 1..200 loop execute format('create table public.t%s (id int primary key, v text default %L); create index on public.t%s (v);', i, i, i); end loop; end $$;");
        var (smallCatalog, largeCatalog) = (await ReadAsync(small), await ReadAsync(large));

        Assert.IsGreaterThan(smallCatalog.Objects.Count * 50, largeCatalog.Objects.Count);
        Assert.AreEqual(smallCatalog.Info.QueryCount, largeCatalog.Info.QueryCount);
    }

    [TestMethod]
    public async Task ACachedCatalogReadsBackAsTheSameSchema()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        var catalog = await ReadAsync(database);
        var file = Path.Combine(TestPaths.NewFolder("snapshot"), "catalog.json");

        await CatalogSnapshot.WriteAsync(catalog, file, TestContext.CancellationToken);
        var copy = await CatalogSnapshot.ReadAsync(file, TestContext.CancellationToken);

        Assert.IsNotNull(copy);
        Assert.AreEqual(catalog.Objects.Count, copy.Objects.Count);
        Assert.IsTrue(SchemaDiffer.Compare(catalog, copy).IsEmpty);
        Assert.IsTrue(SchemaDiffer.Compare(copy, catalog).IsEmpty);
        CollectionAssert.AreEquivalent(catalog.Dependencies.SelectMany(p => p.Value.Select(d => (p.Key, d))).ToList(), copy.Dependencies.SelectMany(p => p.Value.Select(d => (p.Key, d))).ToList());
        Assert.AreEqual(catalog.Info.BuiltInPrivileges['r'].Count, copy.Info.BuiltInPrivileges['r'].Count);
        await File.WriteAllTextAsync(file, "{ not json", TestContext.CancellationToken);
        Assert.IsNull(await CatalogSnapshot.ReadAsync(file, TestContext.CancellationToken), "a damaged cache is rebuilt, not trusted");
    }

    private async Task<TestDatabase> DatabaseAsync(string sql)
    {
        var database = await TestServer.CreateDatabaseAsync();
        await database.ExecuteAsync(sql);
        return database;
    }

    private async Task<DatabaseCatalog> ReadAsync(TestDatabase database) =>
        await CatalogReader.ReadAsync(database.Connection.With(b => b.Pooling = false), TestContext.CancellationToken);

    private async Task ApplyAsync(TestDatabase database, string script)
    {
        var file = Path.Combine(TestPaths.NewFolder("script"), "diff.sql");
        await File.WriteAllTextAsync(file, script, TestContext.CancellationToken);
        await PostgresTool.RunPsqlFileAsync(TestServer.Server.Binaries!, database.Connection, file, null, TestContext.CancellationToken);
    }
}
