using MigrationTasks.Backup;
using MigrationTasks.Connections;

namespace MigrationTasks.Plan;

/// <summary>What <see cref="MigrationPlanner"/> needs: the configuration as the targets have it.</summary>
public sealed record MigrationPlanRequest
{
    /// <summary>Production, or null when its variable is not set.</summary>
    public DatabaseConnection? Production { get; init; }

    /// <summary>The variable production is read from (named in the plan, never its value).</summary>
    public string ProductionVariable { get; init; } = "PRODUCTION_DATABASE_URL";

    public required string MigrationsDirectory { get; init; }

    /// <summary>Where rehearsals write their runs (<c>artifacts/rehearsal</c>).</summary>
    public required string RehearsalDirectory { get; init; }

    /// <summary>Paths in the plan are relative to this folder, so the plan is the same on every machine.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>The backup settings (format, jobs, schemas, roles) the window's backups use.</summary>
    public required BackupOptions Backup { get; init; }

    /// <summary>Migrate's maintenance mode: none, connection-limit or revoke-connect.</summary>
    public string MaintenanceMode { get; init; } = "none";

    /// <summary>How old Migrate lets the rehearsal receipt be (Migrate's ReceiptMaxAge), as written: 24h, 90m, 2d.</summary>
    public string ReceiptMaxAge { get; init; } = "24h";

    /// <summary>pg_restore's jobs for the rollback.</summary>
    public int RestoreJobs { get; init; } = BackupOptions.DefaultJobs;
}
