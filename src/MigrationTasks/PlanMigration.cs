using Microsoft.Build.Framework;
using MigrationTasks.Plan;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:Plan</c>: renders the maintenance-window plan (supabase/MIGRATION_PLAN.md) from the configuration and the
/// last rehearsal: the steps in order with their exact commands, the migrations that will run, each step's expected
/// duration, the go/no-go checks and the rollback command. Production, when configured, is only read (its migration
/// history); nothing is changed anywhere but the plan file.
/// </summary>
public sealed class PlanMigration : BackupingTask
{
    [Required]
    public string MigrationsDirectory { get; set; } = "";

    /// <summary>Where rehearsals write their runs (artifacts/rehearsal/); the newest receipt gives the durations.</summary>
    [Required]
    public string RehearsalDirectory { get; set; } = "";

    /// <summary>The plan to write (supabase/MIGRATION_PLAN.md).</summary>
    [Required]
    public string PlanFile { get; set; } = "";

    /// <summary>Template overrides (supabase/templates/): migration_plan.md.sbn there replaces the built-in one.</summary>
    public string? TemplatesDirectory { get; set; }

    /// <summary>Paths in the plan are relative to it.</summary>
    [Required]
    public string RepositoryRoot { get; set; } = "";

    /// <summary>pg_restore's jobs for the rollback; empty means one per core (2 to 8).</summary>
    public string? RestoreJobs { get; set; }

    /// <summary>Migrate's maintenance mode (none, connection-limit or revoke-connect), shown in the plan and its Migrate command.</summary>
    public string? MaintenanceMode { get; set; }

    /// <summary>Migrate's ReceiptMaxAge (24h by default), shown in the go/no-go checks.</summary>
    public string? ReceiptMaxAge { get; set; }

    [Output]
    public string? WrittenPlan { get; private set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var production = ProductionConnection();
        if (production is null)
        {
            EngineLog.Info($"{ProductionUrlVariable} is not set: the plan lists every migration file (production's history decides at Migrate time) and says so.");
        }

        var request = new MigrationPlanRequest
        {
            Production = production,
            ProductionVariable = ProductionUrlVariable,
            MigrationsDirectory = MigrationsDirectory,
            RehearsalDirectory = RehearsalDirectory,
            RepositoryRoot = RepositoryRoot,
            Backup = ReadBackupOptions("production"),
            MaintenanceMode = PropertyValues.Choice(nameof(MaintenanceMode), MaintenanceMode, "none", ("none", "none"), ("connection-limit", "connection-limit"), ("revoke-connect", "revoke-connect")),
            ReceiptMaxAge = string.IsNullOrWhiteSpace(ReceiptMaxAge) ? "24h" : ReceiptMaxAge.Trim(),
            RestoreJobs = PropertyValues.Number(nameof(RestoreJobs), RestoreJobs, Backup.BackupOptions.DefaultJobs, 1, 64),
        };
        var plan = await MigrationPlanner.BuildAsync(request, EngineLog, cancellationToken).ConfigureAwait(false);
        var text = Redactor.Redact(MigrationPlanner.Render(plan, TemplatesDirectory));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(PlanFile))!);
        var unchanged = File.Exists(PlanFile) && File.ReadAllText(PlanFile) == text;
        if (!unchanged)
        {
            File.WriteAllText(PlanFile, text);
        }

        WrittenPlan = PlanFile;
        Log.LogMessage(MessageImportance.High, "Plan: {0} ({1}; {2} migrations to apply{3}; last rehearsal: {4}).", PlanFile, unchanged ? "unchanged" : "written",
            plan.Migrations.Count, plan.PendingKnown ? "" : ", not checked against production",
            plan.Rehearsal is null ? "not rehearsed yet" : $"{(plan.Rehearsal.Passed ? "passed" : "FAILED")} {plan.Rehearsal.When}");
    }
}
