using System.Globalization;
using MigrationTasks.Backup;
using MigrationTasks.Common;
using MigrationTasks.Errors;
using MigrationTasks.Migrations;
using MigrationTasks.Templates;
using MigrationTasks.Tools;

namespace MigrationTasks.Plan;

/// <summary>
/// Builds the maintenance-window plan from the configuration (production's variable, the migrations, the backup
/// settings) and the last rehearsal, and renders it with <c>migration_plan.md.sbn</c> (overridable from
/// <c>supabase/templates/</c>). The output depends only on its inputs: no clock, no absolute paths, stable order, so a
/// change in the plan shows as a diff in review.
/// </summary>
public static class MigrationPlanner
{
    public const string TemplateName = "migration_plan.md.sbn";

    /// <summary>Where the pre-migration backup lands: the Backup target's folder for production, timestamped at run time.</summary>
    private const string TimestampPlaceholder = "<UTC timestamp>";

    private const string SnapshotPlaceholder = "<exported snapshot>";

    // Plan step → the rehearsal steps whose durations predict it (first present wins; apply adds its cleanup part).
    private static readonly (string Key, string[] Rehearsed)[] DurationSources =
    [
        ("backup", ["backup-before", "backup", "clone"]),
        ("apply", ["apply", "apply-cleanup"]),
        ("validate", ["validate-after", "validate"]),
        ("policies", ["policies", "verify-policies"]),
        ("smoke", ["smoke"]),
        ("backup-after", ["backup-after", "backup", "clone"]),
    ];

    public static async Task<MigrationPlan> BuildAsync(MigrationPlanRequest request, IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        var set = MigrationSet.Load(request.MigrationsDirectory, log);
        var (migrations, pendingKnown, note) = await PendingAsync(request, set, log, cancellationToken).ConfigureAwait(false);
        RehearsalRecord? rehearsal = null;
        try
        {
            rehearsal = RehearsalRecord.FindLatest(request.RehearsalDirectory);
        }
        catch (MigrationTasksException exception)
        {
            log.Warning(exception.Code, exception.Message + " The plan treats it as not rehearsed.");
        }

        var database = request.Production?.Database ?? "<production database name>";
        var backupFolder = Relative(request, Path.Combine(request.Backup.Root, request.Backup.Label)) + "/" + TimestampPlaceholder;
        var steps = Steps(request, migrations, rehearsal, backupFolder);
        var rollback = $"dotnet msbuild -t:Rollback -p:BackupPath={backupFolder} -p:ConfirmProduction={database}";
        var archive = request.Backup.Format == BackupFormat.Directory ? DatabaseBackup.ArchiveDirectory : DatabaseBackup.ArchiveFile;
        var restore = DatabaseRestore.RestoreArguments(database, request.RestoreJobs, null, backupFolder + "/" + archive);
        return new MigrationPlan
        {
            Production = request.Production is null ? "not configured" : request.Production.Describe(),
            ProductionVariable = request.ProductionVariable,
            ProductionConfigured = request.Production is not null,
            ProductionDatabase = database,
            MigrationsDirectory = Relative(request, request.MigrationsDirectory),
            MigrationFileCount = set.Files.Count,
            Migrations = migrations,
            PendingKnown = pendingKnown,
            MigrationsNote = note,
            Rehearsal = rehearsal,
            RehearsalReceipt = rehearsal is null ? null : Relative(request, rehearsal.ReceiptPath),
            Steps = steps,
            ExpectedTotal = rehearsal is null ? "not rehearsed yet" : Duration(Sum(steps.Select(s => Rehearsed(rehearsal, s.Key)))),
            GoNoGo = GoNoGo(request, migrations, pendingKnown, rehearsal),
            Maintenance = request.MaintenanceMode switch
            {
                "connection-limit" => "connection-limit: before step 1 Migrate sets the API role's connection limit to 0 (the app is down), and restores it after step 6, also when a step fails",
                "revoke-connect" => "revoke-connect: before step 1 Migrate revokes CONNECT on the database from the API role (the app is down), and grants it back after step 6, also when a step fails",
                _ => "none: the app stays up during the window (each migration file takes its locks with lock_timeout)",
            },
            MigrateCommand = "dotnet msbuild -t:Migrate" + (request.MaintenanceMode is "none" or "" ? "" : $" -p:MaintenanceMode={request.MaintenanceMode}"),
            RollbackCommand = rollback,
            RollbackRuns = [Tool(request, "pg_restore", restore)],
            BackupFolder = backupFolder,
        };
    }

    /// <summary>Renders the plan with the built-in template or <c>&lt;templatesDirectory&gt;/migration_plan.md.sbn</c>.</summary>
    public static string Render(MigrationPlan plan, string? templatesDirectory) =>
        new TemplateRenderer(templatesDirectory).Render(TemplateName, plan).ReplaceLineEndings("\n");

    // The pending files by production's history (a dry run of the runner: no lock, no change), or every file when
    // production is not configured or does not answer.
    private static async Task<(IReadOnlyList<PlannedMigration>, bool, string)> PendingAsync(MigrationPlanRequest request, MigrationSet set, IEngineLog log, CancellationToken cancellationToken)
    {
        IReadOnlyList<PlannedMigration> All() => [.. set.Files.Select(f => new PlannedMigration(f.Version, f.Name, Relative(request, f.Path), f.Sha256))];
        if (request.Production is null)
        {
            return (All(), false, $"{request.ProductionVariable} is not set, so production's history could not be read: every file is listed; Migrate applies only those production has not applied.");
        }

        var options = new ApplyOptions { DryRun = true, TargetName = "production" };
        var report = await MigrationRunner.ApplyAsync(request.Production, set, options, NullEngineLog.Instance, cancellationToken).ConfigureAwait(false);
        if (report.Failure is { } failure)
        {
            log.Warning(failure.Code, $"Production's migration history could not be read: {failure.Message}");
            return (All(), false, $"production's history could not be read ({failure.Code}: {failure.Message}): every file is listed; Migrate applies only those production has not applied.");
        }

        var pending = report.Files.Where(f => f.Status == "would-apply").Select(f => set.Find(f.Version)!).ToList();
        return ([.. pending.Select(f => new PlannedMigration(f.Version, f.Name, Relative(request, f.Path), f.Sha256))], true,
            $"production's history ({report.AlreadyApplied} applied) against the {set.Files.Count} files of the folder");
    }

    private static List<PlanStep> Steps(MigrationPlanRequest request, IReadOnlyList<PlannedMigration> migrations, RehearsalRecord? rehearsal, string backupFolder)
    {
        var backup = request.Backup;
        var dump = Tool(request, "pg_dump", DatabaseBackup.DumpArguments(backup, SupabaseSchemas.Selection(backup.SupabaseSchemas), SnapshotPlaceholder));
        List<string> backupRuns = backup.IncludeRoles
            ? [dump, Tool(request, "pg_dumpall", DatabaseBackup.RolesArguments(request.Production?.Database ?? "<production database name>"))]
            : [dump];
        var steps = new List<PlanStep>
        {
            new()
            {
                Number = 1, Key = "backup", Title = "Back up production (before)",
                Purpose = $"A verified pg_dump of production in {backupFolder}/ (manifest.json with sha256, row counts, fingerprint): what the rollback restores.",
                Command = "dotnet msbuild -t:Backup -p:Database=production",
                Runs = backupRuns,
                Expected = "", OnFailure = "Stop: nothing has changed yet. Fix the cause (MT04xx names it) and start again.",
            },
            new()
            {
                Number = 2, Key = "apply", Title = migrations.Count == 1 ? "Apply 1 migration" : $"Apply {migrations.Count} migrations",
                Purpose = "The migrations below, in version order, each file in its transaction, recorded in supabase_migrations.schema_migrations as the Supabase CLI records them.",
                Command = "dotnet msbuild -t:ApplyMigrations -p:Database=production",
                Expected = "", OnFailure = "The failed file is rolled back (earlier files stay applied): roll back (below) or fix forward with a new migration.",
            },
            new()
            {
                Number = 3, Key = "validate", Title = "Validate the data",
                Purpose = "Counts, checksums and spot checks of the v1 to v3 data migration (supabase/v1_to_v3.yaml).",
                Command = "dotnet msbuild -t:Validate -p:Database=production",
                Expected = "", OnFailure = "Roll back (below): data was lost or changed.",
            },
            new()
            {
                Number = 4, Key = "policies", Title = "Verify policies and functions",
                Purpose = "RLS per API role and the functions, as PostgREST calls them (supabase/tests/policies.yaml), and the security lint.",
                Command = "dotnet msbuild -t:VerifyPolicies -p:Database=production",
                Expected = "", OnFailure = "Roll back (below), or fix forward if the leak is understood and a migration closes it now.",
            },
            new()
            {
                Number = 5, Key = "smoke", Title = "Smoke flows",
                Purpose = "The critical user flows (supabase/tests/smoke.yaml) as PostgREST personas, each in a transaction that is rolled back.",
                Command = "dotnet msbuild -t:Smoke -p:Database=production",
                Expected = "", OnFailure = "Roll back (below): users cannot do what they could before.",
            },
            new()
            {
                Number = 6, Key = "backup-after", Title = "Back up production (after)",
                Purpose = "A verified backup of the migrated production: the new baseline.",
                Command = "dotnet msbuild -t:Backup -p:Database=production",
                Runs = backupRuns,
                Expected = "", OnFailure = "The migration stands; take the backup again before the window closes.",
            },
        };

        return [.. steps.Select(step => step with
        {
            Expected = rehearsal is null ? "not rehearsed yet" : Rehearsed(rehearsal, step.Key) is { } seconds ? Duration(seconds) : "not in the rehearsal",
            ExpectedFrom = rehearsal is null ? null : Sources(rehearsal, step.Key),
        })];
    }

    private static List<GoNoGoCheck> GoNoGo(MigrationPlanRequest request, IReadOnlyList<PlannedMigration> migrations, bool pendingKnown, RehearsalRecord? rehearsal)
    {
        var checks = new List<GoNoGoCheck>
        {
            new("A rehearsal passed", rehearsal is null ? "NO-GO: not rehearsed yet" : rehearsal.Passed ? $"go (run {rehearsal.Run})" : $"NO-GO: the rehearsal of {rehearsal.When} failed",
                "dotnet msbuild -t:Rehearse (CI runs it on every pull request that touches supabase/)"),
            new("It rehearsed this production", rehearsal is null ? "NO-GO: not rehearsed yet" : rehearsal.Sample ? "NO-GO: the bundled sample production stood in" : "go",
                $"Rehearse with {request.ProductionVariable} set; Migrate compares production's schema fingerprint with the receipt's when it starts"),
        };

        var rehearsedPending = rehearsal?.Pending?.Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var planned = migrations.Select(m => Path.GetFileName(m.File)).Order(StringComparer.Ordinal).ToList();
        checks.Add(new("It applied exactly these migrations",
            rehearsal is null ? "NO-GO: not rehearsed yet"
            : rehearsedPending is null || !pendingKnown ? "checked by Migrate (migration-set hash)"
            : rehearsedPending.SequenceEqual(planned, StringComparer.Ordinal) ? "go"
            : $"NO-GO: the rehearsal applied {string.Join(", ", rehearsedPending)}; production now needs {string.Join(", ", planned)}",
            "Migrate refuses a receipt whose migration-set hash differs from the files now: rehearse again after any change"));
        checks.Add(new("The receipt is recent", rehearsal is null ? "NO-GO: not rehearsed yet" : $"checked by Migrate (rehearsed {rehearsal.When})",
            $"Migrate refuses a receipt older than {request.ReceiptMaxAge} (ReceiptMaxAge): rehearse again"));
        checks.Add(new("pg_dump can back up production", "checked by Backup", "pg_dump of production's major version or newer (MT0401 names the package to install)"));
        checks.Add(new("Rollback is ready", "before the window", "Someone who can run the rollback command below is in the window; the backup step proves the backup before anything changes"));
        return checks;
    }

    private static double? Rehearsed(RehearsalRecord rehearsal, string key)
    {
        var names = DurationSources.First(s => s.Key == key).Rehearsed;
        if (key == "apply")
        {
            var parts = rehearsal.Steps.Where(s => names.Contains(s.Name, StringComparer.OrdinalIgnoreCase) && s.DurationSeconds is not null).ToList();
            return parts.Count == 0 ? null : parts.Sum(s => s.DurationSeconds!.Value);
        }

        return names.Select(name => rehearsal.Steps.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase) && s.DurationSeconds is not null))
            .FirstOrDefault(s => s is not null)?.DurationSeconds;
    }

    private static string? Sources(RehearsalRecord rehearsal, string key)
    {
        var names = DurationSources.First(s => s.Key == key).Rehearsed;
        var used = key == "apply"
            ? rehearsal.Steps.Where(s => names.Contains(s.Name, StringComparer.OrdinalIgnoreCase) && s.DurationSeconds is not null).Select(s => s.Name).ToList()
            : names.Where(name => rehearsal.Steps.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase) && s.DurationSeconds is not null)).Take(1).ToList();
        return used.Count == 0 ? null : string.Join(" + ", used);
    }

    private static double? Sum(IEnumerable<double?> seconds)
    {
        var known = seconds.Where(s => s is not null).ToList();
        return known.Count == 0 ? null : known.Sum(s => s!.Value);
    }

    /// <summary>A duration rounded so that reruns of the same rehearsal read the same: up to 5 s, then minutes.</summary>
    public static string Duration(double? seconds) => seconds switch
    {
        null => "not in the rehearsal",
        < 1 => "under 1 s",
        < 60 => string.Create(CultureInfo.InvariantCulture, $"about {Math.Ceiling(seconds.Value / 5) * 5:0} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"about {Math.Ceiling(seconds.Value / 60):0} min"),
    };

    private static string Tool(MigrationPlanRequest request, string tool, IReadOnlyList<string> arguments) =>
        request.Production is null
            ? $"{PostgresTool.Describe(tool, arguments)}    # connection from {request.ProductionVariable}, through the environment"
            : PostgresTool.DescribeWithConnection(tool, arguments, request.Production);

    private static string Relative(MigrationPlanRequest request, string path) =>
        Path.GetRelativePath(Path.GetFullPath(request.RepositoryRoot), Path.GetFullPath(path)).Replace('\\', '/');
}
