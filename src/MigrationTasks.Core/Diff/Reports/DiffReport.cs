using MigrationTasks.Diff.Classification;

namespace MigrationTasks.Diff.Reports;

/// <summary>
/// What a diff found, ready to write as Markdown (for a pull request) and JSON (for CI): the changes in their
/// buckets (unexpected drift, security differences), the legacy objects (listed, never dropped here), and
/// the script's statements in order. <see cref="Passed"/> is false when there is drift or a security difference.
/// </summary>
public sealed record DiffReport
{
    /// <summary>The database the script changes (secret-free description).</summary>
    public required string From { get; init; }

    /// <summary>Where the desired schema came from (migrations folder or database).</summary>
    public required string To { get; init; }

    public required SchemaDiff Diff { get; init; }

    public required DiffScope Scope { get; init; }

    public required DiffProfile Profile { get; init; }

    public required DiffOptions Options { get; init; }

    /// <summary>The SQL script's path, relative when it can be.</summary>
    public required string ScriptPath { get; init; }

    /// <summary>
    /// What the align migration is made of: the diff against every migration (the align file runs after the
    /// pending ones, so it must not undo them) and which of its changes to keep (not the pending migrations' own
    /// work, unless it touches drift). Null: the report's own diff, whole.
    /// </summary>
    public (SchemaDiff Diff, IReadOnlySet<string> Keys)? AlignSource { get; init; }

    /// <summary>The align migration's statements, in run order, with the diff each belongs to.</summary>
    public IReadOnlyList<(Step Step, SchemaDiff Diff)> AlignSteps()
    {
        if (AlignSource is not { } source)
        {
            return [.. Align.AlignModel.OrderedSteps(Diff).Select(s => (s, Diff))];
        }

        return [.. Align.AlignModel.OrderedSteps(source.Diff).Where(s => source.Keys.Contains(s.Change.Key)).Select(s => (s, source.Diff))];
    }

    /// <summary>Migration files the database has not applied yet: not drift; the desired schema leaves them out.</summary>
    public IReadOnlyList<string> PendingMigrations { get; init; } = [];

    public IReadOnlyList<Change> Drift => Diff.Changes.Where(c => c.Bucket == DiffBucket.Drift).ToList();

    public IReadOnlyList<Change> Security => Diff.Changes.Where(c => c.Bucket == DiffBucket.Security).ToList();

    public IReadOnlyList<LegacyObject> Legacy => Scope.Legacy;

    /// <summary>No unexpected drift and no security difference (legacy leftovers are expected).</summary>
    public bool Passed => Diff.Changes.Count == 0;

    /// <summary>Puts each change in its bucket: access control goes to Security, the rest is drift.</summary>
    public static void Classify(IEnumerable<Change> changes)
    {
        foreach (var change in changes)
        {
            change.Bucket = change.IsSecurity || change.Hazards.Any(h => h.Kind == HazardKind.AuthorizationChange) ? DiffBucket.Security : DiffBucket.Drift;
        }
    }
}
