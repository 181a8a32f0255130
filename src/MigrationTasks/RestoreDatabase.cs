using MigrationTasks.Backup;
using MigrationTasks.Connections;
using MigrationTasks.Servers;
using MigrationTasks.Tasks.Infrastructure;
using Microsoft.Build.Framework;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:Restore -p:BackupPath=&lt;folder&gt; [-p:Database=staging|production] [-p:Overwrite=true] [-p:ConfirmProduction=&lt;name&gt;]</c>:
/// restores a verified backup (roles, schema, data, history) and proves the result equals its manifest. Staging
/// without STAGING_DATABASE_URL is an ephemeral server: the restore is then a trial that proves the backup restores.
/// </summary>
public sealed class RestoreDatabase : DatabaseTask
{
    /// <summary>A backup folder, or a folder of backups (the newest verified one is used).</summary>
    public string? BackupPath { get; set; }

    /// <summary><c>staging</c> (default) or <c>production</c>.</summary>
    public string? Database { get; set; }

    /// <summary>Drop what the backup restores when the target is not empty.</summary>
    public string? Overwrite { get; set; }

    /// <summary>Required to restore into production: production's database name, exactly.</summary>
    public string? ConfirmProduction { get; set; }

    /// <summary>pg_restore's parallel jobs; empty means one per core (2 to 8).</summary>
    public string? RestoreJobs { get; set; }

    /// <summary>Create the roles the target lacks first (default true).</summary>
    public string? RestoreRoles { get; set; }

    /// <summary>Where restore reports go (default <c>artifacts/restores</c>); each run gets a timestamped folder.</summary>
    public string? RestoreDirectory { get; set; }

    /// <summary>The restore's report (<c>restore.json</c>).</summary>
    [Output]
    public string? ReportPath { get; set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(BackupPath))
        {
            throw Errors.Errors.BackupNotFound("(BackupPath is not set)", "Restore needs -p:BackupPath=<backup folder>");
        }

        var database = PropertyValues.Database(Database, "staging");
        var options = new RestoreOptions
        {
            ReportDirectory = ReportFolders.New(RestoreDirectory, Path.Combine("artifacts", "restores")),
            Jobs = PropertyValues.Number(nameof(RestoreJobs), RestoreJobs, BackupOptions.DefaultJobs, 1, 64),
            Overwrite = PropertyValues.Flag(nameof(Overwrite), Overwrite, false),
            RestoreRoles = PropertyValues.Flag(nameof(RestoreRoles), RestoreRoles, true),
            TargetIsProduction = database == "production",
            ConfirmProduction = ConfirmProduction,
            BinDirectory = string.IsNullOrWhiteSpace(PostgresBinDirectory) ? null : PostgresBinDirectory,
            PoolerCheck = PoolerCheck(),
        };

        var production = ProductionConnection();
        if (database == "production")
        {
            var target = production ?? throw Errors.Errors.VariableNotSet(ProductionUrlVariable, "production");
            ReportPath = (await DatabaseRestore.RestoreAsync(BackupPath, target, options, EngineLog, cancellationToken).ConfigureAwait(false)).ReportPath;
            return;
        }

        var staging = StagingConnection();
        if (staging is not null)
        {
            RefuseProductionAsStaging(staging, production);
            ReportPath = (await DatabaseRestore.RestoreAsync(BackupPath, staging, options, EngineLog, cancellationToken).ConfigureAwait(false)).ReportPath;
            return;
        }

        // No staging server: restore into a throwaway one of at least the source's major version, as a trial restore.
        var manifest = BackupManifest.Read(BackupFolder.Resolve(BackupPath));
        await using var server = await EphemeralServers.AcquireAsync(
            ServerRequest() with { MinimumMajorVersion = manifest.Source.ServerVersionNumber / 10000 }, EngineLog, cancellationToken).ConfigureAwait(false);
        var ephemeral = server.Connection.WithDatabase(manifest.Source.Database);
        ReportPath = (await DatabaseRestore.RestoreAsync(BackupPath, ephemeral, options with { CreateDatabase = true }, EngineLog, cancellationToken)
            .ConfigureAwait(false)).ReportPath;
        EngineLog.Info($"{StagingUrlVariable} is not set, so the backup was restored into an ephemeral server, verified, and discarded with it.");
    }

    internal static void RefuseProductionAsStaging(DatabaseConnection staging, DatabaseConnection? production)
    {
        if (production is not null && string.Equals(staging.Host, production.Host, StringComparison.OrdinalIgnoreCase) && staging.Port == production.Port &&
            string.Equals(staging.Database, production.Database, StringComparison.Ordinal))
        {
            throw Errors.Errors.StagingIsProduction(staging.Describe());
        }
    }
}
