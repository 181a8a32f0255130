using MigrationTasks.Errors;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tools;

namespace MigrationTasks.Tests.Supabase;

/// <summary><c>supabase/sample/supabase_layer.sql</c>: an empty plain-PostgreSQL database made Supabase-like.</summary>
[TestClass]
public sealed class SupabaseLayerTests
{
    /// <summary>What the layer owns, in one comparable text: roles, memberships, schemas, auth objects, grants, defaults.</summary>
    private const string Snapshot = """
        select string_agg(line, E'\n' order by line) from (
          select format('role %s login=%s inherit=%s bypassrls=%s super=%s config=%s', rolname, rolcanlogin, rolinherit, rolbypassrls, rolsuper, rolconfig)
          from pg_roles where rolname in ('anon', 'authenticated', 'service_role', 'authenticator', 'supabase_auth_admin')
          union all
          select format('member %s of %s', m.rolname, r.rolname)
          from pg_auth_members a join pg_roles r on r.oid = a.roleid join pg_roles m on m.oid = a.member
          where r.rolname in ('anon', 'authenticated', 'service_role') and m.rolname in ('authenticator', 'postgres')
          union all
          select format('schema %s owner=%s acl=%s', nspname, nspowner::regrole, nspacl) from pg_namespace where nspname in ('auth', 'extensions', 'public')
          union all
          select format('relation %s owner=%s acl=%s rls=%s', oid::regclass, relowner::regrole, relacl, relrowsecurity) from pg_class where relnamespace = 'auth'::regnamespace
          union all
          select format('function %s owner=%s acl=%s body=%s', oid::regprocedure, proowner::regrole, proacl, md5(prosrc)) from pg_proc where pronamespace = 'auth'::regnamespace
          union all
          select format('default %s %s %s %s', defaclrole::regrole, defaclnamespace::regnamespace, defaclobjtype, defaclacl) from pg_default_acl
          union all
          select format('extension %s in %s', extname, extnamespace::regnamespace) from pg_extension
        ) lines(line)
        """;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task OnItsOwnItTurnsAnEmptyDatabaseIntoAnEmptySupabaseLikeOne()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        await PostgresTool.RunPsqlFileAsync(TestTemplates.Binaries, database.Connection, TestTemplates.LayerScript, null, TestContext.CancellationToken);

        var roles = await database.ColumnAsync<string>("""
            select format('%s login=%s inherit=%s bypassrls=%s super=%s', rolname, rolcanlogin, rolinherit, rolbypassrls, rolsuper)
            from pg_roles where rolname in ('anon', 'authenticated', 'service_role', 'authenticator') order by rolname
            """);
        CollectionAssert.AreEqual(new[]
        {
            "anon login=f inherit=t bypassrls=f super=f",
            "authenticated login=f inherit=t bypassrls=f super=f",
            "authenticator login=t inherit=f bypassrls=f super=f",
            "service_role login=f inherit=t bypassrls=t super=f",
        }, roles);
        CollectionAssert.AreEquivalent(new[] { "anon", "authenticated", "service_role" }, await database.ColumnAsync<string>(
            "select r.rolname::text from pg_auth_members a join pg_roles r on r.oid = a.roleid where a.member = 'authenticator'::regrole"));

        Assert.AreEqual("supabase_auth_admin", await database.ScalarAsync<string>("select relowner::regrole::text from pg_class where oid = 'auth.users'::regclass"));
        Assert.IsTrue(await database.ScalarAsync<bool>("select relrowsecurity from pg_class where oid = 'auth.users'::regclass"));
        Assert.AreEqual(2L, await database.ScalarAsync<long>("select count(*) from pg_extension where extnamespace = 'extensions'::regnamespace and extname in ('uuid-ossp', 'pgcrypto')"));
        foreach (var role in new[] { "anon", "authenticated", "service_role" })
        {
            Assert.IsTrue(await database.ScalarAsync<bool>($"select has_schema_privilege('{role}', 'auth', 'USAGE') and has_schema_privilege('{role}', 'public', 'USAGE') and has_schema_privilege('{role}', 'extensions', 'USAGE')"), role);
        }

        Assert.IsFalse(await database.ScalarAsync<bool>("select has_table_privilege('anon', 'auth.users', 'SELECT') or has_table_privilege('authenticated', 'auth.users', 'SELECT')"), "auth.users is not API-readable");

        // Supabase's legacy default grants: a new table in public is fully granted to the API roles.
        await database.ExecuteAsync("create table public.todo (id int primary key)");
        Assert.IsTrue(await database.ScalarAsync<bool>("select has_table_privilege('anon', 'public.todo', 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')"));
        Assert.IsTrue(await database.ScalarAsync<bool>("select has_table_privilege('authenticated', 'public.todo', 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')"));
    }

    [TestMethod]
    public async Task RunningItAgainChangesNothing()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        var before = await database.ScalarAsync<string>(Snapshot);

        await PostgresTool.RunPsqlFileAsync(TestTemplates.Binaries, database.Connection, TestTemplates.LayerScript, null, TestContext.CancellationToken);

        Assert.AreEqual(before, await database.ScalarAsync<string>(Snapshot));
    }

    [TestMethod]
    public async Task ItRefusesToRunOnASupabaseServer()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        // Supabase's own supabase_admin role, created in a transaction that is never committed, so no other
        // session on the shared test server ever sees it.
        var script = Path.Combine(TestPaths.NewFolder("layer-on-supabase"), "run.sql");
        await File.WriteAllTextAsync(script, $"BEGIN;\nCREATE ROLE supabase_admin;\n\\i '{TestTemplates.LayerScript}'\nCOMMIT;\n", TestContext.CancellationToken);

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            PostgresTool.RunPsqlFileAsync(TestTemplates.Binaries, database.Connection, script, null, TestContext.CancellationToken));

        Assert.Contains("MT0901", error.Message);
        Assert.AreEqual(0L, await database.ScalarAsync<long>("select count(*) from pg_namespace where nspname = 'auth'"), "nothing was created");
        Assert.AreEqual(0L, await database.ScalarAsync<long>("select count(*) from pg_roles where rolname = 'supabase_admin'"));
    }

    [TestMethod]
    public async Task AuthFunctionsReadTheClaimsAsSupabasesDo()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        const string Sub = "6f1c5e1e-1111-4a4a-9b9b-000000000001";

        async Task<string> Ask(string settings, string expression)
        {
            await using var connection = new Npgsql.NpgsqlConnection(database.Connection.ConnectionString);
            await connection.OpenAsync(TestContext.CancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(TestContext.CancellationToken);
            if (settings.Length > 0)
            {
                await using var set = new Npgsql.NpgsqlCommand(settings, connection, transaction);
                await set.ExecuteNonQueryAsync(TestContext.CancellationToken);
            }

            await using var ask = new Npgsql.NpgsqlCommand($"select coalesce(({expression})::text, '<null>')", connection, transaction);
            return (string)(await ask.ExecuteScalarAsync(TestContext.CancellationToken))!;
        }

        // PostgREST 9+: the claims object.
        var claims = $$$"""select set_config('request.jwt.claims', '{"sub":"{{{Sub}}}","role":"authenticated","email":"a@example.com","app_metadata":{"role":"admin"}}', true);""";
        Assert.AreEqual(Sub, await Ask(claims, "auth.uid()"));
        Assert.AreEqual("authenticated", await Ask(claims, "auth.role()"));
        Assert.AreEqual("a@example.com", await Ask(claims, "auth.email()"));
        Assert.AreEqual("admin", await Ask(claims, "auth.jwt() -> 'app_metadata' ->> 'role'"));

        // Older PostgREST: one setting per claim, which wins over the object.
        var legacy = claims + " select set_config('request.jwt.claim.sub', '00000000-0000-4000-8000-00000000000a', true), set_config('request.jwt.claim.role', 'anon', true);";
        Assert.AreEqual("00000000-0000-4000-8000-00000000000a", await Ask(legacy, "auth.uid()"));
        Assert.AreEqual("anon", await Ask(legacy, "auth.role()"));

        // Missing or empty (what a transaction-local setting reads after its transaction): NULL, not an error.
        Assert.AreEqual("<null>", await Ask("", "auth.uid()"));
        Assert.AreEqual("<null>", await Ask("", "auth.jwt()"));
        Assert.AreEqual("<null>", await Ask("select set_config('request.jwt.claims', '', true), set_config('request.jwt.claim.sub', '', true);", "auth.uid()"));
        Assert.AreEqual("<null>", await Ask("""select set_config('request.jwt.claims', '{"role":"anon"}', true);""", "auth.uid()"));
        Assert.AreEqual("anon", await Ask("""select set_config('request.jwt.claims', '{"role":"anon"}', true);""", "auth.role()"));
    }
}
