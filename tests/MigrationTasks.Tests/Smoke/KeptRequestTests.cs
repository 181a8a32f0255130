using MigrationTasks.Security.Emulation;
using MigrationTasks.Tests.Infrastructure;
using Npgsql;

namespace MigrationTasks.Tests.Smoke;

/// <summary>A kept request (a smoke step's write): its rows stay for the transaction, its role and claims do not.</summary>
[TestClass]
public sealed class KeptRequestTests
{
    private static readonly Guid UserId = Guid.Parse("a0000000-0000-4000-8000-00000000abcd");

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task AKeptWriteStaysForTheTransactionWhileTheRoleAndClaimsEndWithTheRequest()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        await using var connection = new NpgsqlConnection(database.Connection.ConnectionString);
        await connection.OpenAsync(TestContext.CancellationToken);
        var emulator = await PostgrestEmulator.AttachAsync(connection, new ApiSettings(), TestContext.CancellationToken);
        var user = ApiPersona.User("tess", UserId, "tess@example.com");
        await ExecuteAsync(connection, "BEGIN");
        await ExecuteAsync(connection, $"INSERT INTO auth.users (id, email, aud, role) VALUES ('{UserId}', 'tess@example.com', 'authenticated', 'authenticated')");

        var updated = await emulator.NestedRequestAsync(user, ApiRequest.Update("public", "profiles"),
            new NpgsqlBatchCommand($"UPDATE public.profiles SET bio = 'kept' WHERE id = '{UserId}'"), (reader, _) => Task.FromResult(reader.RecordsAffected),
            TestContext.CancellationToken, keepWrites: true);
        var failed = await Assert.ThrowsExactlyAsync<PostgresException>(() => emulator.NestedRequestAsync(user, ApiRequest.Update("public", "profiles"),
            new NpgsqlBatchCommand($"UPDATE public.profiles SET bio = 'then broken', id = gen_random_uuid() WHERE id = '{UserId}'"), (reader, _) => Task.FromResult(reader.RecordsAffected),
            TestContext.CancellationToken, keepWrites: true));
        var discarded = await emulator.NestedRequestAsync(user, ApiRequest.Update("public", "profiles"),
            new NpgsqlBatchCommand($"UPDATE public.profiles SET full_name = 'not kept' WHERE id = '{UserId}'"), (reader, _) => Task.FromResult(reader.RecordsAffected),
            TestContext.CancellationToken);

        Assert.AreEqual(1, updated);
        Assert.AreEqual(1, discarded);
        Assert.AreEqual("42501", failed.SqlState, "authenticated may not update profiles.id");
        Assert.AreEqual("kept|<null>", await ScalarAsync(connection, $"SELECT bio || '|' || coalesce(full_name, '<null>') FROM public.profiles WHERE id = '{UserId}'"),
            "the kept write stays, the failed one and the plain nested one are undone");
        Assert.AreEqual($"{TestServer.Server.Connection.Username}|{TestServer.Server.Connection.Username}|", await ScalarAsync(connection,
            "SELECT current_user || '|' || session_user || '|' || coalesce(current_setting('request.jwt.claims', true), '')"),
            "back to the connecting role, no claims, between requests");
        await ExecuteAsync(connection, "ROLLBACK");
        Assert.AreEqual(0L, await database.ScalarAsync<long>($"SELECT count(*) FROM auth.users WHERE id = '{UserId}'"));
    }

    private async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.CancellationToken);
    }

    private async Task<string?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string?)await command.ExecuteScalarAsync(TestContext.CancellationToken);
    }
}
