using MigrationTasks.Backup;
using MigrationTasks.Servers;
using MigrationTasks.Tasks.Infrastructure;
using Microsoft.Build.Framework;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:Clone [-p:Overwrite=true]</c>: backs production up, restores it into staging (STAGING_DATABASE_URL, or an
/// ephemeral server that is discarded afterwards), and proves the clone faithful: schema fingerprint, exact row counts,
/// content checksums on a sample of tables. Without a configured production, the bundled sample production is cloned.
/// </summary>
public sealed class CloneDatabase : BackupingTask
{
    /// <summary>Drop what the backup restores when the staging database is not empty.</summary>
    public string? Overwrite { get; set; }

    /// <summary>pg_restore's parallel jobs; empty means one per core (2 to 8).</summary>
    public string? RestoreJobs { get; set; }

    /// <summary>Where clone reports go (default <c>artifacts/clones</c>); each run gets a timestamped folder.</summary>
    public string? CloneDirectory { get; set; }

    /// <summary>The backup of production the clone was made from.</summary>
    [Output]
    public string? BackupPath { get; set; }

    /// <summary>The clone's report (<c>clone.json</c>).</summary>
    [Output]
    public string? ReportPath { get; set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var backupOptions = ReadBackupOptions("production");
        var restoreOptions = new RestoreOptions
        {
            ReportDirectory = ReportFolders.New(CloneDirectory, Path.Combine("artifacts", "clones")),
            Jobs = PropertyValues.Number(nameof(RestoreJobs), RestoreJobs, BackupOptions.DefaultJobs, 1, 64),
            Overwrite = PropertyValues.Flag(nameof(Overwrite), Overwrite, false),
            BinDirectory = backupOptions.BinDirectory,
            PoolerCheck = backupOptions.PoolerCheck,
        };

        var staging = StagingConnection();
        if (staging is not null)
        {
            RestoreDatabase.RefuseProductionAsStaging(staging, ProductionConnection());
        }

        var (production, sampleServer) = await ProductionOrSampleAsync(cancellationToken).ConfigureAwait(false);
        await using var sample = sampleServer;

        // Fails in seconds with MT0012 when production is unreachable, before any server is started.
        var version = await ServerInfo.ReadVersionAsync(production, cancellationToken).ConfigureAwait(false);
        await using var server = staging is null
            ? await EphemeralServers.AcquireAsync(ServerRequest() with { MinimumMajorVersion = version.Major }, EngineLog, cancellationToken).ConfigureAwait(false)
            : null;
        var target = staging ?? server!.Connection.WithDatabase(production.Database);
        var clone = await DatabaseClone.CloneAsync(production, target, new CloneOptions
        {
            Backup = backupOptions,
            Restore = restoreOptions with { CreateDatabase = server is not null },
        }, EngineLog, cancellationToken).ConfigureAwait(false);

        BackupPath = clone.Backup.Folder;
        ReportPath = clone.ReportPath;
        if (server is not null)
        {
            EngineLog.Info($"{StagingUrlVariable} is not set, so the clone lived on an ephemeral server and is gone with it; set it to keep the clone.");
        }
    }
}
