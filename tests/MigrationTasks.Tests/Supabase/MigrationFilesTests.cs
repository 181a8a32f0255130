using System.Globalization;
using System.Text.RegularExpressions;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Supabase;

/// <summary>
/// <c>supabase/migrations</c>: Supabase CLI files that apply to an empty Supabase-like database, need nothing
/// Supabase lacks, and build a schema that keeps the rules a Supabase schema should keep (the same rules
/// Supabase's linter checks): RLS everywhere, pinned search paths, invoker views, indexed foreign keys.
/// </summary>
[TestClass]
public sealed partial class MigrationFilesTests
{
    /// <summary>The API roles whose privileges RLS has to back up.</summary>
    private const string ApiRoles = "('anon', 'authenticated')";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void FilesAreNamedAsTheSupabaseCliNamesThem()
    {
        var names = TestTemplates.MigrationFiles.Select(Path.GetFileName).ToList();
        Assert.IsGreaterThanOrEqualTo(8, names.Count);

        var versions = new List<string>();
        foreach (var name in names)
        {
            var match = FileName().Match(name!);
            Assert.IsTrue(match.Success, $"{name} is not <14-digit UTC>_<snake_case>.sql");
            Assert.IsTrue(DateTime.TryParseExact(match.Groups[1].Value, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), name);
            versions.Add(match.Groups[1].Value);
        }

        CollectionAssert.AllItemsAreUnique(versions);
        CollectionAssert.AreEqual(versions.Order(StringComparer.Ordinal).ToList(), versions);
    }

    [TestMethod]
    public void FromTheAuthSchemaTheyUseOnlyWhatSupabaseHas()
    {
        var allowed = new[] { "users", "uid", "jwt", "role", "email" };
        foreach (var file in TestTemplates.MigrationFiles)
        {
            var used = AuthReference().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value).Distinct();
            Assert.IsEmpty(used.Except(allowed), $"{Path.GetFileName(file)} uses auth objects the layer provides but Supabase does not guarantee");
        }
    }

    [TestMethod]
    public async Task TheyApplyCleanlyToAnEmptySupabaseLikeDatabase()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);

        await TestTemplates.ApplyMigrationsAsync(database.Connection, TestTemplates.MigrationFiles, TestContext.CancellationToken);

        CollectionAssert.AreEquivalent(
            new[] { "adventures", "bookings", "follows", "group_trip_members", "group_trips", "notification_preferences", "notifications", "payments", "profiles", "reviews", "vendors" },
            await database.ColumnAsync<string>("select relname::text from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'"));
        Assert.AreEqual(1L, await database.ScalarAsync<long>("select count(*) from pg_trigger where tgrelid = 'auth.users'::regclass and tgname = 'on_auth_user_created'"));
    }

    /// <summary>
    /// On Supabase the migrations run as `postgres`, which is not a superuser (NOSUPERUSER, CREATEROLE, BYPASSRLS).
    /// Here they run as such a role, with only the privileges Supabase gives `postgres`, so nothing superuser-only
    /// can hide in them.
    /// </summary>
    [TestMethod]
    public async Task TheyNeedNoSuperuserAsOnSupabase()
    {
        var migrator = string.Create(CultureInfo.InvariantCulture, $"t_migrator_{Environment.ProcessId}");
        var database = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        try
        {
            await database.ExecuteAsync($"""
                create role {migrator} nologin nosuperuser nocreatedb createrole bypassrls;
                grant anon, authenticated, service_role to {migrator};
                alter database "{database.Name}" owner to {migrator};
                grant usage, create on schema extensions to {migrator};
                grant usage on schema auth to {migrator};
                grant select, references, trigger on auth.users to {migrator};
                alter default privileges for role {migrator} in schema public grant all on tables to anon, authenticated, service_role;
                alter default privileges for role {migrator} in schema public grant all on sequences to anon, authenticated, service_role;
                alter default privileges for role {migrator} in schema public grant all on functions to anon, authenticated, service_role;
                """);
            Assert.IsFalse(await database.ScalarAsync<bool>($"select rolsuper from pg_roles where rolname = '{migrator}'"));

            await TestTemplates.ApplyMigrationsAsync(database.Connection.With(b => b.Options = $"-c role={migrator}"), TestTemplates.MigrationFiles, TestContext.CancellationToken);

            Assert.AreEqual(0L, await database.ScalarAsync<long>($"select count(*) from pg_class where relnamespace = 'public'::regnamespace and relowner <> '{migrator}'::regrole"));
            Assert.AreEqual(11L, await database.ScalarAsync<long>("select count(*) from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'"));
        }
        finally
        {
            await database.DisposeAsync();
            await using var cleanup = await TestServer.CreateDatabaseAsync();
            await cleanup.ExecuteAsync($"drop role if exists {migrator}");
        }
    }

    [TestMethod]
    public async Task EveryExposedTableHasRlsAndAPolicyForEachCommandTheApiRolesMayRun()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);

        Assert.IsEmpty(await database.ColumnAsync<string>(
            "select relname::text from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p') and not relrowsecurity"), "tables without RLS");

        // Every (table, API role, command) the grants allow must be covered by a policy for that role and
        // command; otherwise RLS silently denies, which is a bug too.
        var uncovered = await database.ColumnAsync<string>($"""
            with granted as (
              select c.oid, c.relname, r.rolname, cmd
              from pg_class c
              cross join pg_roles r
              cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE']) cmd
              where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
                and r.rolname in {ApiRoles}
                and (has_table_privilege(r.oid, c.oid, cmd) or (cmd = 'UPDATE' and has_any_column_privilege(r.oid, c.oid, 'UPDATE')))
            )
            select format('%s %s %s', g.relname, g.rolname, g.cmd)
            from granted g
            where not exists (
              select 1 from pg_policies p
              where p.schemaname = 'public' and p.tablename = g.relname
                and (p.cmd = g.cmd or p.cmd = 'ALL')
                and (g.rolname = any (p.roles) or 'public' = any (p.roles))
            )
            order by 1
            """);
        Assert.IsEmpty(uncovered, "granted but without a policy: " + string.Join(", ", uncovered));

        // Anon never writes and never holds TRUNCATE (which RLS does not see).
        Assert.IsEmpty(await database.ColumnAsync<string>("""
            select relname::text from pg_class
            where relnamespace = 'public'::regnamespace and relkind in ('r', 'v')
              and has_table_privilege('anon', oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
            """));
        Assert.IsEmpty(await database.ColumnAsync<string>("""
            select relname::text from pg_class
            where relnamespace = 'public'::regnamespace and relkind = 'r' and has_table_privilege('authenticated', oid, 'TRUNCATE')
            """));
    }

    [TestMethod]
    public async Task FunctionsPinTheirSearchPathAndDefinersAreNotForAnonUnlessMeantToBe()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);

        Assert.IsEmpty(await database.ColumnAsync<string>("""
            select p.oid::regprocedure::text from pg_proc p
            where p.pronamespace = 'public'::regnamespace
              and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')
            """), "functions without a fixed search_path");

        CollectionAssert.AreEquivalent(
            new[] { "search_adventures(text,text[],numeric,numeric,numeric,numeric,integer)" },
            await database.ColumnAsync<string>("""
                select p.oid::regprocedure::text from pg_proc p
                where p.pronamespace = 'public'::regnamespace and p.prosecdef and p.prorettype <> 'trigger'::regtype
                  and has_function_privilege('anon', p.oid, 'EXECUTE')
                """),
            "the catalogue search is the only SECURITY DEFINER function anon may call");
        CollectionAssert.IsSubsetOf(
            new[] { "create_booking(uuid,daterange,integer)", "vendor_stats(uuid)", "search_adventures(text,text[],numeric,numeric,numeric,numeric,integer)", "handle_new_user()" },
            await database.ColumnAsync<string>("select oid::regprocedure::text from pg_proc where pronamespace = 'public'::regnamespace and prosecdef"));
    }

    [TestMethod]
    public async Task ViewsRunAsTheCallerAndPoliciesEvaluateAuthCallsOnce()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);

        Assert.IsEmpty(await database.ColumnAsync<string>("""
            select relname::text from pg_class
            where relnamespace = 'public'::regnamespace and relkind = 'v' and not coalesce('security_invoker=true' = any (reloptions), false)
            """), "views without security_invoker");

        // auth.uid() / is_admin() wrapped in (select ...) become an InitPlan, evaluated once per statement.
        var perRow = await database.ColumnAsync<string>("""
            select format('%s.%s', tablename, policyname) from pg_policies
            where schemaname = 'public'
              and (regexp_count(coalesce(qual, '') || coalesce(with_check, ''), 'auth\.uid\(\)') <> regexp_count(coalesce(qual, '') || coalesce(with_check, ''), 'SELECT auth\.uid\(\)')
                or regexp_count(coalesce(qual, '') || coalesce(with_check, ''), 'is_admin\(\)') <> regexp_count(coalesce(qual, '') || coalesce(with_check, ''), 'SELECT is_admin\(\)'))
            """);
        Assert.IsEmpty(perRow, "policies calling auth functions per row: " + string.Join(", ", perRow));
    }

    [TestMethod]
    public async Task ForeignKeysAreIndexedAndTablesHavePrimaryKeys()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);

        Assert.IsEmpty(await database.ColumnAsync<string>("""
            select c.conrelid::regclass::text || ' ' || c.conname from pg_constraint c
            where c.contype = 'f' and c.connamespace = 'public'::regnamespace
              and not exists (
                select 1 from pg_index i
                where i.indrelid = c.conrelid and i.indpred is null
                  and (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] = c.conkey)
            """), "foreign keys without a covering index");
        Assert.IsEmpty(await database.ColumnAsync<string>("""
            select relname::text from pg_class c where relnamespace = 'public'::regnamespace and relkind = 'r'
              and not exists (select 1 from pg_constraint p where p.conrelid = c.oid and p.contype = 'p')
            """));
    }

    [GeneratedRegex(@"^(\d{14})_([a-z0-9]+(?:_[a-z0-9]+)*)\.sql$")]
    private static partial Regex FileName();

    [GeneratedRegex(@"\bauth\.(\w+)")]
    private static partial Regex AuthReference();
}
