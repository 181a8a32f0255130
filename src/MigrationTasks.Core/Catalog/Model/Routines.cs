using MigrationTasks.Sql;

namespace MigrationTasks.Catalog.Model;

/// <summary>A function (f), procedure (p), aggregate (a) or window function (w), matched by name and identity arguments.</summary>
public sealed record RoutineObject : CatalogObject
{
    public required char RoutineKind { get; init; }

    /// <summary>pg_get_function_identity_arguments: what DROP, ALTER and COMMENT name the routine by.</summary>
    public required string IdentityArguments { get; init; }

    /// <summary>The input argument types only: the key, and what GRANT ... ON FUNCTION names the routine by.</summary>
    public required string ArgumentTypes { get; init; }

    /// <summary>pg_get_function_arguments: names, modes and defaults.</summary>
    public required string Arguments { get; init; }

    public required string Result { get; init; }

    /// <summary>pg_get_functiondef (CREATE OR REPLACE ...), null for aggregates and extension members.</summary>
    public string? Definition { get; init; }

    public required string Language { get; init; }

    public bool SecurityDefiner { get; init; }

    public IReadOnlyList<string> Config { get; init; } = [];

    /// <summary>The body as written, for finding the objects it refers to (pg_depend does not track bodies).</summary>
    public string? Source { get; init; }

    /// <summary>The extension the routine belongs to: then only its privileges are compared.</summary>
    public string? Extension { get; init; }

    /// <summary>Aggregate options (sfunc, stype, ...), for aggregates.</summary>
    public IReadOnlyDictionary<string, string?> Aggregate { get; init; } = new Dictionary<string, string?>();

    public override string KindName => RoutineKind switch { 'p' => "procedure", 'a' => "aggregate", _ => "function" };

    public override string SqlName => SqlQuote.Qualified(Schema, Name) + "(" + (RoutineKind == 'a' && IdentityArguments.Length == 0 ? "*" : IdentityArguments) + ")";

    /// <summary>The routine as GRANT and REVOKE name it (argument types only).</summary>
    public string GrantName => SqlQuote.Qualified(Schema, Name) + "(" + ArgumentTypes + ")";

    public override string DisplayName => $"{Schema}.{Name}({IdentityArguments})";

    public string SqlKeyword => RoutineKind switch { 'p' => "PROCEDURE", 'a' => "AGGREGATE", _ => "FUNCTION" };

    /// <summary>Whether the search_path is pinned (SET search_path), which matters for SECURITY DEFINER.</summary>
    public string? SearchPath => Config.FirstOrDefault(c => c.StartsWith("search_path=", StringComparison.Ordinal))?["search_path=".Length..];
}
