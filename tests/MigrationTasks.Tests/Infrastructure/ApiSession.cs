using System.Text.Json.Nodes;
using MigrationTasks.Connections;
using Npgsql;

namespace MigrationTasks.Tests.Infrastructure;

/// <summary>Who makes an API request: the JWT's role and claims, as Supabase Auth would issue them.</summary>
public sealed record Persona(string Role, Guid? UserId = null, string? Email = null, bool Admin = false)
{
    public static Persona Anon { get; } = new("anon");

    public static Persona ServiceRole { get; } = new("service_role");

    public static Persona User(Guid id, string email, bool admin = false) => new("authenticated", id, email, admin);

    /// <summary>The claims object PostgREST puts in <c>request.jwt.claims</c> (it always adds <c>role</c>).</summary>
    public string ClaimsJson()
    {
        var claims = new JsonObject { ["role"] = Role };
        if (UserId is { } id)
        {
            claims["sub"] = id.ToString();
            claims["aud"] = "authenticated";
            claims["email"] = Email;
            claims["app_metadata"] = Admin
                ? new JsonObject { ["provider"] = "email", ["role"] = "admin" }
                : new JsonObject { ["provider"] = "email" };
            claims["user_metadata"] = new JsonObject();
            claims["is_anonymous"] = false;
            claims["aal"] = "aal1";
        }

        return claims.ToJsonString();
    }
}

/// <summary>
/// A PostgREST stand-in for tests. The connection's session user is <c>authenticator</c>, as PostgREST's is, so
/// only the API roles can be entered; each request is one transaction that sets <c>search_path</c>, <c>role</c>
/// and <c>request.jwt.claims</c> with <c>set_config(..., true)</c> (transaction-local, exactly as PostgREST does),
/// runs the statement and rolls back, so nothing persists and no claim outlives its request.
/// </summary>
public sealed class ApiSession : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    private ApiSession(NpgsqlConnection connection) => _connection = connection;

    public static async Task<ApiSession> OpenAsync(DatabaseConnection database)
    {
        var connection = new NpgsqlConnection(database.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand("SET SESSION AUTHORIZATION authenticator", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new ApiSession(connection);
    }

    /// <summary>Runs <paramref name="request"/> as <paramref name="persona"/> in a transaction that is rolled back.</summary>
    public async Task<T> RunAsync<T>(Persona persona, Func<NpgsqlConnection, Task<T>> request)
    {
        await using var transaction = await _connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted);
        await using (var setup = new NpgsqlCommand(
            "SELECT set_config('search_path', '\"public\", \"extensions\"', true), set_config('role', @role, true), " +
            "set_config('request.jwt.claims', @claims, true), set_config('request.method', 'POST', true), set_config('request.headers', '{}', true)",
            _connection, transaction))
        {
            setup.Parameters.AddWithValue("role", persona.Role);
            setup.Parameters.AddWithValue("claims", persona.ClaimsJson());
            await setup.ExecuteNonQueryAsync();
        }

        try
        {
            return await request(_connection);
        }
        finally
        {
            await transaction.RollbackAsync();
        }
    }

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
