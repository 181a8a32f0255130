using MigrationTasks.Security.Coverage;
using MigrationTasks.Security.Lint;
using MigrationTasks.Security.Matrix;
using MigrationTasks.Security.Running;

namespace MigrationTasks.Security;

/// <summary>Everything VerifyPolicies found: the cases, the coverage, the lint, and whether it passed.</summary>
public sealed record PolicyReport
{
    public required string Target { get; init; }

    public required string ServerVersion { get; init; }

    public required SupabaseApiConfig Config { get; init; }

    public required PolicyMatrix Matrix { get; init; }

    public required MatrixRunResult Run { get; init; }

    public required CoverageReport Coverage { get; init; }

    public required LintRun Lint { get; init; }

    /// <summary>Acceptance entries that matched no finding on this database.</summary>
    public required IReadOnlyList<LintAcceptance> UnusedAcceptances { get; init; }

    public string? AcceptanceFile { get; init; }

    public required bool RequireFullCoverage { get; init; }

    public required LintLevel FailLevel { get; init; }

    public IReadOnlyList<LintFinding> OpenFailing => [.. Lint.Open(FailLevel)];

    public bool Passed => Run.Passed && (!RequireFullCoverage || Coverage.Complete) && OpenFailing.Count == 0;

    /// <summary>One line for the log.</summary>
    public string Summary =>
        $"{(Passed ? "Passed" : "FAILED")}: {Run.Cases.Count - Run.FailedCount}/{Run.Cases.Count} policy cases passed; " +
        $"coverage {Coverage.Covered.Count}/{Coverage.Total} ({Coverage.Percent:0.#}%, {Coverage.Gaps.Count} gaps, {Coverage.Excluded.Count} excluded); " +
        $"lint {Lint.Findings.Count(f => !f.Accepted)} open findings ({Count(LintLevel.Error)} error, {Count(LintLevel.Warn)} warn, {Count(LintLevel.Info)} info), {Lint.Findings.Count(f => f.Accepted)} accepted.";

    private int Count(LintLevel level) => Lint.Findings.Count(f => !f.Accepted && f.Rule.Level == level);
}
