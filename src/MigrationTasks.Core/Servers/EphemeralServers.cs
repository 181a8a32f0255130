using MigrationTasks.Common;
using MigrationTasks.Connections;

namespace MigrationTasks.Servers;

/// <summary>What the caller wants from <see cref="EphemeralServers.AcquireAsync"/>.</summary>
public sealed record ServerRequest
{
    /// <summary>An existing server to use instead of starting one (for example STAGING_DATABASE_URL).</summary>
    public DatabaseConnection? Existing { get; init; }

    /// <summary>A bin folder to take the binaries from; when set it must hold them (no fallback).</summary>
    public string? BinDirectory { get; init; }

    /// <summary>Folders to search when <see cref="BinDirectory"/> is not set; null means the default search.</summary>
    public IReadOnlyList<string>? SearchDirectories { get; init; }

    /// <summary>The container image for the Docker fallback; null means <see cref="ContainerServer.DefaultImage"/>.</summary>
    public string? ContainerImage { get; init; }

    /// <summary>Whether Docker may be used when no local binaries are found.</summary>
    public bool AllowDocker { get; init; } = true;

    /// <summary>Where local cluster folders go; null means the default temporary root.</summary>
    public string? ClusterRoot { get; init; }

    /// <summary>The lowest server major version acceptable (a restore needs at least the source's).</summary>
    public int MinimumMajorVersion { get; init; }

    /// <summary>Extra settings for a local cluster.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Chooses where a throwaway database lives, in this order: an explicit URL, local PostgreSQL binaries, Docker.
/// When none is available it fails with MT0101, saying what to install.
/// </summary>
public static class EphemeralServers
{
    public static async Task<IPostgresServer> AcquireAsync(ServerRequest request, IEngineLog log, CancellationToken cancellationToken)
    {
        var installations = request.BinDirectory is not null
            ? await ExplicitAsync(request.BinDirectory, cancellationToken).ConfigureAwait(false)
            : await PostgresInstallation.DiscoverAsync(request.SearchDirectories ?? PostgresInstallation.DefaultSearchDirectories(), cancellationToken).ConfigureAwait(false);

        if (request.Existing is not null)
        {
            var existing = await ExistingServer.ConnectAsync(request.Existing, installations.FirstOrDefault(i => i.HasClient), cancellationToken).ConfigureAwait(false);
            log.Info($"Using the existing server {request.Existing.Describe()} (PostgreSQL {existing.ServerVersion}).");
            return existing;
        }

        var server = installations.FirstOrDefault(i => i.HasServer && i.Major >= request.MinimumMajorVersion);
        if (server is not null)
        {
            log.Info($"Starting an ephemeral PostgreSQL {server.Version} cluster from {server.BinDirectory}.");
            return await LocalCluster.StartAsync(
                new LocalClusterOptions { Installation = server, Root = request.ClusterRoot, Settings = request.Settings },
                log, cancellationToken).ConfigureAwait(false);
        }

        var tried = installations.Count == 0
            ? "no PostgreSQL server binaries were found"
            : $"the server binaries found ({string.Join(", ", installations.Where(i => i.HasServer).Select(i => $"{i.Version} in {i.BinDirectory}"))}) are missing or older than {request.MinimumMajorVersion}";
        if (request.AllowDocker)
        {
            var whyNot = await DockerProbe.WhyNotUsableAsync(cancellationToken).ConfigureAwait(false);
            if (whyNot is null)
            {
                var image = request.ContainerImage ?? ContainerServer.DefaultImage;
                log.Info($"No local PostgreSQL server binaries; starting the container image {image}.");
                return await ContainerServer.StartAsync(image, log, cancellationToken).ConfigureAwait(false);
            }

            tried += $"; Docker is not usable: {whyNot}";
        }
        else
        {
            tried += "; Docker was not allowed";
        }

        throw Errors.Errors.NoServerAvailable(tried);
    }

    private static async Task<IReadOnlyList<PostgresInstallation>> ExplicitAsync(string directory, CancellationToken cancellationToken)
    {
        var installation = await PostgresInstallation.ReadAsync(directory, cancellationToken).ConfigureAwait(false);
        if (installation is null || !installation.HasServer)
        {
            throw Errors.Errors.BinariesNotFound(directory, "initdb, pg_ctl and postgres");
        }

        return [installation];
    }
}
