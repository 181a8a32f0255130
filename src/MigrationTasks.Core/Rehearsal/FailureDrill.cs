using System.Diagnostics;
using System.Globalization;
using MigrationTasks.Backup;
using MigrationTasks.Backup.Fidelity;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Migrations;

namespace MigrationTasks.Rehearsal;

/// <summary>What the drill works on.</summary>
public sealed record DrillRequest
{
    /// <summary>Production, only read: the rolled-back drill clone's schema must not differ from it.</summary>
    public required DatabaseConnection Production { get; init; }

    /// <summary>The verified pre-migration backup the rollback restores.</summary>
    public required string Backup { get; init; }

    /// <summary>The second clone (created; dropped by the caller).</summary>
    public required DatabaseConnection Database { get; init; }

    public required MigrationSet Migrations { get; init; }

    /// <summary>The files production has not applied: the injected failure replaces the middle one.</summary>
    public required IReadOnlyList<MigrationFile> Pending { get; init; }

    /// <summary>The staging server's roles right after the clone, before any migration ran.</summary>
    public required IReadOnlySet<string> RolesBefore { get; init; }

    public required string ReportDirectory { get; init; }

    public int Jobs { get; init; } = BackupOptions.DefaultJobs;

    public string? BinDirectory { get; init; }
}

/// <summary>
/// The simulated failure: restore the pre-migration backup into a second clone, apply the pending migrations with a
/// deliberately failing one injected mid-way (after real work, so the database is half-migrated), then roll back as
/// production would be rolled back, by restoring the backup, and prove the result equals the original: the backup's
/// schema fingerprint, exact row counts and checksums, an empty schema diff against production, and the same roles.
/// </summary>
public static class FailureDrill
{
    public const string InjectedName = "rehearsal_injected_failure";
    public const string InjectedMessage = "MigrationTasks rehearsal: simulated failure";

    public static async Task RunAsync(StepRecorder steps, StepResult step, DrillRequest request, IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(request);
        Directory.CreateDirectory(request.ReportDirectory);
        var quiet = new DetailLog(log);

        log.Info($"Drill: restoring the pre-migration backup into a second clone, {request.Database.Describe()}.");
        var first = await DatabaseRestore.RestoreAsync(request.Backup, request.Database, Restore(request, "restore", overwrite: false, create: true), quiet, cancellationToken)
            .ConfigureAwait(false);
        step.Reports.Add(steps.Link(first.ReportPath));

        var (set, injected) = Inject(request);
        var apply = await MigrationRunner.ApplyAsync(request.Database, set, new ApplyOptions { TargetName = "the drill clone" }, quiet, cancellationToken).ConfigureAwait(false);
        var applyReport = Path.Combine(request.ReportDirectory, "apply.json");
        await File.WriteAllTextAsync(applyReport, apply.ToJson(), cancellationToken).ConfigureAwait(false);
        step.Reports.Add(steps.Link(applyReport));
        var failed = apply.Files.FirstOrDefault(f => f.Status == "failed");
        string? unexpected = apply.Failure is null ? $"the migrations, {injected.FileName} included, all applied"
            : failed?.File != injected.FileName ? $"{failed?.File ?? "the run"} failed before the injected migration: {apply.Failure.Message}"
            : null;
        log.Info(unexpected is null
            ? $"Drill: {apply.Applied} migration(s) applied, then {injected.FileName} failed as planned ({apply.Failure!.Code}); rolling back by restoring the backup."
            : $"Drill: {unexpected}; rolling back by restoring the backup.");

        var watch = Stopwatch.StartNew();
        var rollback = await DatabaseRestore.RestoreUncheckedAsync(request.Backup, request.Database, Restore(request, "rollback", overwrite: true, create: false),
            FidelityChecks.Clone, request.Production, quiet, cancellationToken).ConfigureAwait(false);
        var rollbackSeconds = watch.Elapsed.TotalSeconds;
        step.Reports.Add(steps.Link(rollback.ReportPath));
        var rolesAfter = await RoleSnapshot.ReadAsync(request.Database, cancellationToken).ConfigureAwait(false);
        var roleChanges = RoleSnapshot.Differences(request.RolesBefore, rolesAfter);

        var problems = rollback.Fidelity.Checks.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Summary}").ToList();
        problems.AddRange(roleChanges.Select(r => $"roles (a restore does not undo them): {r}"));
        var checks = string.Join(", ", rollback.Fidelity.Checks.Select(c => c.Name));
        if (problems.Count > 0)
        {
            var error = Errors.Errors.RollbackDidNotRestore(string.Join("; ", problems.Take(3)) + (problems.Count > 3 ? $" (and {problems.Count - 3} more)" : ""), rollback.ReportPath);
            step.Summary = error.Message;
            steps.Fail(step, error, problems);
            return;
        }

        if (unexpected is not null)
        {
            var error = Errors.Errors.DrillDidNotFail(unexpected);
            step.Summary = error.Message + " The rollback itself restored the original.";
            steps.Fail(step, error, [unexpected]);
            return;
        }

        step.Summary = string.Create(CultureInfo.InvariantCulture,
            $"{apply.Applied} migration(s) applied, then {injected.FileName} failed as planned; the rollback (restore of the pre-migration backup, {rollbackSeconds:0.0} s) gave back the original: {checks} passed, roles unchanged");
    }

    /// <summary>The set with the middle pending file replaced by the failing one (same version), or the failing one appended when nothing is pending.</summary>
    private static (MigrationSet Set, MigrationFile Injected) Inject(DrillRequest request)
    {
        var pending = request.Pending;
        var replaced = pending.Count == 0 ? null : pending[pending.Count / 2];
        var version = replaced?.Version ?? (request.Migrations.Files.Count == 0 ? MigrationVersion.FromTime(DateTimeOffset.UtcNow) : request.Migrations.Files[^1].Version + "0");
        var folder = Path.Combine(request.ReportDirectory, "migrations");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{version}_{InjectedName}.sql");
        File.WriteAllText(path, $"""
            -- Injected by Rehearse's failure drill (never committed, never run on production): it does real work, then fails
            -- part-way, leaving the drill clone half-migrated so the rollback has something to undo.
            create table public.mt_rehearsal_drill (id integer primary key);
            insert into public.mt_rehearsal_drill values (1);
            do $$ begin raise exception '{InjectedMessage}'; end $$;

            """);
        var injected = MigrationFile.Load(path);
        var files = request.Migrations.Files.Where(f => f != replaced).Append(injected);
        return (MigrationSet.FromFiles(folder, files), injected);
    }

    private static RestoreOptions Restore(DrillRequest request, string name, bool overwrite, bool create) => new()
    {
        ReportDirectory = Path.Combine(request.ReportDirectory, name),
        Jobs = request.Jobs,
        Overwrite = overwrite,
        CreateDatabase = create,
        BinDirectory = request.BinDirectory,
    };

    /// <summary>The drill's restores and runs are details: the step's summary says what matters.</summary>
    private sealed class DetailLog(IEngineLog log) : IEngineLog
    {
        public void Info(string message) => log.Detail(message);

        public void Detail(string message) => log.Detail(message);

        public void Warning(string code, string message) => log.Warning(code, message);
    }
}
