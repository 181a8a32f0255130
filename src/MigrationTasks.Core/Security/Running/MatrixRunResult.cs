using MigrationTasks.Security.Emulation;

namespace MigrationTasks.Security.Running;

/// <summary>The matrix's results, case by case.</summary>
public sealed record MatrixRunResult
{
    public required IReadOnlyList<CaseResult> Cases { get; init; }

    /// <summary>The personas as they ran (claims built from the chosen users).</summary>
    public required IReadOnlyList<ApiPersona> Personas { get; init; }

    /// <summary>How roles were entered (see <see cref="ImpersonationMode"/>).</summary>
    public required string Impersonation { get; init; }

    public required TimeSpan Duration { get; init; }

    public TimeSpan FixtureDuration { get; init; }

    public bool Passed => Cases.All(result => result.Passed);

    public int FailedCount => Cases.Count(result => !result.Passed);
}
