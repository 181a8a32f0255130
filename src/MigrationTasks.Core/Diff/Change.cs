using MigrationTasks.Catalog.Model;

namespace MigrationTasks.Diff;

public enum ChangeAction
{
    Create,
    Drop,
    Alter,

    /// <summary>Dropped and created again: PostgreSQL has no ALTER for the difference, or something it depends on is replaced.</summary>
    Replace,
}

/// <summary>The three buckets of a diff report.</summary>
public enum DiffBucket
{
    /// <summary>An unexpected difference on an object the migrations define.</summary>
    Drift,

    /// <summary>RLS enabled/forced, policies, privileges, SECURITY DEFINER, a function's search_path, ownership.</summary>
    Security,

    /// <summary>An expected leftover (a legacy object the migrations no longer define): listed, not dropped.</summary>
    Legacy,
}

/// <summary>One difference between the two databases, with the statements that remove it.</summary>
public sealed class Change
{
    public required string Key { get; init; }

    public required ChangeAction Action { get; init; }

    /// <summary>The object as it should be (null for a drop).</summary>
    public CatalogObject? Desired { get; init; }

    /// <summary>The object as it is (null for a create).</summary>
    public CatalogObject? Actual { get; init; }

    /// <summary>What differs, in words ("type integer → bigint", "policy USING changed").</summary>
    public required string Description { get; init; }

    public DiffBucket Bucket { get; set; } = DiffBucket.Drift;

    /// <summary>Whether this change concerns access control (decides the Security bucket).</summary>
    public bool IsSecurity { get; init; }

    public List<Step> Steps { get; } = [];

    public CatalogObject Object => (Desired ?? Actual)!;

    public IEnumerable<Hazard> Hazards => Steps.SelectMany(s => s.Hazards).Distinct();

    public override string ToString() => $"{Action} {Object.KindName} {Object.DisplayName}: {Description}";
}

public enum HazardKind
{
    /// <summary>Data is deleted or may not survive (drops, narrowing type changes, replacements of tables or columns).</summary>
    DataLoss,

    /// <summary>The table is rewritten (its size in time and disk).</summary>
    TableRewrite,

    /// <summary>ACCESS EXCLUSIVE lock on a table that exists: reads and writes wait.</summary>
    AccessExclusiveLock,

    /// <summary>An index is built on a table that exists (writes wait unless built CONCURRENTLY).</summary>
    IndexBuild,

    /// <summary>Who may do what changes: policies, privileges, RLS, SECURITY DEFINER, ownership.</summary>
    AuthorizationChange,

    /// <summary>The object is dropped and created again (dependents too).</summary>
    Replacement,
}

public sealed record Hazard(HazardKind Kind, string Message);
