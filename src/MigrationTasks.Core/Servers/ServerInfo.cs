using System.Globalization;
using System.Net.Sockets;
using MigrationTasks.Connections;
using Npgsql;

namespace MigrationTasks.Servers;

/// <summary>Connecting with coded errors, and reading what a server is.</summary>
public static class ServerInfo
{
    /// <summary>
    /// Opens a connection, turning the usual failures (wrong password, unreachable host, missing database)
    /// into <c>MT0012</c> with a secret-free message.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenAsync(DatabaseConnection target, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(target.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception exception) when (exception is NpgsqlException or SocketException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            var reason = exception switch
            {
                PostgresException { SqlState: "28P01" or "28000" } => "the password or user name was rejected",
                PostgresException { SqlState: "3D000" } => $"the database \"{target.Database}\" does not exist",
                PostgresException postgres => $"{postgres.SqlState}: {postgres.MessageText}",
                NpgsqlException { InnerException: SocketException socket } => $"the host is unreachable ({socket.SocketErrorCode})",
                NpgsqlException { InnerException: TimeoutException } or TimeoutException => "the connection timed out",
                _ => exception.Message,
            };
            throw Errors.Errors.ConnectionFailed(target.Describe(), reason, exception);
        }
    }

    /// <summary>The server's major.minor version, from <c>server_version_num</c>.</summary>
    public static async Task<Version> ReadVersionAsync(DatabaseConnection target, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(target, cancellationToken).ConfigureAwait(false);
        return await ReadVersionAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<Version> ReadVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select current_setting('server_version_num')", connection);
        var number = int.Parse((string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!, CultureInfo.InvariantCulture);
        return new Version(number / 10000, number % 10000);
    }
}
