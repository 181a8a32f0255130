using MigrationTasks.Security.Lint;
using MigrationTasks.Security.Running;

namespace MigrationTasks.Security;

/// <summary>What VerifyPolicies reads and how strict it is.</summary>
public sealed record PolicyVerificationOptions
{
    /// <summary>The policy matrix (<c>supabase/tests/policies.yaml</c>).</summary>
    public required string MatrixFile { get; init; }

    /// <summary>Lint findings accepted with a reason (<c>supabase/tests/lint-accepted.yaml</c>); none when empty or missing.</summary>
    public string? AcceptanceFile { get; init; }

    /// <summary><c>supabase/config.toml</c>: the exposed schemas and the extra search path (the CLI's defaults when missing).</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Fail when any cell of the API surface is neither covered by a case nor excluded with a reason.</summary>
    public bool RequireFullCoverage { get; init; }

    /// <summary>Open (not accepted) lint findings at this level or above fail the verification (Error).</summary>
    public LintLevel FailLevel { get; init; } = LintLevel.Error;

    /// <summary>Run the lints that read usage statistics (only the live database has meaningful ones).</summary>
    public bool UsageStatistics { get; init; }

    public MatrixRunOptions Run { get; init; } = new();

    /// <summary>What the database is, for the report (never a secret).</summary>
    public string Target { get; init; } = "database";
}
