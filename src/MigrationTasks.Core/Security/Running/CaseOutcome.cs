using System.Text.Json.Nodes;

namespace MigrationTasks.Security.Running;

/// <summary>What a case's statement did: its rows (and their keys or JSON values), or the error it raised.</summary>
public sealed record CaseOutcome
{
    public int Rows { get; init; }

    /// <summary>The key column's values (select, and writes returning representation), when the case asks for them.</summary>
    public IReadOnlyList<string?> Keys { get; init; } = [];

    /// <summary>An RPC's result rows as JSON.</summary>
    public IReadOnlyList<JsonNode?> Values { get; init; } = [];

    public string? SqlState { get; init; }

    public string? Message { get; init; }

    /// <summary>A problem found before the statement could run (an RPC that resolves to no function).</summary>
    public string? Problem { get; init; }

    public bool Failed => SqlState is not null || Problem is not null;

    public string Describe()
    {
        if (Problem is not null)
        {
            return Problem;
        }

        if (SqlState is not null)
        {
            return $"error {SqlState}: {Message}";
        }

        var text = Rows == 1 ? "1 row" : $"{Rows} rows";
        if (Keys.Count > 0 && Keys.Any(key => key is not null))
        {
            text += " [" + string.Join(", ", Keys) + "]";
        }

        if (Values.Count > 0)
        {
            var shown = Values.Count == 1 ? Values[0]?.ToJsonString() ?? "null" : "[" + string.Join(", ", Values.Take(3).Select(v => v?.ToJsonString() ?? "null")) + (Values.Count > 3 ? ", ..." : "") + "]";
            text += ": " + (shown.Length > 300 ? shown[..297] + "..." : shown);
        }

        return text;
    }
}

/// <summary>A case's result: passed or not, why, and what ran.</summary>
public sealed record CaseResult
{
    public required Matrix.PolicyCase Case { get; init; }

    public required string Role { get; init; }

    /// <summary>The object coverage counts the case against (<c>schema.table</c> or <c>schema.fn(types)</c>), or null.</summary>
    public string? CoveredObject { get; init; }

    /// <summary>select, insert, update, delete, or rpc.</summary>
    public string? CoveredCommand { get; init; }

    public required bool Passed { get; init; }

    public required string Expected { get; init; }

    public required string Actual { get; init; }

    /// <summary>Why it failed (null when it passed).</summary>
    public string? Failure { get; init; }

    /// <summary>The statement, its JSON body inlined.</summary>
    public required string Statement { get; init; }

    public TimeSpan Duration { get; init; }
}
