namespace MigrationTasks.Diff;

/// <summary>Where a statement runs relative to the main transaction of the script.</summary>
public enum StepTransaction
{
    /// <summary>Before the main transaction, committed on its own: ALTER TYPE ... ADD VALUE (a new label cannot be used in the transaction that adds it).</summary>
    Before,

    /// <summary>In the main transaction: all or nothing.</summary>
    Main,

    /// <summary>After the main transaction, outside any transaction: CREATE INDEX CONCURRENTLY.</summary>
    After,
}

/// <summary>
/// One SQL statement of a plan, with what it does to which objects (keys), which the orderer turns into
/// "this before that" edges: a step that creates or alters X runs after whatever X needs; a step that drops X
/// runs before whatever X needed goes away.
/// </summary>
public sealed class Step
{
    /// <summary>The statement, terminated with a semicolon.</summary>
    public required string Sql { get; init; }

    /// <summary>The change this statement belongs to.</summary>
    public Change Change { get; internal set; } = null!;

    /// <summary>Tie-breaker when dependencies allow any order: lower first (pg_dump-like: schemas, types, functions, tables, ...).</summary>
    public required int Phase { get; init; }

    /// <summary>Keys this statement brings into existence.</summary>
    public HashSet<string> Creates { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys this statement modifies in place.</summary>
    public HashSet<string> Alters { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys whose existence ends here (explicitly, or implicitly with what is dropped).</summary>
    public HashSet<string> Drops { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys whose name is freed here without dropping the object (a type renamed out of the way).</summary>
    public HashSet<string> FreesName { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys whose old object (renamed away) is dropped here: dependents must have let go of it first.</summary>
    public HashSet<string> Releases { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the step only attaches something to an object (owner, comment, privileges, RLS switch, OWNED BY,
    /// storage settings): what depends on the object does not need to wait for it.
    /// </summary>
    public bool Attached { get; init; }

    /// <summary>Steps of the same change that must run before this one.</summary>
    public List<Step> After { get; } = [];

    public StepTransaction Transaction { get; init; } = StepTransaction.Main;

    /// <summary>Whether the statement can destroy data (included only when destructive changes are allowed).</summary>
    public bool Destructive { get; init; }

    /// <summary>Why the statement was left out of the script (commented), or null when it is included.</summary>
    public string? WithheldBecause { get; internal set; }

    public IReadOnlyList<Hazard> Hazards { get; internal set; } = [];

    public override string ToString() => Sql;
}
