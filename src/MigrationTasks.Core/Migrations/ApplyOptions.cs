using System.Reflection;

namespace MigrationTasks.Migrations;

/// <summary>How <see cref="MigrationRunner"/> applies a set.</summary>
public sealed record ApplyOptions
{
    /// <summary>Print the SQL that would run and change nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Apply files older than the newest applied one too (the CLI's --include-all).</summary>
    public bool IncludeAll { get; init; }

    /// <summary>Accept applied files whose content changed (a warning instead of MT0316).</summary>
    public bool AllowChangedMigrations { get; init; }

    /// <summary>lock_timeout for every file, as PostgreSQL reads it ('5s', '500ms'); null or empty leaves the server's.</summary>
    public string? LockTimeout { get; init; } = DefaultLockTimeout;

    /// <summary>statement_timeout for every file; null or empty leaves the server's (usually none).</summary>
    public string? StatementTimeout { get; init; }

    /// <summary>How often a part that hit lock_timeout is tried again (it was rolled back, so a retry is safe).</summary>
    public int LockRetries { get; init; } = 3;

    /// <summary>The wait before the first retry; it doubles for each further one.</summary>
    public TimeSpan LockRetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait for another runner's migration lock.</summary>
    public TimeSpan RunnerLockTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How to recognise a transaction-mode pooler, which the runner refuses (MT0720): it needs a session of its own.</summary>
    public Pooler.PoolerCheckOptions PoolerCheck { get; init; } = new();

    /// <summary>Named in the report and logs: ephemeral, staging, production.</summary>
    public string TargetName { get; init; } = "database";

    /// <summary>Told before every step (tests use it to crash at every statement boundary).</summary>
    public IMigrationObserver? Observer { get; init; }

    /// <summary>Recorded in migrationtasks_applied.</summary>
    public string ToolVersion { get; init; } = CurrentToolVersion;

    /// <summary>A lock_timeout short enough that a migration never queues behind a long query and blocks the app.</summary>
    public const string DefaultLockTimeout = "5s";

    /// <summary>"MigrationTasks 0.1.0".</summary>
    public static string CurrentToolVersion { get; } =
        "MigrationTasks " + (typeof(ApplyOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");
}
