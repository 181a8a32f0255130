using System.Text.Json.Nodes;

namespace MigrationTasks.Security.Matrix;

/// <summary>
/// One operation of the matrix and what each persona should get from it; it expands into one
/// <see cref="PolicyCase"/> per persona.
/// </summary>
public sealed record PolicyCheck
{
    public required string Name { get; init; }

    public required ApiCommand Command { get; init; }

    /// <summary>The table, view or function's schema (the first exposed schema when not written).</summary>
    public required string Schema { get; init; }

    /// <summary>The table, view or function (null for a <see cref="ApiCommand.Sql"/> check that covers nothing).</summary>
    public string? Object { get; init; }

    /// <summary>The filter (SQL), as supabase-js filters become a WHERE clause.</summary>
    public string? Where { get; init; }

    /// <summary>The columns a select returns (<c>*</c> by default), as <c>select('a, b')</c>.</summary>
    public string Columns { get; init; } = "*";

    /// <summary>The column whose values <c>keys</c> expectations list (the primary key by default).</summary>
    public string? Key { get; init; }

    /// <summary>Insert: the rows (an array of objects); update: the new values (an object); rpc: the arguments (an object).</summary>
    public JsonNode? Body { get; init; }

    /// <summary>Writes return the rows (<c>.select()</c> after the write; needs a SELECT policy that sees them).</summary>
    public bool ReturnRepresentation { get; init; }

    /// <summary>For <see cref="ApiCommand.Sql"/>: the statement.</summary>
    public string? Sql { get; init; }

    /// <summary>For <see cref="ApiCommand.Sql"/>: the relation command it covers (select, insert, update, delete), if any.</summary>
    public string? CoversCommand { get; init; }

    public required SourceLocation Location { get; init; }

    public IReadOnlyList<PolicyCase> Cases { get; init; } = [];

    /// <summary><c>schema.object</c>, as coverage and reports name it.</summary>
    public string QualifiedObject => Object is null ? "" : Schema + "." + Object;
}

/// <summary>One check run as one persona, with what it should give.</summary>
public sealed record PolicyCase(PolicyCheck Check, string Persona, CaseExpectation Expect, SourceLocation Location)
{
    /// <summary>The name failures are reported under: "&lt;check&gt; as &lt;persona&gt;".</summary>
    public string Name => $"{Check.Name} as {Persona}";
}
