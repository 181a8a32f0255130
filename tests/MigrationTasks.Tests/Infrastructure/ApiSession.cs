using System.Text.Json.Nodes;
using MigrationTasks.Connections;
using MigrationTasks.Security.Emulation;
using Npgsql;

namespace MigrationTasks.Tests.Infrastructure;

/// <summary>Who makes an API request in a test: shorthand for the engine's <see cref="ApiPersona"/>.</summary>
public sealed record Persona(string Role, Guid? UserId = null, string? Email = null, bool Admin = false)
{
    public static Persona Anon { get; } = new("anon");

    public static Persona ServiceRole { get; } = new("service_role");

    public static Persona User(Guid id, string email, bool admin = false) => new("authenticated", id, email, admin);

    /// <summary>The persona as the engine emulates it (an admin carries <c>app_metadata.role = admin</c>, as GoTrue puts it in the JWT).</summary>
    public ApiPersona ToApiPersona() => UserId is { } id
        ? ApiPersona.User(Email ?? id.ToString(), id, Email,
            appMetadata: Admin ? new JsonObject { ["provider"] = "email", ["role"] = "admin" } : null, role: Role)
        : ApiPersona.Key(Role, Role);
}

/// <summary>
/// PostgREST for tests: a thin wrapper over the engine's <see cref="PostgrestEmulator"/> on a connection whose session
/// user is <c>authenticator</c>, as PostgREST's is (so only the API roles can be entered). Each call is one request:
/// a transaction that sets search_path, role and <c>request.jwt.claims</c> transaction-locally exactly as PostgREST
/// does, runs the statement and rolls back, so nothing persists and no claim outlives its request.
/// </summary>
public sealed class ApiSession : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly PostgrestEmulator _emulator;

    private ApiSession(NpgsqlConnection connection, PostgrestEmulator emulator)
    {
        _connection = connection;
        _emulator = emulator;
    }

    public static async Task<ApiSession> OpenAsync(DatabaseConnection database)
    {
        var connection = new NpgsqlConnection(database.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync();
        var emulator = await PostgrestEmulator.AttachAsync(connection, new ApiSettings(), CancellationToken.None, sessionAsAuthenticator: true);
        return new ApiSession(connection, emulator);
    }

    /// <summary>Runs <paramref name="request"/> as <paramref name="persona"/> in a transaction that is rolled back.</summary>
    public Task<T> RunAsync<T>(Persona persona, Func<NpgsqlConnection, Task<T>> request) =>
        _emulator.RequestAsync(persona.ToApiPersona(), ApiRequest.Sql(), (connection, _) => request(connection), CancellationToken.None);

    /// <summary>The single value <paramref name="sql"/> returns for <paramref name="persona"/>.</summary>
    public Task<T> ScalarAsync<T>(Persona persona, string sql) => RunAsync(persona, async connection =>
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? default! : (T)value!;
    });

    /// <summary>Rows affected by <paramref name="sql"/> for <paramref name="persona"/>.</summary>
    public Task<int> ExecuteAsync(Persona persona, string sql) => RunAsync(persona, async connection =>
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    });

    /// <summary>The SQLSTATE <paramref name="sql"/> fails with for <paramref name="persona"/>, or null when it succeeds.</summary>
    public Task<string?> SqlStateAsync(Persona persona, string sql) => RunAsync<string?>(persona, async connection =>
    {
        await using var savepoint = new NpgsqlCommand("SAVEPOINT request", connection);
        await savepoint.ExecuteNonQueryAsync();
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
            return null;
        }
        catch (PostgresException exception)
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK TO SAVEPOINT request", connection);
            await rollback.ExecuteNonQueryAsync();
            return exception.SqlState;
        }
    });

    /// <summary>The value of <paramref name="sql"/> outside any request (between transactions).</summary>
    public async Task<object?> OutsideRequestAsync(string sql)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
