using Npgsql;

namespace MigrationTasks.Migrations;

/// <summary>
/// Sends statements one at a time, each alone in its own message sequence: an <see cref="NpgsqlBatch"/> of one
/// command, which Npgsql sends as written (no splitting on ';', no parameter rewriting), so a BEGIN ATOMIC
/// body arrives whole, error positions point into the text we hold, and CONCURRENTLY is never pipelined.
/// </summary>
internal sealed class SqlSession(NpgsqlConnection connection)
{
    public NpgsqlConnection Connection { get; } = connection;

    /// <summary>The server process serving this session (for pg_terminate_backend, pg_locks).</summary>
    public int BackendProcessId => Connection.ProcessID;

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var batch = Batch(sql, parameters);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<T?> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var batch = Batch(sql, parameters);
        var value = await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? default : (T)value;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var batch = Batch(sql, parameters);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>Rolls back an open transaction (outside one, PostgreSQL only warns); never throws: used on the way out of a failure.</summary>
    public async Task RollbackQuietlyAsync()
    {
        if (Connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await ExecuteAsync("ROLLBACK", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or IOException)
        {
            // The connection is gone: the server has rolled back already.
        }
    }

    private NpgsqlBatch Batch(string sql, object?[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        return new NpgsqlBatch(Connection) { BatchCommands = { command }, Timeout = 0 };
    }
}
