namespace MigrationTasks.Backup.Fidelity;

/// <summary>
/// One way of proving a restored database is the backed-up one. The restore and the clone run a list of these
/// (<see cref="FidelityChecks"/>); a new proof, such as an empty schema diff against production, is one more class.
/// </summary>
public interface IFidelityCheck
{
    /// <summary>A short stable name for reports, e.g. <c>schema-fingerprint</c>.</summary>
    string Name { get; }

    Task<FidelityCheckResult> RunAsync(FidelityContext context, CancellationToken cancellationToken);
}

/// <summary>What one check found: passed or not, a one-line summary, and the differences (bounded).</summary>
public sealed record FidelityCheckResult(string Name, bool Passed, string Summary, IReadOnlyList<string> Details);

/// <summary>All checks of one restore or clone; passed when every check passed.</summary>
public sealed record FidelityReport(IReadOnlyList<FidelityCheckResult> Checks)
{
    public bool Passed => Checks.All(c => c.Passed);

    /// <summary>The failed checks' summaries, for an error message.</summary>
    public string FailureSummary => string.Join("; ", Checks.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Summary}"));
}
