using MigrationTasks.Errors;
using MigrationTasks.Sample;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tools;

namespace MigrationTasks.Tests.Sample;

/// <summary>
/// <c>psql -v scale=1 -f supabase/sample/production.sql</c>: the row counts, each kind of v1 dirt the data
/// migration relies on, the drift the differ must find, and the Supabase CLI history with pending migrations.
/// Read-only checks share one copy of the scale-1 sample; the others build their own.
/// </summary>
[TestClass]
public sealed class SampleProductionTests
{
    /// <summary>The legacy (v1) objects the sample holds; supabase/README.md lists the same, and cleanup must drop them all.</summary>
    public static readonly string[] LegacyObjects =
    [
        "function public.v1_booking_total(integer)",
        "function public.v1_parse_price(text)",
        "function public.v1_touch_updated_at()",
        "sequence public.v1_adventures_id_seq",
        "sequence public.v1_booking_ref_seq",
        "sequence public.v1_bookings_id_seq",
        "sequence public.v1_friendships_id_seq",
        "sequence public.v1_notifications_id_seq",
        "sequence public.v1_payments_id_seq",
        "sequence public.v1_reviews_id_seq",
        "sequence public.v1_users_id_seq",
        "sequence public.v1_vendors_id_seq",
        "table public.v1_adventures",
        "table public.v1_bookings",
        "table public.v1_friendships",
        "table public.v1_notifications",
        "table public.v1_payments",
        "table public.v1_reviews",
        "table public.v1_users",
        "table public.v1_vendors",
        "trigger v1_adventures_touch on public.v1_adventures",
        "type public.v1_user_role",
        "view public.v1_active_adventures",
        "view public.v1_booking_summary",
    ];

    private static TestDatabase? _sample;

    public TestContext TestContext { get; set; } = null!;

    private static TestDatabase Sample => _sample ?? throw new InvalidOperationException("not initialised");

    [ClassInitialize]
    public static async Task CopySampleAsync(TestContext context) => _sample = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);

    [ClassCleanup]
    public static async Task DropSampleAsync()
    {
        if (_sample is not null)
        {
            await _sample.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task RowCountsFollowTheScale()
    {
        var expected = new Dictionary<string, long>
        {
            ["public.v1_users"] = 8_160, ["public.v1_vendors"] = 200, ["public.v1_adventures"] = 1_000, ["public.v1_bookings"] = 25_000,
            ["public.v1_payments"] = 20_000, ["public.v1_reviews"] = 8_000, ["public.v1_friendships"] = 10_000, ["public.v1_notifications"] = 10_000,
        };
        foreach (var (table, rows) in expected)
        {
            Assert.AreEqual(rows, await Sample.ScalarAsync<long>($"select count(*) from {table}"), table);
        }

        // auth.users: the importable v1 users plus 400 v3-era sign-ups; one profile each.
        var imported = await Sample.ScalarAsync<long>("select count(*) from public.v1_users where auth_user_id is not null");
        Assert.IsTrue(imported is > 7_500 and < 8_000, $"{imported} imported users");
        Assert.AreEqual(imported + 400, await Sample.ScalarAsync<long>("select count(*) from auth.users"));
        Assert.AreEqual(imported + 400, await Sample.ScalarAsync<long>("select count(*) from public.profiles"));
        Assert.AreEqual(imported, await Sample.ScalarAsync<long>("select count(*) from auth.users u join public.v1_users v on v.auth_user_id = u.id and (u.raw_app_meta_data ->> 'v1_user_id')::int = v.id"));

        var total = await Sample.ScalarAsync<long>("""
            select ((select count(*) from auth.users) + (select count(*) from public.profiles)
                 + (select sum(c) from (select count(*) c from public.v1_users union all select count(*) from public.v1_vendors union all select count(*) from public.v1_adventures
                    union all select count(*) from public.v1_bookings union all select count(*) from public.v1_payments union all select count(*) from public.v1_reviews
                    union all select count(*) from public.v1_friendships union all select count(*) from public.v1_notifications) t))::bigint
            """);
        Assert.IsTrue(total is > 90_000 and < 110_000, $"scale 1 is about 100k rows, not {total}");
        Assert.AreEqual(0L, await Sample.ScalarAsync<long>("select count(*) from public.bookings"), "v3 business tables wait for the data migration");
    }

    [TestMethod]
    public async Task TheV1DataHasEachKindOfDirtTheDataMigrationHandles()
    {
        async Task Present(string what, string countSql)
        {
            var count = await Sample.ScalarAsync<long>(countSql);
            Assert.IsGreaterThan(0L, count, what);
        }

        // Text dates, in several formats, some empty, some impossible.
        await Present("ISO dates", @"select count(*) from public.v1_users where created_at ~ '^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$'");
        await Present("ISO 8601 dates", @"select count(*) from public.v1_users where created_at ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$'");
        await Present("DD/MM/YYYY dates", @"select count(*) from public.v1_users where created_at ~ '^\d{2}/\d{2}/\d{4}$'");
        await Present("'Mon DD, YYYY' dates", @"select count(*) from public.v1_users where created_at ~ '^[A-Z][a-z]{2} \d{2}, \d{4}$'");
        await Present("empty dates", "select count(*) from public.v1_users where created_at = ''");
        await Present("impossible dates", "select count(*) from public.v1_bookings where start_date like '%-02-30'");
        await Present("end before start", "select count(*) from public.v1_bookings where start_date ~ '^\\d{4}-\\d{2}-\\d{2}$' and end_date ~ '^\\d{4}-\\d{2}-\\d{2}$' and end_date < start_date");
        Assert.AreEqual("character varying", await Sample.ScalarAsync<string>("select data_type::text from information_schema.columns where table_name = 'v1_bookings' and column_name = 'start_date'"));

        // Money in text and in floats.
        foreach (var pattern in new[] { "^\\d+\\.\\d{2}$", "^\\d{1,3}(,\\d{3})+\\.\\d{2}$", "^€", " EUR$", "^TBD$", "^$" })
        {
            await Present($"prices like {pattern}", $"select count(*) from public.v1_adventures where price ~ '{pattern}'");
        }

        Assert.AreEqual("double precision", await Sample.ScalarAsync<string>("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'public.v1_bookings'::regclass and attname = 'total_price'"));
        Assert.AreEqual("real", await Sample.ScalarAsync<string>("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'public.v1_payments'::regclass and attname = 'amount'"));
        await Present("totals that are not whole cents", "select count(*) from public.v1_bookings where total_price::numeric <> round(total_price::numeric, 2)");

        // Integer ids where v3 uses uuid.
        Assert.AreEqual("integer", await Sample.ScalarAsync<string>("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'public.v1_bookings'::regclass and attname = 'id'"));
        Assert.AreEqual("uuid", await Sample.ScalarAsync<string>("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'public.bookings'::regclass and attname = 'id'"));

        // Denormalised copies, some stale.
        await Present("booking e-mails that differ from the user's", "select count(*) from public.v1_bookings b join public.v1_users u on u.id = b.user_id where b.user_email <> lower(btrim(u.email))");
        await Present("stale adventure titles", "select count(*) from public.v1_bookings b join public.v1_adventures a on a.id = b.adventure_id where b.adventure_title <> a.title");
        await Present("stale vendor names", "select count(*) from public.v1_adventures a join public.v1_vendors v on v.id = a.vendor_id where a.vendor_name <> v.company_name");
        await Present("stale owner e-mails", "select count(*) from public.v1_vendors v join public.v1_users u on u.id = v.user_id where v.owner_email <> u.email");

        // Nullable foreign keys (declared, and null in some rows).
        await Present("bookings without a user", "select count(*) from public.v1_bookings where user_id is null");
        await Present("adventures without a vendor", "select count(*) from public.v1_adventures where vendor_id is null");
        await Present("vendors without a user", "select count(*) from public.v1_vendors where user_id is null");
        Assert.AreEqual(3L, await Sample.ScalarAsync<long>("select count(*) from pg_constraint where contype = 'f' and conrelid::regclass::text like 'v1\\_%'"));

        // Orphans, where v1 declared no foreign key.
        await Present("bookings of deleted adventures", "select count(*) from public.v1_bookings b where not exists (select from public.v1_adventures a where a.id = b.adventure_id)");
        await Present("payments of missing bookings", "select count(*) from public.v1_payments p where not exists (select from public.v1_bookings b where b.id = p.booking_id)");
        await Present("reviews of missing adventures", "select count(*) from public.v1_reviews r where not exists (select from public.v1_adventures a where a.id = r.adventure_id)");
        await Present("notifications of missing users", "select count(*) from public.v1_notifications n where not exists (select from public.v1_users u where u.id = n.user_id)");

        // Duplicate e-mails that differ only in case (or blanks), and broken ones.
        await Present("case-variant duplicate e-mails", "select count(*) from (select lower(btrim(email)) from public.v1_users group by 1 having count(distinct email) > 1) d");
        await Present("e-mails with blanks", "select count(*) from public.v1_users where email <> btrim(email)");
        await Present("malformed e-mails", "select count(*) from public.v1_users where btrim(email) !~ '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'");

        // Soft deletes, three styles.
        await Present("soft-deleted users", "select count(*) from public.v1_users where is_deleted");
        await Present("deleted users without deleted_at", "select count(*) from public.v1_users where is_deleted and deleted_at is null");
        await Present("soft-deleted adventures", "select count(*) from public.v1_adventures where is_deleted = 1");
        await Present("soft-deleted reviews", "select count(*) from public.v1_reviews where deleted");

        // And the free-text and range problems the mapping has to decide on.
        await Present("several spellings of one status", "select count(distinct status) - 1 from public.v1_bookings where lower(btrim(status)) = 'confirmed'");
        await Present("cancelled flag contradicting status", "select count(*) from public.v1_bookings where cancelled = 1 and lower(btrim(status)) not in ('cancelled', 'canceled')");
        await Present("ratings outside 1-5", "select count(*) from public.v1_reviews where rating not between 1 and 5");
        await Present("self-friendships", "select count(*) from public.v1_friendships where user_id = friend_id");
        await Present("friendships stored in both directions", "select count(*) from public.v1_friendships a join public.v1_friendships b on a.user_id = b.friend_id and a.friend_id = b.user_id and a.id < b.id");
        await Present("invalid JSON in notifications", "select count(*) from public.v1_notifications where data !~ '^\\{\"'");
        await Present("group bookings", "select count(*) from (select group_code from public.v1_bookings where group_code is not null group by 1 having count(*) > 1) g");
        await Present("usernames equal but for case", "select count(*) from (select lower(username) from public.v1_users where username is not null group by 1 having count(distinct username) > 1) u");
        await Present("users without an auth account", "select count(*) from public.v1_users where auth_user_id is null and not is_deleted");
    }

    [TestMethod]
    public async Task TheLegacyObjectsAreExactlyTheListedOnes()
    {
        var found = await Sample.ColumnAsync<string>("""
            select 'table ' || c.oid::regclass::text from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname like 'v1\_%'
            union all select 'view ' || c.oid::regclass::text from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'v' and c.relname like 'v1\_%'
            union all select 'sequence ' || c.oid::regclass::text from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'S' and c.relname like 'v1\_%'
            union all select 'function ' || p.oid::regprocedure::text from pg_proc p where p.pronamespace = 'public'::regnamespace and p.proname like 'v1\_%'
            union all select 'type ' || t.oid::regtype::text from pg_type t where t.typnamespace = 'public'::regnamespace and t.typname like 'v1\_%' and t.typtype = 'e'
            union all select 'trigger ' || g.tgname || ' on ' || g.tgrelid::regclass::text from pg_trigger g where not g.tgisinternal and g.tgname like 'v1\_%'
            """);
        CollectionAssert.AreEquivalent(LegacyObjects.Select(o => o.Replace("public.", "", StringComparison.Ordinal)).ToList(),
            found.Select(o => o.Replace("public.", "", StringComparison.Ordinal)).ToList());
        Assert.AreEqual(0L, await Sample.ScalarAsync<long>("select count(*) from pg_class where relname like 'v1\\_%' and has_table_privilege('anon', oid, 'SELECT')"), "legacy objects are off the API");
    }

    [TestMethod]
    public void TheSupabaseReadmeListsExactlyTheseLegacyObjectsAndEveryDrift()
    {
        var readme = File.ReadAllText(Path.Combine(TestTemplates.SupabaseDirectory, "README.md"));
        var legacySection = readme[readme.IndexOf("### Legacy objects", StringComparison.Ordinal)..readme.IndexOf("### The dirt", StringComparison.Ordinal)];
        var listed = System.Text.RegularExpressions.Regex.Matches(legacySection, @"public\.(v1_\w+)").Select(m => m.Groups[1].Value)
            .Concat(System.Text.RegularExpressions.Regex.Matches(legacySection, @"`(v1_\w+)` on `public").Select(m => m.Groups[1].Value))
            .ToHashSet();
        var expected = LegacyObjects.Select(o => System.Text.RegularExpressions.Regex.Match(o, @"(v1_\w+)").Groups[1].Value).ToHashSet();
        CollectionAssert.AreEquivalent(expected.ToList(), listed.ToList(), "the README's legacy list is the contract the cleanup is held to");

        foreach (var drift in new[] { "public.profiles.instagram_handle", "public.bookings_adventure_id_idx", "public.adventures.currency", "\"Authors update their reviews\"",
                                      "public.search_adventures(", "public.follows", "public.create_booking(uuid, daterange, integer)", "public.adventure_cards" })
        {
            Assert.Contains(drift, readme[readme.IndexOf("### Drift", StringComparison.Ordinal)..readme.IndexOf("### Legacy objects", StringComparison.Ordinal)]);
        }
    }

    [TestMethod]
    public async Task TheDriftIsThere()
    {
        Assert.AreEqual(1L, await Sample.ScalarAsync<long>("select count(*) from pg_attribute where attrelid = 'public.profiles'::regclass and attname = 'instagram_handle' and not attisdropped"), "extra column");
        Assert.IsGreaterThan(0L, await Sample.ScalarAsync<long>("select count(*) from public.profiles where instagram_handle is not null"));
        Assert.IsTrue(await Sample.ScalarAsync<bool>("select to_regclass('public.bookings_adventure_id_idx') is null"), "missing index");
        Assert.AreEqual("'USD'::bpchar", await Sample.ScalarAsync<string>("select pg_get_expr(adbin, adrelid) from pg_attrdef where adrelid = 'public.adventures'::regclass and adnum = (select attnum from pg_attribute where attrelid = 'public.adventures'::regclass and attname = 'currency')"), "changed default");
        Assert.AreEqual("true", await Sample.ScalarAsync<string>("select with_check from pg_policies where tablename = 'reviews' and policyname = 'Authors update their reviews'"), "edited policy");
        Assert.AreEqual("(author_id = auth.uid())", await Sample.ScalarAsync<string>("select qual from pg_policies where tablename = 'reviews' and policyname = 'Authors update their reviews'"));
        StringAssert.Contains(await Sample.ScalarAsync<string>("select prosrc from pg_proc where oid = 'public.search_adventures'::regproc"), "1), 100)", "function body");
        Assert.IsFalse(await Sample.ScalarAsync<bool>("select relrowsecurity from pg_class where oid = 'public.follows'::regclass"), "RLS switched off");
        Assert.IsTrue(await Sample.ScalarAsync<bool>("select has_function_privilege('anon', 'public.create_booking(uuid, daterange, integer)', 'EXECUTE')"), "extra grant");
        Assert.IsTrue(await Sample.ScalarAsync<bool>("select reloptions is null from pg_class where oid = 'public.adventure_cards'::regclass"), "view without security_invoker");

        // Everything else the applied migrations made is as they made it, for example RLS on every other table.
        Assert.AreEqual(0L, await Sample.ScalarAsync<long>("select count(*) from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' and relname not like 'v1\\_%' and relname <> 'follows' and not relrowsecurity"));
    }

    [TestMethod]
    public async Task TheHistoryIsWhatTheSupabaseCliWroteWithTheNewestMigrationsPending()
    {
        var expected = MigrationHistoryScript.Applied(Path.Combine(TestTemplates.SupabaseDirectory, "migrations"));
        var versions = await Sample.ColumnAsync<string>("select version from supabase_migrations.schema_migrations order by version");
        CollectionAssert.AreEqual(expected.Select(m => m.Version).ToList(), versions);

        foreach (var migration in expected)
        {
            Assert.AreEqual(migration.Name, await Sample.ScalarAsync<string>($"select name from supabase_migrations.schema_migrations where version = '{migration.Version}'"));
            var statements = await Sample.ScalarAsync<string[]>($"select statements from supabase_migrations.schema_migrations where version = '{migration.Version}'");
            CollectionAssert.AreEqual(migration.Statements.ToList(), statements, migration.FileName);
        }

        // The table as the CLI creates it (and what `supabase migration list` reads).
        CollectionAssert.AreEqual(new[] { "version text not null", "statements text[] null", "name text null" }, await Sample.ColumnAsync<string>("""
            select format('%s %s %s', attname, format_type(atttypid, atttypmod), case when attnotnull then 'not null' else 'null' end)
            from pg_attribute where attrelid = 'supabase_migrations.schema_migrations'::regclass and attnum > 0 order by attnum
            """));
        Assert.AreEqual("PRIMARY KEY (version)", await Sample.ScalarAsync<string>("select pg_get_constraintdef(oid) from pg_constraint where conrelid = 'supabase_migrations.schema_migrations'::regclass and contype = 'p'"));
        Assert.IsTrue(await Sample.ScalarAsync<bool>("select to_regclass('supabase_migrations.seed_files') is not null"));

        // Pending migrations really are not applied.
        Assert.IsTrue(await Sample.ScalarAsync<bool>("select to_regclass('public.notification_preferences') is null"));
    }

    [TestMethod]
    public async Task ThePendingMigrationsApplyOnTopOfProduction()
    {
        await using var production = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        var applied = MigrationHistoryScript.Applied(Path.Combine(TestTemplates.SupabaseDirectory, "migrations")).Count;

        await TestTemplates.ApplyMigrationsAsync(production.Connection, TestTemplates.MigrationFiles.Skip(applied), TestContext.CancellationToken);

        Assert.IsTrue(await production.ScalarAsync<bool>("select to_regclass('public.notification_preferences') is not null"));
        Assert.AreEqual(8_160L, await production.ScalarAsync<long>("select count(*) from public.v1_users"));
    }

    [TestMethod]
    public async Task TheSameSeedGivesTheSameDatabaseAndAnotherSeedAnotherOne()
    {
        await using var again = await TestServer.CreateDatabaseAsync();
        await using var other = await TestServer.CreateDatabaseAsync();
        await BuildAsync(again, "1", "42");
        await BuildAsync(other, "1", "7");

        var sample = await ChecksumsAsync(Sample);
        CollectionAssert.AreEqual(sample, await ChecksumsAsync(again), "scale 1, seed 42 twice");
        var differing = sample.Zip(await ChecksumsAsync(other)).Count(pair => pair.First != pair.Second);
        Assert.AreEqual(sample.Count, differing, "another seed changes every table");
    }

    [TestMethod]
    [DataRow("0", "42")]
    [DataRow("abc", "42")]
    [DataRow("1001", "42")]
    [DataRow("1;drop table x", "42")]
    [DataRow("1", "x")]
    public async Task BadScaleOrSeedIsMT0903AndChangesNothing(string scale, string seed)
    {
        await using var database = await TestServer.CreateDatabaseAsync();

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => BuildAsync(database, scale, seed));

        Assert.Contains("MT0903", error.Message);
        await AssertUntouchedAsync(database);
    }

    [TestMethod]
    public async Task ANonEmptyDatabaseIsMT0904AndKeepsItsData()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        await database.ExecuteAsync("create table public.customers (id int primary key); insert into public.customers values (1)");

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => BuildAsync(database, "1", "42"));

        Assert.Contains("MT0904", error.Message);
        Assert.Contains("public.customers", error.Message);
        Assert.AreEqual(1L, await database.ScalarAsync<long>("select count(*) from public.customers"));
        Assert.IsTrue(await database.ScalarAsync<bool>("select to_regnamespace('auth') is null"));
    }

    [TestMethod]
    public async Task AFailureHalfwayLeavesTheDatabaseAsItWas()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        // An event trigger (allowed in an "empty" database) that rejects the views v1_objects.sql creates late in the build.
        await database.ExecuteAsync("""
            create schema extensions;
            create function extensions.refuse() returns event_trigger language plpgsql as $$ begin raise exception 'no views today'; end $$;
            create event trigger refuse_views on ddl_command_start when tag in ('CREATE VIEW') execute function extensions.refuse();
            """);

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => BuildAsync(database, "1", "42"));

        Assert.Contains("no views today", error.Message);
        Assert.AreEqual(0L, await database.ScalarAsync<long>("select count(*) from pg_class where relnamespace = 'public'::regnamespace"), "no table survived");
        Assert.IsTrue(await database.ScalarAsync<bool>("select to_regnamespace('auth') is null and to_regtype('public.v1_user_role') is null"));
    }

    private async Task BuildAsync(TestDatabase database, string scale, string seed) =>
        await PostgresTool.RunPsqlFileAsync(TestTemplates.Binaries, database.Connection, TestTemplates.ProductionScript,
            new Dictionary<string, string> { ["scale"] = scale, ["seed"] = seed }, TestContext.CancellationToken);

    private static async Task AssertUntouchedAsync(TestDatabase database)
    {
        Assert.AreEqual(0L, await database.ScalarAsync<long>("select count(*) from pg_class where relnamespace = 'public'::regnamespace"));
        Assert.IsTrue(await database.ScalarAsync<bool>("select to_regnamespace('auth') is null and to_regnamespace('supabase_migrations') is null"));
    }

    /// <summary>An order-independent checksum of every generated table's content.</summary>
    private static Task<List<string>> ChecksumsAsync(TestDatabase database) => database.ColumnAsync<string>("""
        select format('%s %s', t, md5(string_agg(r, E'\n' order by r)))
        from (
          select 'v1_users' t, x::text r from public.v1_users x union all select 'v1_vendors', x::text from public.v1_vendors x
          union all select 'v1_adventures', x::text from public.v1_adventures x union all select 'v1_bookings', x::text from public.v1_bookings x
          union all select 'v1_payments', x::text from public.v1_payments x union all select 'v1_reviews', x::text from public.v1_reviews x
          union all select 'v1_friendships', x::text from public.v1_friendships x union all select 'v1_notifications', x::text from public.v1_notifications x
          union all select 'auth.users', x::text from auth.users x union all select 'profiles', x::text from public.profiles x
        ) rows
        group by t order by t
        """);
}
