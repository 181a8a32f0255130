using Microsoft.Build.Framework;
using MigrationTasks.Backup;
using MigrationTasks.Release;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:Rollback -p:BackupPath=&lt;folder&gt; -p:ConfirmProduction=&lt;database&gt; [-p:MaintenanceState=&lt;maintenance.json&gt;]</c>:
/// restores a verified backup (the pre-migration one Migrate names) into production over what is there, proves the
/// result equals the backup (fingerprint, exact counts, checksums), then ends the maintenance mode Migrate left on.
/// </summary>
public sealed class RollbackProduction : DatabaseTask
{
    public string? BackupPath { get; set; }

    /// <summary>Production's database name, exactly: the confirmation that this is meant.</summary>
    public string? ConfirmProduction { get; set; }

    /// <summary>Migrate's maintenance.json: put the API role's access back once the restore is verified.</summary>
    public string? MaintenanceState { get; set; }

    public string? RestoreJobs { get; set; }

    /// <summary>Where the restore report goes (default <c>artifacts/rollback</c>).</summary>
    public string? RollbackDirectory { get; set; }

    [Output]
    public string? ReportPath { get; private set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(BackupPath))
        {
            throw Errors.Errors.RollbackNeedsBackup();
        }

        var maintenance = string.IsNullOrWhiteSpace(MaintenanceState) ? null : Release.MaintenanceState.Read(MaintenanceState);
        var production = RequireConnection(nameof(ProductionUrlVariable), ProductionUrlVariable, "production");
        var restore = await DatabaseRestore.RestoreAsync(BackupPath, production, new RestoreOptions
        {
            ReportDirectory = ReportFolders.New(RollbackDirectory, Path.Combine("artifacts", "rollback")),
            Jobs = PropertyValues.Number(nameof(RestoreJobs), RestoreJobs, BackupOptions.DefaultJobs, 1, 64),
            Overwrite = true,
            TargetIsProduction = true,
            ConfirmProduction = ConfirmProduction,
            BinDirectory = string.IsNullOrWhiteSpace(PostgresBinDirectory) ? null : PostgresBinDirectory,
        }, EngineLog, cancellationToken).ConfigureAwait(false);
        ReportPath = restore.ReportPath;
        EngineLog.Info($"Rolled back: production ({production.Describe()}) equals the backup {restore.BackupFolder} (schema fingerprint, exact row counts, checksums).");
        if (maintenance is not null)
        {
            await Maintenance.EndAsync(production, maintenance, EngineLog, cancellationToken).ConfigureAwait(false);
        }
    }
}
