using System.Diagnostics;
using System.Text.Json;
using MigrationTasks.Backup.Fidelity;
using MigrationTasks.Common;
using MigrationTasks.Connections;

namespace MigrationTasks.Backup;

/// <summary>What <see cref="DatabaseClone.CloneAsync"/> does: the backup of production, the restore into staging, the proof.</summary>
public sealed record CloneOptions
{
    public required BackupOptions Backup { get; init; }

    /// <summary>The restore into staging; its report directory is also where <c>clone.json</c> goes.</summary>
    public required RestoreOptions Restore { get; init; }

    /// <summary>The fidelity checks; the schema diff against production joins <see cref="FidelityChecks.Default"/> once it exists.</summary>
    public IReadOnlyList<IFidelityCheck> Checks { get; init; } = FidelityChecks.Default;
}

/// <summary>A clone: the backup it came from, the restore, and the report.</summary>
public sealed record CloneResult(BackupResult Backup, RestoreResult Restore, string ReportPath);

/// <summary>
/// A 1:1 copy of production in staging: a verified backup of production (<see cref="DatabaseBackup"/>), restored into
/// staging (<see cref="DatabaseRestore"/>), then proven faithful by the fidelity checks: the same schema fingerprint,
/// the same exact row count in every table, the same content checksum on a sample of tables. Writes <c>clone.json</c>.
/// </summary>
public static class DatabaseClone
{
    public const string ReportFile = "clone.json";

    /// <summary>Clones; MT0410 when a fidelity check fails (the clone is left in place for inspection).</summary>
    public static async Task<CloneResult> CloneAsync(DatabaseConnection production, DatabaseConnection staging, CloneOptions options, IEngineLog log,
        CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var backup = await DatabaseBackup.CreateAsync(production, options.Backup, log, cancellationToken).ConfigureAwait(false);
        var backupSeconds = watch.Elapsed.TotalSeconds;
        var restore = await DatabaseRestore.RestoreUncheckedAsync(backup.Folder, staging, options.Restore, options.Checks, production, log, cancellationToken)
            .ConfigureAwait(false);

        var reportPath = Path.Combine(options.Restore.ReportDirectory, ReportFile);
        await using (var stream = File.Create(reportPath))
        {
            await JsonSerializer.SerializeAsync(stream, new
            {
                passed = restore.Fidelity.Passed,
                production = production.Describe(),
                staging = staging.Describe(),
                backup = backup.Folder,
                schemaFingerprint = backup.Manifest.Schema.Fingerprint,
                tables = backup.Manifest.Tables.Count,
                rows = backup.Manifest.Tables.Sum(t => t.Rows),
                checks = restore.Fidelity.Checks,
                restoreReport = restore.ReportPath,
                backupSeconds = Math.Round(backupSeconds, 3),
                restoreSeconds = Math.Round(watch.Elapsed.TotalSeconds - backupSeconds, 3),
                durationSeconds = Math.Round(watch.Elapsed.TotalSeconds, 3),
            }, BackupManifest.JsonOptions, cancellationToken).ConfigureAwait(false);
        }

        if (!restore.Fidelity.Passed)
        {
            throw Errors.Errors.CloneNotFaithful(staging.Describe(), restore.Fidelity.FailureSummary, reportPath);
        }

        log.Info($"Clone of {production.Describe()} in {staging.Describe()} is faithful ({restore.Fidelity.Checks.Count} checks passed) in {watch.Elapsed.TotalSeconds:0.0} s; report: {reportPath}");
        return new CloneResult(backup, restore, reportPath);
    }
}
