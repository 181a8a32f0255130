using System.Data;
using System.Text.Json.Nodes;
using Npgsql;

namespace MigrationTasks.Indexes;

/// <summary>
/// Runs a workload query the way the application's requests reach the database: one read-only transaction that sets
/// the API role and the JWT claims transaction-locally (<c>set_config(..., true)</c>, as PostgREST does, so nothing
/// outlives the request and it works through a transaction-mode pooler), then the statement, then a rollback.
/// </summary>
public static class WorkloadExecution
{
    /// <summary>search_path of an API request: the exposed schema, then extensions (config.toml's extra_search_path).</summary>
    private const string RequestSearchPath = "\"public\", \"extensions\"";

    /// <summary>The claims PostgREST puts in request.jwt.claims for the query's role and user.</summary>
    public static string? Claims(WorkloadQuery query, IReadOnlyDictionary<string, string?> parameters)
    {
        if (query.Role is null)
        {
            return null;
        }

        var claims = new JsonObject { ["role"] = query.Role };
        if (query.UserParameter is not null && parameters.TryGetValue(query.UserParameter, out var user) && user is not null)
        {
            claims["sub"] = user;
            claims["aud"] = "authenticated";
        }

        return claims.ToJsonString();
    }

    /// <summary>
    /// Runs <paramref name="body"/> inside the query's request transaction (read only, role and claims set,
    /// <paramref name="statementTimeout"/> as statement_timeout), then rolls it back.
    /// </summary>
    public static async Task<T> InRequestAsync<T>(NpgsqlConnection connection, WorkloadQuery query, IReadOnlyDictionary<string, string?> parameters,
        string statementTimeout, Func<NpgsqlTransaction, Task<T>> body, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
        {
            await readOnly.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var sql = "SELECT set_config('statement_timeout', $1, true), set_config('search_path', $2, true)";
        var claims = Claims(query, parameters);
        if (query.Role is not null)
        {
            sql += ", set_config('role', $3, true), set_config('request.jwt.claims', $4, true)";
        }

        await using (var setup = new NpgsqlCommand(sql, connection, transaction))
        {
            setup.Parameters.Add(new NpgsqlParameter { Value = statementTimeout });
            setup.Parameters.Add(new NpgsqlParameter { Value = RequestSearchPath });
            if (query.Role is not null)
            {
                setup.Parameters.Add(new NpgsqlParameter { Value = query.Role });
                setup.Parameters.Add(new NpgsqlParameter { Value = claims ?? "{}" });
            }

            await setup.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await body(transaction).ConfigureAwait(false);
        }
        finally
        {
            if (connection.State == ConnectionState.Open)
            {
                await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs the query as the application would and reads every row; returns the row count.</summary>
    public static Task<int> ExecuteAsync(NpgsqlConnection connection, Workload workload, WorkloadQuery query, IReadOnlyDictionary<string, string?> parameters,
        string statementTimeout, CancellationToken cancellationToken)
    {
        var sql = Workload.Substitute(query.Sql, parameters, workload.File, query.Line);
        return InRequestAsync(connection, query, parameters, statementTimeout, async transaction =>
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var rows = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows++;
            }

            return rows;
        }, cancellationToken);
    }

    /// <summary>
    /// Runs the parameters query (read-only, as the connecting user) and returns its one row as name → text
    /// (each value as PostgreSQL writes it in JSON, which its input functions read back; null stays null).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string?>> ReadParametersAsync(NpgsqlConnection connection, Workload workload, CancellationToken cancellationToken)
    {
        if (workload.ParametersSql is null)
        {
            return new Dictionary<string, string?>(StringComparer.Ordinal);
        }

        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
            {
                await readOnly.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var command = new NpgsqlCommand(
                $"SELECT p.key, p.value FROM ({workload.ParametersSql}) AS parameters, LATERAL jsonb_each_text(to_jsonb(parameters)) AS p(key, value)",
                connection, transaction);
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var name = reader.GetString(0);
                    if (!values.TryAdd(name, reader.IsDBNull(1) ? null : reader.GetString(1)))
                    {
                        throw Errors.Errors.WorkloadParametersFailed("it returned more than one row", workload.File, workload.ParametersLine);
                    }
                }
            }

            if (values.Count == 0)
            {
                throw Errors.Errors.WorkloadParametersFailed("it returned no row", workload.File, workload.ParametersLine);
            }

            return values;
        }
        catch (PostgresException exception)
        {
            throw Errors.Errors.WorkloadParametersFailed($"{exception.SqlState}: {exception.MessageText}", workload.File, workload.ParametersLine);
        }
        finally
        {
            if (connection.State == ConnectionState.Open)
            {
                await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
