namespace MigrationTasks.Indexes;

/// <summary>What the analysis found.</summary>
public enum FindingKind
{
    /// <summary>A workload query reads a large table from end to end.</summary>
    SequentialScan,

    /// <summary>A scan throws most of what it reads away: its filter has no index to narrow the read.</summary>
    FilterWithoutIndex,

    /// <summary>A join finds its rows in a large table without an index on the join column.</summary>
    JoinWithoutIndex,

    /// <summary>A foreign key whose columns lead no index (deleting or updating a referenced row scans this table).</summary>
    ForeignKeyWithoutIndex,

    /// <summary>An RLS policy reads a column that leads no index (every query under the policy pays for it).</summary>
    PolicyColumnWithoutIndex,

    /// <summary>An index whose keys are a prefix of another index's on the same table (same method and predicate).</summary>
    DuplicateIndex,

    /// <summary>An index no workload query uses and the statistics show (almost) no scans of.</summary>
    UnusedIndex,
}

/// <summary>One finding: the kind, the table and columns, the query (for workload findings), and what was seen.</summary>
public sealed record IndexFinding(FindingKind Kind, string Table, IReadOnlyList<string> Columns, string? Query, string Detail);
