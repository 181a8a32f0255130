using MigrationTasks.Connections;
using MigrationTasks.Pooler;
using MigrationTasks.Servers;

namespace MigrationTasks.Tasks.Infrastructure;

/// <summary>
/// The base of tasks that talk to production, staging or an ephemeral server: the connection variable
/// names and the settings for throwaway servers, shared by all of them.
/// </summary>
public abstract class DatabaseTask : MigrationTask
{
    /// <summary>Name of the environment variable holding production's URL (default PRODUCTION_DATABASE_URL).</summary>
    public string ProductionUrlVariable { get; set; } = "PRODUCTION_DATABASE_URL";

    /// <summary>Name of the environment variable holding staging's URL (default STAGING_DATABASE_URL).</summary>
    public string StagingUrlVariable { get; set; } = "STAGING_DATABASE_URL";

    /// <summary>A PostgreSQL bin folder to use for ephemeral servers and client tools; searched for when empty.</summary>
    public string? PostgresBinDirectory { get; set; }

    /// <summary>Where ephemeral cluster folders are created; the system temporary folder when empty.</summary>
    public string? PostgresClusterRoot { get; set; }

    /// <summary>The image for the Docker fallback (default postgres:15).</summary>
    public string? PostgresContainerImage { get; set; }

    /// <summary>
    /// Endpoints that are transaction-mode poolers (<c>host:port</c> or <c>*:port</c>, separated by spaces or '|'): migrations,
    /// the migration lock, backups and the index analysis refuse them (MT0720).
    /// </summary>
    public string? TransactionPoolers { get; set; }

    /// <summary>Whether to ask the server if it is reached through a transaction-mode pooler (default true).</summary>
    public bool TransactionPoolerProbe { get; set; } = true;

    /// <summary>The transaction-pooler check as the task's settings configure it.</summary>
    protected PoolerCheckOptions PoolerCheck() => new()
    {
        TransactionPoolers = PoolerCheckOptions.ParseList(TransactionPoolers),
        Probe = TransactionPoolerProbe,
    };

    /// <summary>The production connection, or null when the variable is unset.</summary>
    protected DatabaseConnection? ProductionConnection() => ResolveConnection(nameof(ProductionUrlVariable), ProductionUrlVariable);

    /// <summary>The staging connection, or null when the variable is unset (an ephemeral server is used then).</summary>
    protected DatabaseConnection? StagingConnection() => ResolveConnection(nameof(StagingUrlVariable), StagingUrlVariable);

    /// <summary>The connection of a named database (DatabaseTarget staging or production); MT0010 when its variable is unset.</summary>
    protected DatabaseConnection NamedConnection(string target) => target == DatabaseTarget.Staging
        ? RequireConnection(nameof(StagingUrlVariable), StagingUrlVariable, "staging")
        : RequireConnection(nameof(ProductionUrlVariable), ProductionUrlVariable, "production");

    /// <summary>A request for a throwaway server (or <paramref name="existing"/> when given), from the task's settings.</summary>
    protected ServerRequest ServerRequest(DatabaseConnection? existing = null) => new()
    {
        Existing = existing,
        BinDirectory = string.IsNullOrWhiteSpace(PostgresBinDirectory) ? null : PostgresBinDirectory,
        ClusterRoot = string.IsNullOrWhiteSpace(PostgresClusterRoot) ? null : PostgresClusterRoot,
        ContainerImage = string.IsNullOrWhiteSpace(PostgresContainerImage) ? null : PostgresContainerImage,
    };
}
