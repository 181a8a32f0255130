namespace MigrationTasks.Servers;

/// <summary>How to start a throwaway local cluster.</summary>
public sealed record LocalClusterOptions
{
    /// <summary>The binaries to use (found by <see cref="PostgresInstallation.DiscoverAsync"/> when not given).</summary>
    public required PostgresInstallation Installation { get; init; }

    /// <summary>The port on 127.0.0.1; 0 picks a free one (and retries on a clash).</summary>
    public int Port { get; init; }

    /// <summary>Where cluster folders are created; default <c>&lt;temp&gt;/migrationtasks-clusters</c>.</summary>
    public string? Root { get; init; }

    /// <summary>The process whose end stops the server; default this process. Tests use a child process.</summary>
    public int OwnerProcessId { get; init; } = Environment.ProcessId;

    /// <summary>Starts the detached watchdog (off only in the test that proves the sweep works without it).</summary>
    public bool Watchdog { get; init; } = true;

    /// <summary>Extra server settings (<c>-c name=value</c>), on top of the throwaway defaults.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>How long to wait for the server to accept connections.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The default root folder for cluster folders.</summary>
    public static string DefaultRoot => Path.Combine(Path.GetTempPath(), "migrationtasks-clusters");
}
