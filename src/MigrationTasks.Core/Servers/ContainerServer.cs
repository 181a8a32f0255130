using System.Security.Cryptography;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using Testcontainers.PostgreSql;

namespace MigrationTasks.Servers;

/// <summary>
/// A throwaway server in a Docker container through Testcontainers (used when no local binaries exist and
/// Docker is reachable). Testcontainers' resource reaper removes the container if this process dies.
/// </summary>
public sealed class ContainerServer : IPostgresServer
{
    /// <summary>The image used when none is configured.</summary>
    public const string DefaultImage = "postgres:15";

    private readonly PostgreSqlContainer _container;

    private ContainerServer(PostgreSqlContainer container, DatabaseConnection connection, Version version)
    {
        _container = container;
        Connection = connection;
        ServerVersion = version;
    }

    public string Kind => "container";

    public DatabaseConnection Connection { get; }

    public Version ServerVersion { get; }

    /// <summary>Client tools run on the host, so none come with the container.</summary>
    public PostgresInstallation? Binaries => null;

    public static async Task<ContainerServer> StartAsync(string image, IEngineLog log, CancellationToken cancellationToken)
    {
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var container = new PostgreSqlBuilder(image)
            .WithUsername("postgres")
            .WithPassword(password)
            .WithDatabase("postgres")
            .Build();
        try
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
            var connection = DatabaseConnection.Create(container.Hostname, container.GetMappedPublicPort(PostgreSqlBuilder.PostgreSqlPort), "postgres", password, "postgres");
            var version = await ServerInfo.ReadVersionAsync(connection, cancellationToken).ConfigureAwait(false);
            log.Detail($"PostgreSQL {version} container '{image}' listening on {connection.Host}:{connection.Port}");
            return new ContainerServer(container, connection, version);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not Errors.MigrationTasksException)
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw Errors.Errors.ContainerFailed(image, exception.Message, exception);
        }
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
