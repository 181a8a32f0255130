using MigrationTasks.Connections;

namespace MigrationTasks.Servers;

/// <summary>
/// A PostgreSQL server the tool can create databases on: a throwaway local cluster, a container, or an
/// existing server given by URL. Disposing stops and deletes what the tool started (and leaves an existing
/// server alone).
/// </summary>
public interface IPostgresServer : IAsyncDisposable
{
    /// <summary>How this server was obtained: "local cluster", "container" or "existing server".</summary>
    string Kind { get; }

    /// <summary>A superuser (or the given user) connection to the server's maintenance database.</summary>
    DatabaseConnection Connection { get; }

    /// <summary>The server's version as reported by <c>server_version</c>, for example "15.18".</summary>
    Version ServerVersion { get; }

    /// <summary>The client and server binaries that match this server, when they are on this machine.</summary>
    PostgresInstallation? Binaries { get; }
}
