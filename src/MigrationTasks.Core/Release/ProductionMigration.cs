using System.Diagnostics;
using System.Globalization;
using MigrationTasks.Backup;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Diff.Desired;
using MigrationTasks.Errors;
using MigrationTasks.Migrations;
using MigrationTasks.Rehearsal;

namespace MigrationTasks.Release;

/// <summary>What <see cref="ProductionMigration"/> does to production.</summary>
public sealed record MigrateOptions
{
    public required DatabaseConnection Production { get; init; }

    public required string MigrationsDirectory { get; init; }

    /// <summary>A receipt.json, or the rehearsals folder (the newest receipt in it).</summary>
    public required string Receipt { get; init; }

    public TimeSpan ReceiptMaxAge { get; init; } = TimeSpan.FromHours(24);

    /// <summary>This run's folder, <c>artifacts/migrate/&lt;UTC timestamp&gt;/</c>.</summary>
    public required string ReportDirectory { get; init; }

    /// <summary>The backups before and after (label production).</summary>
    public required BackupOptions Backup { get; init; }

    public MaintenanceMode Maintenance { get; init; } = MaintenanceMode.None;

    /// <summary>The role maintenance mode locks out (the API's: authenticator on Supabase).</summary>
    public string MaintenanceRole { get; init; } = "authenticator";

    public IDataValidation? DataValidation { get; init; }

    /// <summary>Checks on migrated production (policies, smoke flows); they must leave it as they found it.</summary>
    public IReadOnlyList<IRehearsalCheck> Checks { get; init; } = [];

    public string? TemplatesDirectory { get; init; }

    /// <summary>Paths in reports and the rollback command are relative to this folder (the repository).</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>How the runner applies the files on production (lock and statement timeouts, the transaction-pooler check).</summary>
    public ApplyOptions Apply { get; init; } = new() { TargetName = "production" };

    /// <summary>The clock (tests move it to make a receipt stale).</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>The outcome: the run's record (same shape as a receipt), report and the pre-migration backup.</summary>
public sealed record MigrateResult(RehearsalReceipt Record, string RecordPath, string ReportPath, string? BackupBefore);

/// <summary>
/// Migrate: the real thing, gated by a rehearsal. Refuses without a passed, fresh receipt for this production and
/// these migrations; then optional maintenance mode, a verified backup, validation before, the pending migrations up
/// to the cleanup, validation after, the cleanup, the checks (policies, smoke), a backup after, maintenance off, and
/// report.md + migration.json. When a step fails once production has started to change, it stops, leaves maintenance
/// mode on, and raises MT0811 with the exact rollback command; before that, maintenance mode is always ended again.
/// </summary>
public static class ProductionMigration
{
    public const string RecordFile = "migration.json";

    public static async Task<MigrateResult> RunAsync(MigrateOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var migrations = MigrationSet.Load(options.MigrationsDirectory, log);
        var (receipt, receiptPath) = await ReceiptGate.CheckAsync(options.Receipt, options.Production, migrations, options.ReceiptMaxAge, options.Now, cancellationToken)
            .ConfigureAwait(false);
        log.Info($"Rehearsal receipt {Shown(receiptPath, options.RepositoryRoot)}: passed {ReceiptGate.Describe(options.Now - receipt.CreatedUtc)} ago, production fingerprint and migration set match.");

        var watch = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var folder = Path.GetFullPath(options.ReportDirectory);
        Directory.CreateDirectory(folder);
        var steps = new StepRecorder(log, folder);
        var production = options.Production;
        var applied = await AppliedMigrations.ReadAsync(production, cancellationToken).ConfigureAwait(false) ?? new HashSet<string>();
        var pending = migrations.Files.Where(f => !applied.Contains(f.Version)).ToList();
        var kinds = pending.Select(MigrationKinds.TemplateOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var (beforeCleanup, fromCleanup) = MigrationKinds.SplitAtCleanup(pending);
        var validation = options.DataValidation is not null && kinds.Contains(MigrationKinds.Data) ? options.DataValidation : null;
        var validationFolder = Path.Combine(folder, "validation");

        MaintenanceState? maintenance = null;
        BackupResult? before = null;
        var changing = false; // production may differ from the backup from here on: failures leave maintenance on
        try
        {
            if (options.Maintenance != MaintenanceMode.None)
            {
                maintenance = await steps.RunAsync("maintenance-on", $"Maintenance mode on ({options.Maintenance}, role {options.MaintenanceRole})", async step =>
                {
                    var state = await Maintenance.BeginAsync(production, options.Maintenance, options.MaintenanceRole, log, cancellationToken).ConfigureAwait(false);
                    var path = Path.Combine(folder, MaintenanceState.FileName);
                    state.Write(path);
                    step.Reports.Add(steps.Link(path));
                    step.Summary = $"{options.MaintenanceRole} locked out; the previous state is in {MaintenanceState.FileName}";
                    return state;
                }).ConfigureAwait(false);
                if (maintenance is null)
                {
                    return await FinishAsync("maintenance-on").ConfigureAwait(false);
                }
            }

            before = await steps.RunAsync("backup-before", "Back up production (verified)", async step =>
            {
                var backup = await DatabaseBackup.CreateAsync(production, options.Backup, log, cancellationToken).ConfigureAwait(false);
                step.Reports.Add(steps.Link(Path.Combine(backup.Folder, BackupManifest.FileName)));
                step.Summary = string.Create(CultureInfo.InvariantCulture, $"{backup.Manifest.Tables.Count} tables, {backup.Manifest.Tables.Sum(t => t.Rows):N0} rows, verified: {Shown(backup.Folder, options.RepositoryRoot)}");
                return backup;
            }).ConfigureAwait(false);
            if (before is null)
            {
                return await FinishAsync("backup-before").ConfigureAwait(false);
            }

            if (validation is not null && !await steps.RunAsync("validate-before", $"Validate the data before ({validation.Describe})",
                    step => RehearsalRunner.RecordAsync(steps, step, validation.BeforeAsync(production, validationFolder, log, cancellationToken), "validate-before", validationFolder)).ConfigureAwait(false))
            {
                return await FinishAsync("validate-before").ConfigureAwait(false);
            }

            changing = true;
            if (!await steps.RunAsync("apply", fromCleanup.Count > 0 ? "Apply the pending migrations up to the cleanup" : "Apply all pending migrations",
                    step => RehearsalRunner.ApplyAsync(steps, step, production, migrations, beforeCleanup, pending, Path.Combine(folder, "apply", "apply.json"), log, cancellationToken, options.Apply)).ConfigureAwait(false))
            {
                return await FinishAsync("apply").ConfigureAwait(false);
            }

            if (validation is not null && !await steps.RunAsync("validate-after", "Validate the data after (counts, checksums, spot checks, foreign keys)",
                    step => RehearsalRunner.RecordAsync(steps, step, validation.AfterAsync(production, validationFolder, log, cancellationToken), "validate-after", validationFolder)).ConfigureAwait(false))
            {
                return await FinishAsync("validate-after").ConfigureAwait(false);
            }

            if (fromCleanup.Count > 0 && !await steps.RunAsync("apply-cleanup", "Apply the cleanup and the migrations after it",
                    step => RehearsalRunner.ApplyAsync(steps, step, production, migrations, pending, pending, Path.Combine(folder, "apply", "apply-cleanup.json"), log, cancellationToken, options.Apply)).ConfigureAwait(false))
            {
                return await FinishAsync("apply-cleanup").ConfigureAwait(false);
            }

            foreach (var check in options.Checks)
            {
                var checkFolder = Path.Combine(folder, check.Name);
                if (!await steps.RunAsync(check.Name, check.Title,
                        step => RehearsalRunner.RecordAsync(steps, step, check.RunAsync(production, checkFolder, log, cancellationToken), check.Name, checkFolder)).ConfigureAwait(false))
                {
                    return await FinishAsync(check.Name).ConfigureAwait(false);
                }
            }

            if (!await steps.RunAsync("backup-after", "Back up migrated production (verified)", async step =>
                {
                    var backup = await DatabaseBackup.CreateAsync(production, options.Backup, log, cancellationToken).ConfigureAwait(false);
                    step.Reports.Add(steps.Link(Path.Combine(backup.Folder, BackupManifest.FileName)));
                    step.Summary = $"verified: {Shown(backup.Folder, options.RepositoryRoot)}";
                }).ConfigureAwait(false))
            {
                return await FinishAsync("backup-after").ConfigureAwait(false);
            }

            return await FinishAsync(null).ConfigureAwait(false);
        }
        catch when (maintenance is not null && !changing)
        {
            // Cancelled or broken before production changed: clients are let back in all the same.
            await EndMaintenanceAsync().ConfigureAwait(false);
            throw;
        }

        async Task EndMaintenanceAsync()
        {
            var state = maintenance;
            maintenance = null;
            await steps.RunAsync("maintenance-off", "Maintenance mode off", async step =>
            {
                await Maintenance.EndAsync(production, state!, log, CancellationToken.None).ConfigureAwait(false);
                step.Summary = $"{state!.Role} can connect again";
            }).ConfigureAwait(false);
        }

        async Task<MigrateResult> FinishAsync(string? failed)
        {
            var maintenanceFile = maintenance is null ? null : Path.Combine(folder, MaintenanceState.FileName);
            if (maintenance is not null && (failed is null || !changing))
            {
                await EndMaintenanceAsync().ConfigureAwait(false);
            }

            var record = new RehearsalReceipt
            {
                Passed = failed is null && steps.AllPassed,
                Tool = ApplyOptions.CurrentToolVersion,
                CreatedUtc = started,
                DurationSeconds = Math.Round(watch.Elapsed.TotalSeconds, 3),
                Production = receipt.Production with { Description = production.Describe(), Backup = before is null ? null : Shown(before.Folder, options.RepositoryRoot) },
                MigrationSet = receipt.MigrationSet with { Pending = [.. pending.Select(f => f.FileName)] },
                Steps = steps.Steps,
            };
            var recordPath = Path.Combine(folder, RecordFile);
            var notes = new List<string> { $"Authorised by the rehearsal receipt {Shown(receiptPath, options.RepositoryRoot)} ({receipt.CreatedUtc:yyyy-MM-dd HH:mm} UTC)." };
            string? rollback = null;
            if (failed is not null && changing && before is not null)
            {
                rollback = RollbackCommand(before.Folder, production.Database, maintenanceFile, options.RepositoryRoot);
                notes.Add($"Stopped at '{failed}'{(maintenance is null ? "" : "; maintenance mode is left ON")}. Roll back with: `{rollback}`");
            }

            record.Write(recordPath);
            var reportPath = RunReport.Write(folder, "Migration", record, notes, options.TemplatesDirectory);
            log.Info($"Migration {(record.Passed ? "passed" : "FAILED")} in {record.DurationSeconds:0.0} s: {reportPath}");
            if (failed is not null)
            {
                var cause = steps.FirstFailure?.Message ?? $"the step '{failed}' failed";
                throw rollback is null
                    ? steps.FirstFailure is { } first ? new MigrationTasksException(first.Code, $"{first.Message} Production was not changed.", first.Hint, first.File, first.Line, first.Column, first)
                        : Errors.Errors.CheckFailed(failed, cause, reportPath)
                    : Errors.Errors.MigrateFailed(failed, cause, rollback, maintenance is not null);
            }

            return new MigrateResult(record, recordPath, reportPath, before?.Folder);
        }
    }

    /// <summary>The command that restores the pre-migration backup into production (and ends maintenance mode).</summary>
    public static string RollbackCommand(string backupFolder, string database, string? maintenanceState, string? root) =>
        $"dotnet msbuild -t:Rollback -p:BackupPath={Shown(backupFolder, root)} -p:ConfirmProduction={database}" +
        (maintenanceState is null ? "" : $" -p:MaintenanceState={Shown(maintenanceState, root)}");

    private static string Shown(string path, string? root) => RehearsalRunner.Shown(path, root);
}
