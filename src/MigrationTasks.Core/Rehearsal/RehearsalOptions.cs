using MigrationTasks.Backup;
using MigrationTasks.Connections;
using MigrationTasks.Diff.Classification;
using MigrationTasks.Servers;

namespace MigrationTasks.Rehearsal;

/// <summary>What <see cref="RehearsalRunner"/> rehearses, where, and which checks it runs.</summary>
public sealed record RehearsalOptions
{
    /// <summary>Production: only read (backed up, its catalog compared). Never changed.</summary>
    public required DatabaseConnection Production { get; init; }

    /// <summary>How reports name production (never a secret).</summary>
    public required string ProductionLabel { get; init; }

    /// <summary>True when the bundled sample production stands in for an unconfigured one.</summary>
    public bool ProductionIsSample { get; init; }

    /// <summary>
    /// A connection to the staging server, allowed to create databases: the clone and the drill's second clone are
    /// created there under fresh names and dropped afterwards (unless <see cref="KeepClones"/>).
    /// </summary>
    public required DatabaseConnection Staging { get; init; }

    /// <summary><c>supabase/</c>: the compatibility layer for the shadow database.</summary>
    public required string SupabaseDirectory { get; init; }

    public required string MigrationsDirectory { get; init; }

    /// <summary>This run's folder, <c>artifacts/rehearsal/&lt;UTC timestamp&gt;/</c>: report.md, receipt.json and every step's reports.</summary>
    public required string ReportDirectory { get; init; }

    /// <summary>Where the desired-schema cache lives (<c>artifacts/cache</c>); null: no cache.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>The backup of production the clone is made from (its root and label decide where it goes).</summary>
    public required BackupOptions Backup { get; init; }

    public int RestoreJobs { get; init; } = BackupOptions.DefaultJobs;

    /// <summary>Where the shadow database for the desired schema runs (an ephemeral server unless one is given).</summary>
    public required ServerRequest ShadowServer { get; init; }

    public DiffProfile DiffProfile { get; init; } = DiffProfile.Supabase;

    public DiffConfig DiffConfig { get; init; } = DiffConfig.Empty;

    /// <summary>Validation before and after the data migration; null skips both (said in the report).</summary>
    public IDataValidation? DataValidation { get; init; }

    /// <summary>The checks on the migrated clone, in order: policies and functions, then the smoke flows.</summary>
    public IReadOnlyList<IRehearsalCheck> Checks { get; init; } = [];

    /// <summary>Run the simulated failure and rollback on a second clone (on by default; Rehearse only passes with it).</summary>
    public bool FailureDrill { get; init; } = true;

    /// <summary>Keep the clone databases on the staging server for inspection.</summary>
    public bool KeepClones { get; init; }

    /// <summary>Template overrides (<c>supabase/templates</c>) for the report.</summary>
    public string? TemplatesDirectory { get; init; }

    /// <summary>Paths in reports are shown relative to this folder (the repository).</summary>
    public string? RepositoryRoot { get; init; }
}

/// <summary>Data validation around the data migration: a snapshot of the v1 source before, the proof after.</summary>
public interface IDataValidation
{
    /// <summary>What is validated (the spec file's name), for the report.</summary>
    string Describe { get; }

    /// <summary>Snapshots the source; the report folder is the step's own.</summary>
    Task<CheckOutcome> BeforeAsync(DatabaseConnection database, string reportDirectory, Common.IEngineLog log, CancellationToken cancellationToken);

    /// <summary>Proves the migration lost nothing; must run before the cleanup drops the source.</summary>
    Task<CheckOutcome> AfterAsync(DatabaseConnection database, string reportDirectory, Common.IEngineLog log, CancellationToken cancellationToken);
}
