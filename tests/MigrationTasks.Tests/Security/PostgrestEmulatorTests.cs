using System.Globalization;
using System.Text.Json.Nodes;
using MigrationTasks.Security.Emulation;
using MigrationTasks.Sql;
using MigrationTasks.Tests.Infrastructure;
using Npgsql;

namespace MigrationTasks.Tests.Security;

/// <summary>
/// The engine's PostgREST emulation against Supabase's semantics: auth.uid(), auth.jwt(), auth.role() and
/// auth.email() read the claims of the request; the role is the JWT's; the session user is authenticator; the
/// impersonated role's settings apply; GET requests are READ ONLY; and nothing of a request (rows, role, claims,
/// settings) outlives it, in its own transaction or in a savepoint of a longer one.
/// </summary>
[TestClass]
public sealed class PostgrestEmulatorTests
{
    private static readonly Guid Tess = Guid.Parse("a1000000-0000-4000-8000-000000000001");
    private static TestDatabase? _database;

    public TestContext TestContext { get; set; } = null!;

    private static TestDatabase Database => _database ?? throw new InvalidOperationException("not initialised");

    private static ApiPersona Traveller => ApiPersona.User("traveller", Tess, "tess@example.test",
        appMetadata: new JsonObject { ["provider"] = "email", ["role"] = "admin" }, userMetadata: new JsonObject { ["nickname"] = "T" });

    [ClassInitialize]
    public static async Task CreateAsync(TestContext context)
    {
        _database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        await _database.ExecuteAsync($"insert into auth.users (id, email, raw_user_meta_data) values ('{Tess}', 'tess@example.test', '{{\"username\":\"tess_e\"}}')");
    }

    [ClassCleanup]
    public static async Task DropAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task AuthFunctionsReadTheRequestsClaimsAsOnSupabase()
    {
        await using var connection = await OpenAsync();
        var emulator = await PostgrestEmulator.AttachAsync(connection, new ApiSettings(), TestContext.CancellationToken);

        var signedIn = await ReadAsync(emulator, Traveller, "select auth.uid()::text, auth.role(), auth.email(), auth.jwt() ->> 'sub', auth.jwt() -> 'app_metadata' ->> 'role', " +
            "auth.jwt() -> 'user_metadata' ->> 'nickname', auth.jwt() ->> 'aal', (auth.jwt() ->> 'is_anonymous'), auth.jwt() ->> 'aud', public.is_admin()::text");
        CollectionAssert.AreEqual(new object?[] { Tess.ToString(), "authenticated", "tess@example.test", Tess.ToString(), "admin", "T", "aal1", "false", "authenticated", "true" }, signedIn);

        var anon = await ReadAsync(emulator, ApiPersona.Anonymous(), "select auth.uid()::text, auth.role(), auth.email(), auth.jwt() ->> 'role', (auth.jwt() ? 'sub')::text, public.is_admin()::text");
        CollectionAssert.AreEqual(new object?[] { null, "anon", null, "anon", "false", "false" }, anon, "PostgREST always puts the role in the claims; anon has no sub");

        var service = await ReadAsync(emulator, ApiPersona.Service(), "select auth.uid()::text, auth.role(), auth.jwt() ->> 'role'");
        CollectionAssert.AreEqual(new object?[] { null, "service_role", "service_role" }, service);
    }

    [TestMethod]
    public async Task TheRoleIsTheJwtsAndTheSessionUserIsTheAuthenticator()
    {
        await using var connection = await OpenAsync();
        var emulator = await PostgrestEmulator.AttachAsync(connection, new ApiSettings(), TestContext.CancellationToken);
        Assert.AreEqual(ImpersonationMode.Authenticator, emulator.Mode, "the test server's user is a superuser");

        foreach (var persona in new[] { ApiPersona.Anonymous(), Traveller, ApiPersona.Service() })
        {
            var who = await ReadAsync(emulator, persona, "select current_user::text, session_user::text, current_setting('search_path')");
            CollectionAssert.AreEqual(new object?[] { persona.Role, "authenticator", "\"public\", \"extensions\"" }, who, persona.Name);
        }

        var escape = await emulator.RequestAsync(Traveller, ApiRequest.Sql(), async (c, ct) => await SqlStateAsync(c, "set role postgres", ct), TestContext.CancellationToken);
        Assert.AreEqual("42501", escape, "authenticator can become the API roles only, as on Supabase");
    }

    [TestMethod]
    public async Task RowLevelSecurityAppliesToTheApiRolesAndServiceRoleBypassesIt()
    {
        await using var connection = await OpenAsync();
        var emulator = await PostgrestEmulator.AttachAsync(connection, new ApiSettings(), TestContext.CancellationToken);
        const string mine = "select count(*) from public.notifications";
        await Database.ExecuteAsync($"insert into public.notifications (recipient_id, kind) values ('{Tess}', 'trip_invite')");
        try
        {
            Assert.AreEqual(1L, (await ReadAsync(emulator, Traveller, mine))[0]);
            Assert.AreEqual(0L, (await ReadAsync(emulator, ApiPersona.User("other", Guid.NewGuid(), "o@example.test"), mine))[0]);
            Assert.AreEqual("42501", await emulator.RequestAsync(ApiPersona.Anonymous(), ApiRequest.Sql(), (c, ct) => SqlStateAsync(c, mine, ct), TestContext.CancellationToken), "anon has no grant");
            Assert.AreEqual(1L, (await ReadAsync(emulator, ApiPersona.Service(), mine))[0], "service_role is BYPASSRLS");
        }
        finally
        {
            await Database.ExecuteAsync("delete from public.notifications");
        }
    }

    [TestMethod]
    public async Task TheImpersonatedRolesSettingsApplyAndGetRequestsAreReadOnly()
    {
        await using var connection = await OpenAsync();
        var emulator = await PostgrestEmulator.AttachAsync(connection, new ApiSettings(), TestContext.CancellationToken);

        Assert.AreEqual("3s", (await ReadAsync(emulator, ApiPersona.Anonymous(), "select current_setting('statement_timeout')"))[0], "anon's own statement_timeout, as PostgREST applies it");
        Assert.AreEqual("8s", (await ReadAsync(emulator, Traveller, "select current_setting('statement_timeout')"))[0]);
        Assert.AreEqual("8s", (await ReadAsync(emulator, ApiPersona.Service(), "select current_setting('lock_timeout')"))[0], "authenticator's lock_timeout");

        var write = await emulator.RequestAsync(ApiPersona.Service(), ApiRequest.Select("public", "profiles"),
            (c, ct) => SqlStateAsync(c, "update public.profiles set bio = 'x'", ct), TestContext.CancellationToken);
        Assert.AreEqual("25006", write, "a GET runs READ ONLY");
        var rpc = await emulator.RequestAsync(ApiPersona.Service(), ApiRequest.Rpc("public", "is_admin", readOnly: true),
            (c, ct) => ScalarAsync(c, "select current_setting('transaction_read_only') || ' ' || current_setting('request.method') || ' ' || current_setting('request.path')", ct), TestContext.CancellationToken);
        Assert.AreEqual("on POST /rpc/is_admin", rpc);
    }

    [TestMethod]
    public async Task NothingARequestDoesPersistAndNoClaimOutlivesIt()
    {
        await using var connection = await OpenAsync();
        var emulator = await PostgrestEmulator.AttachAsync(connection, new ApiSettings(), TestContext.CancellationToken);
        var before = await Database.ScalarAsync<long>("select count(*) from public.profiles");

        var inserted = await emulator.RequestAsync(ApiPersona.Service(), ApiRequest.Insert("public", "profiles"), async (c, ct) =>
        {
            await using var command = new NpgsqlCommand("insert into auth.users (id, email) values (gen_random_uuid(), 'gone@example.test')", c);
            return await command.ExecuteNonQueryAsync(ct);
        }, TestContext.CancellationToken);

        Assert.AreEqual(1, inserted);
        Assert.AreEqual(before, await Database.ScalarAsync<long>("select count(*) from public.profiles"), "the sign-up trigger's profile is gone with the request");
        Assert.AreEqual(0L, await Database.ScalarAsync<long>("select count(*) from auth.users where email = 'gone@example.test'"));
        var after = await ScalarAsync(connection, "select current_user || ' ' || session_user || ' [' || coalesce(current_setting('request.jwt.claims', true), 'null') || '] ' || current_setting('statement_timeout')", TestContext.CancellationToken);
        Assert.AreEqual($"{Database.Connection.Username} {Database.Connection.Username} [] 0", after, "role, session user and settings are back; the claims read '' as after a PostgREST request");

        // The next request (another persona) sees none of the first one's claims, even when it reads only the legacy per-claim setting.
        var next = await ReadAsync(emulator, ApiPersona.Anonymous(), "select auth.uid()::text, current_setting('request.jwt.claim.sub', true)");
        CollectionAssert.AreEqual(new object?[] { null, null }, next);
    }

    [TestMethod]
    public async Task NestedRequestsRollBackToTheirSavepointSoTheNextOneSeesTheSameData()
    {
        await using var connection = await OpenAsync();
        var emulator = await PostgrestEmulator.AttachAsync(connection, new ApiSettings(), TestContext.CancellationToken);
        await using (var begin = new NpgsqlCommand("begin; insert into public.notifications (recipient_id, kind) values ('" + Tess + "', 'new_review')", connection))
        {
            await begin.ExecuteNonQueryAsync(TestContext.CancellationToken);
        }

        try
        {
            var deleted = await emulator.NestedRequestAsync(Traveller, ApiRequest.Delete("public", "notifications"), (c, ct) => ExecuteAsync(c, "delete from public.notifications", ct), TestContext.CancellationToken);
            var failed = await emulator.NestedRequestAsync(ApiPersona.Anonymous(), ApiRequest.Delete("public", "notifications"), (c, ct) => SqlStateAsync(c, "delete from public.notifications", ct), TestContext.CancellationToken);
            var seen = await emulator.NestedRequestAsync(Traveller, ApiRequest.Select("public", "notifications"), (c, ct) => ScalarAsync(c, "select count(*)::text || ' ' || current_user || ' ' || auth.uid()::text from public.notifications", ct), TestContext.CancellationToken);

            Assert.AreEqual(1, deleted);
            Assert.AreEqual("42501", failed, "an error inside a nested request leaves the outer transaction usable");
            Assert.AreEqual($"1 authenticated {Tess}", seen, "the first request's delete was rolled back with its savepoint");
            Assert.AreEqual($"{Database.Connection.Username} []", await ScalarAsync(connection, "select current_user || ' [' || current_setting('request.jwt.claims', true) || ']'", TestContext.CancellationToken));
        }
        finally
        {
            await using var rollback = new NpgsqlCommand("rollback", connection);
            await rollback.ExecuteNonQueryAsync(TestContext.CancellationToken);
        }

        Assert.AreEqual(0L, await Database.ScalarAsync<long>("select count(*) from public.notifications"));
    }

    [TestMethod]
    public async Task ANonSuperuserMemberOfTheApiRolesSwitchesRolesDirectlyAndOtherRolesAreRefused()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var member = "pf_member_" + suffix;
        var outsider = "pf_outsider_" + suffix;
        const string password = "member-password-1";
        await Database.ExecuteAsync($"create role {member} login password {SqlQuote.Literal(password)} in role anon, authenticated, service_role; " +
                                    $"create role {outsider} login password {SqlQuote.Literal(password)}; grant usage on schema public to {outsider}");
        try
        {
            await using (var connection = new NpgsqlConnection(Database.Connection.With(b => { b.Username = member; b.Password = password; b.Pooling = false; }).ConnectionString))
            {
                await connection.OpenAsync(TestContext.CancellationToken);
                var emulator = await PostgrestEmulator.AttachAsync(connection, new ApiSettings(), TestContext.CancellationToken);
                Assert.AreEqual(ImpersonationMode.MemberRole, emulator.Mode);
                var who = await ReadAsync(emulator, Traveller, "select current_user::text, session_user::text, auth.uid()::text");
                CollectionAssert.AreEqual(new object?[] { "authenticated", member, Tess.ToString() }, who);
            }

            await using (var connection = new NpgsqlConnection(Database.Connection.With(b => { b.Username = outsider; b.Password = password; b.Pooling = false; }).ConnectionString))
            {
                await connection.OpenAsync(TestContext.CancellationToken);
                var error = await Assert.ThrowsAsync<MigrationTasks.Errors.MigrationTasksException>(() => PostgrestEmulator.AttachAsync(connection, new ApiSettings(), TestContext.CancellationToken));
                Assert.AreEqual("MT0609", error.Code);
                Assert.Contains(outsider, error.Message);
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Database.ExecuteAsync($"drop role if exists {member}; drop owned by {outsider}; drop role if exists {outsider}");
        }
    }

    [TestMethod]
    [DoNotParallelize] // roles are cluster-wide: nothing else may run while they are changed
    public async Task WithoutTheApiRolesOrAnAuthenticatorThatCanEnterThemNothingRuns()
    {
        await using var connection = await OpenAsync();
        await Database.ExecuteAsync("revoke service_role from authenticator");
        try
        {
            var error = await Assert.ThrowsAsync<MigrationTasks.Errors.MigrationTasksException>(() => PostgrestEmulator.AttachAsync(connection, new ApiSettings(), TestContext.CancellationToken));
            Assert.AreEqual("MT0608", error.Code);
            Assert.Contains("authenticator is not a member of service_role", error.Message);
        }
        finally
        {
            await Database.ExecuteAsync("grant service_role to authenticator");
        }

        await Database.ExecuteAsync("alter role anon rename to anon_renamed_by_test");
        try
        {
            var error = await Assert.ThrowsAsync<MigrationTasks.Errors.MigrationTasksException>(() => PostgrestEmulator.AttachAsync(connection, new ApiSettings(), TestContext.CancellationToken));
            Assert.AreEqual("MT0608", error.Code);
            Assert.Contains("no role anon", error.Message);
        }
        finally
        {
            await Database.ExecuteAsync("alter role anon_renamed_by_test rename to anon");
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(Database.Connection.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync(TestContext.CancellationToken);
        return connection;
    }

    private Task<object?[]> ReadAsync(PostgrestEmulator emulator, ApiPersona persona, string sql) =>
        emulator.RequestAsync(persona, ApiRequest.Sql(), async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < reader.FieldCount; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i) is bool b ? b.ToString(CultureInfo.InvariantCulture) : reader.GetValue(i);
            }

            return values;
        }, TestContext.CancellationToken);

    private static async Task<string?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string?)await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string?> SqlStateAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return null;
        }
        catch (PostgresException exception)
        {
            return exception.SqlState;
        }
    }
}
