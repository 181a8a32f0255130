using MigrationTasks.Connections;
using MigrationTasks.Errors;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Conformance;

/// <summary>
/// The databases of a conformance run on one server: a case's state built from its SQL (and seed), copies of it,
/// scripts applied with psql, and the normalised <c>pg_dump --schema-only</c> that serves as the independent oracle.
/// </summary>
public sealed class CorpusDatabases(IPostgresServer server, PostgresInstallation binaries)
{
    public DatabaseConnection Database(string name) => server.Connection.WithDatabase(name).With(b => b.Pooling = false);

    /// <summary>A new database from the state's SQL and its optional seed.</summary>
    public async Task BuildAsync(string database, string state, string? seed, CancellationToken cancellationToken)
    {
        await CopyAsync("template0", database, cancellationToken);
        await PostgresTool.RunPsqlFileAsync(binaries, Database(database), state, null, cancellationToken);
        if (seed is not null)
        {
            await PostgresTool.RunPsqlFileAsync(binaries, Database(database), seed, null, cancellationToken);
        }
    }

    /// <summary>
    /// A copy of <paramref name="template"/> (nobody may be connected to it). FILE_COPY: a file-level copy of a small
    /// database costs a few milliseconds; the default (WAL_LOG) costs several times more.
    /// </summary>
    public Task CopyAsync(string template, string database, CancellationToken cancellationToken) =>
        ExecuteAsync($"CREATE DATABASE {SqlQuote.Identifier(database)} TEMPLATE {SqlQuote.Identifier(template)} STRATEGY FILE_COPY", cancellationToken);

    public async Task<string> DumpAsync(string database, CancellationToken cancellationToken) =>
        (await PostgresTool.RunAsync(binaries, "pg_dump", Database(database), ["--schema-only", "--no-password"], cancellationToken)).StandardOutput;

    public async Task<IReadOnlyList<string>> NormalizedDumpAsync(string database, CancellationToken cancellationToken) =>
        SchemaDump.Normalize(await DumpAsync(database, cancellationToken));

    /// <summary>Runs a script with psql (stopping at the first error); null when it ran, else the error.</summary>
    public async Task<string?> ApplyAsync(string database, string file, bool singleTransaction, CancellationToken cancellationToken)
    {
        try
        {
            string[] arguments = singleTransaction ? ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", file] : ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file];
            await PostgresTool.RunAsync(binaries, "psql", Database(database), arguments, cancellationToken);
            return null;
        }
        catch (MigrationTasksException exception)
        {
            return exception.Message;
        }
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server.Connection.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Best effort: the server is thrown away after the run.</summary>
    public async Task DropAsync(string database)
    {
        try
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS {SqlQuote.Identifier(database)} WITH (FORCE)", CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // best effort: the server is thrown away after the run
        }
    }
}
