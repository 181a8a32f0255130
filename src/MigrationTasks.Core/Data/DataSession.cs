using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Data.Spec;
using MigrationTasks.Servers;
using Npgsql;

namespace MigrationTasks.Data;

/// <summary>
/// A connection in one REPEATABLE READ transaction (one consistent snapshot, TimeZone UTC) in which the spec has been
/// checked and resolved into a <see cref="DataPlan"/>: the key-map schema, helper functions and key maps were created
/// inside the transaction when missing, so every expression could be planned. Disposing rolls everything back: the
/// database is as it was.
/// </summary>
public sealed class DataSession : IAsyncDisposable
{
    private DataSession(NpgsqlConnection connection, DataPlan plan)
    {
        Connection = connection;
        Plan = plan;
    }

    public NpgsqlConnection Connection { get; }

    public DataPlan Plan { get; }

    public static async Task<DataSession> OpenAsync(DatabaseConnection database, MappingSpec spec, string purpose, IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var connection = await ServerInfo.OpenAsync(database.With(b =>
        {
            b.Pooling = false;
            b.CommandTimeout = 0;
            b.ApplicationName = "MigrationTasks " + purpose;
            b.IncludeErrorDetail = true;
        }), cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var begin = new NpgsqlCommand("BEGIN ISOLATION LEVEL REPEATABLE READ; SET LOCAL TimeZone = 'UTC'; SET LOCAL lock_timeout = '5s'; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'", connection))
            {
                await begin.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var plan = await SpecValidator.ValidateAsync(spec, connection, log, cancellationToken).ConfigureAwait(false);
            return new DataSession(connection, plan);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Connection.State == System.Data.ConnectionState.Open)
            {
                await using var rollback = new NpgsqlCommand("ROLLBACK", Connection);
                await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (NpgsqlException)
        {
            // The connection is gone: the server rolled the transaction back itself.
        }

        await Connection.DisposeAsync().ConfigureAwait(false);
    }
}
