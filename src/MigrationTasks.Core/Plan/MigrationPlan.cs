namespace MigrationTasks.Plan;

/// <summary>A migration the window will apply (or, when production could not be asked, may apply).</summary>
public sealed record PlannedMigration(string Version, string Name, string File, string Sha256);

/// <summary>A step of the maintenance window: what it does, the command that runs it, what that runs, and how long the rehearsal took.</summary>
public sealed record PlanStep
{
    public required int Number { get; init; }

    /// <summary>A short stable key (backup, apply, validate, policies, smoke, backup-after).</summary>
    public required string Key { get; init; }

    public required string Title { get; init; }

    /// <summary>Why the step is there, in a sentence.</summary>
    public required string Purpose { get; init; }

    /// <summary>The command an operator runs (from the repository root).</summary>
    public required string Command { get; init; }

    /// <summary>The client programs it runs, as they can be logged (connection through the environment, never a password).</summary>
    public IReadOnlyList<string> Runs { get; init; } = [];

    /// <summary>The expected duration from the last rehearsal, or why there is none.</summary>
    public required string Expected { get; init; }

    /// <summary>The rehearsal steps the duration was taken from.</summary>
    public string? ExpectedFrom { get; init; }

    /// <summary>How the step fails safely: what to do when it does.</summary>
    public required string OnFailure { get; init; }
}

/// <summary>A go/no-go check: known now (passed or not), or checked when Migrate starts.</summary>
public sealed record GoNoGoCheck(string Check, string Status, string How);

/// <summary>The model <c>migration_plan.md.sbn</c> renders (members are snake_case in the template).</summary>
public sealed record MigrationPlan
{
    /// <summary>The production database, secret-free, or what stands in its place.</summary>
    public required string Production { get; init; }

    public required string ProductionVariable { get; init; }

    public required bool ProductionConfigured { get; init; }

    /// <summary>The name ConfirmProduction takes (the database name), or a placeholder.</summary>
    public required string ProductionDatabase { get; init; }

    /// <summary>The migrations folder, relative to the repository root.</summary>
    public required string MigrationsDirectory { get; init; }

    public required int MigrationFileCount { get; init; }

    public required IReadOnlyList<PlannedMigration> Migrations { get; init; }

    /// <summary>True when these are the pending files production's history named; false when every file is listed.</summary>
    public required bool PendingKnown { get; init; }

    /// <summary>How the list was made (or why production could not be asked).</summary>
    public required string MigrationsNote { get; init; }

    /// <summary>The last rehearsal, or null: not rehearsed yet.</summary>
    public RehearsalRecord? Rehearsal { get; init; }

    /// <summary>The rehearsal receipt's path relative to the repository root.</summary>
    public string? RehearsalReceipt { get; init; }

    public required IReadOnlyList<PlanStep> Steps { get; init; }

    /// <summary>The sum of the steps' rehearsed durations, or "not rehearsed yet".</summary>
    public required string ExpectedTotal { get; init; }

    public required IReadOnlyList<GoNoGoCheck> GoNoGo { get; init; }

    /// <summary>Migrate's maintenance mode and what it does, in a sentence.</summary>
    public required string Maintenance { get; init; }

    /// <summary>The one command that runs the whole window.</summary>
    public required string MigrateCommand { get; init; }

    public required string RollbackCommand { get; init; }

    /// <summary>What the rollback runs (pg_restore), secret-free.</summary>
    public required IReadOnlyList<string> RollbackRuns { get; init; }

    /// <summary>Where the pre-migration backup lands.</summary>
    public required string BackupFolder { get; init; }
}
