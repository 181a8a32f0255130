namespace MigrationTasks.Security.Matrix;

/// <summary>What a check does, as a supabase-js call would.</summary>
public enum ApiCommand
{
    /// <summary><c>from(t).select()</c>: GET, READ ONLY.</summary>
    Select,

    /// <summary><c>from(t).insert(rows)</c>: POST.</summary>
    Insert,

    /// <summary><c>from(t).update(values).filter(...)</c>: PATCH.</summary>
    Update,

    /// <summary><c>from(t).delete().filter(...)</c>: DELETE.</summary>
    Delete,

    /// <summary><c>rpc(fn, args)</c>: POST /rpc/fn, READ ONLY for STABLE and IMMUTABLE functions.</summary>
    Rpc,

    /// <summary>Any SQL run as the persona (what supabase-js cannot send, such as TRUNCATE).</summary>
    Sql,
}

/// <summary>Names as the matrix and the reports write them.</summary>
public static class ApiCommands
{
    /// <summary>The commands RLS and grants tell apart on a relation; coverage counts these.</summary>
    public static IReadOnlyList<string> RelationCommands { get; } = ["select", "insert", "update", "delete"];

    public static string Name(this ApiCommand command) => command.ToString().ToLowerInvariant();
}
