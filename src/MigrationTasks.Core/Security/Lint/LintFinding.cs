namespace MigrationTasks.Security.Lint;

/// <summary>One thing a lint found: the object (as acceptance entries name it), what is wrong, the fix, and whether it was accepted.</summary>
public sealed record LintFinding(LintRule Rule, string Object, string Detail, string Fix)
{
    /// <summary>The reason from the acceptance file, when the finding is accepted.</summary>
    public string? AcceptedBecause { get; init; }

    public bool Accepted => AcceptedBecause is not null;
}

/// <summary>A lint that did not run here, and why.</summary>
public sealed record SkippedLint(LintRule Rule, string Reason);

/// <summary>What the lint found on a database.</summary>
public sealed record LintRun(IReadOnlyList<LintFinding> Findings, IReadOnlyList<SkippedLint> Skipped, TimeSpan Duration)
{
    /// <summary>Findings not accepted at <paramref name="level"/> or above.</summary>
    public IEnumerable<LintFinding> Open(LintLevel level) => Findings.Where(f => !f.Accepted && f.Rule.Level >= level);
}

/// <summary>What the lint needs to know about the project.</summary>
public sealed record LintOptions
{
    /// <summary>The Data API's schemas (<c>[api] schemas</c>).</summary>
    public IReadOnlyList<string> ExposedSchemas { get; init; } = ["public"];

    /// <summary><c>[auth] enable_anonymous_sign_ins</c>.</summary>
    public bool AnonymousSignIns { get; init; }

    /// <summary>Run the lints that read usage statistics (unused_index, table_bloat): only meaningful on the live database.</summary>
    public bool UsageStatistics { get; init; }
}
