using MigrationTasks.Connections;

namespace MigrationTasks.Servers;

/// <summary>A server that already runs (given by URL). The tool uses it and never stops it.</summary>
public sealed class ExistingServer : IPostgresServer
{
    private ExistingServer(DatabaseConnection connection, Version version, PostgresInstallation? binaries)
    {
        Connection = connection;
        ServerVersion = version;
        Binaries = binaries;
    }

    public string Kind => "existing server";

    public DatabaseConnection Connection { get; }

    public Version ServerVersion { get; }

    public PostgresInstallation? Binaries { get; }

    /// <summary>Connects once to check the server is there and read its version.</summary>
    public static async Task<ExistingServer> ConnectAsync(DatabaseConnection connection, PostgresInstallation? binaries, CancellationToken cancellationToken) =>
        new(connection, await ServerInfo.ReadVersionAsync(connection, cancellationToken).ConfigureAwait(false), binaries);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
