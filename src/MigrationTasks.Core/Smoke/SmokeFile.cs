using System.Text.Json.Nodes;
using MigrationTasks.Security.Matrix;

namespace MigrationTasks.Smoke;

/// <summary>
/// <c>supabase/tests/smoke.yaml</c>: the personas (as in the policy matrix), fixed values, and the critical user
/// flows, each a list of API calls made by personas one after another.
/// </summary>
public sealed record SmokeFile(string File, IReadOnlyList<PersonaDefinition> Personas, IReadOnlyDictionary<string, string> Values, IReadOnlyList<SmokeFlow> Flows);

/// <summary>A user flow: steps that build on each other (a later step may use what an earlier one saved).</summary>
public sealed record SmokeFlow(string Name, IReadOnlyList<SmokeStep> Steps, SourceLocation Location);

/// <summary>
/// One API call of a flow, as supabase-js makes it, by <see cref="Persona"/>. Its writes stay for the rest of the
/// flow (and are rolled back with it); <see cref="Save"/> names values of the first returned row for later steps.
/// </summary>
public sealed record SmokeStep
{
    public required string Persona { get; init; }

    public required ApiCommand Command { get; init; }

    public required string Schema { get; init; }

    /// <summary>The table, view or function (null for sql).</summary>
    public string? Object { get; init; }

    /// <summary>The select list (<c>*</c> by default).</summary>
    public string Columns { get; init; } = "*";

    /// <summary>The filter, as SQL (placeholders become literals).</summary>
    public string? Where { get; init; }

    /// <summary>insert: the rows; update: the values; rpc: the arguments.</summary>
    public JsonNode? Body { get; init; }

    /// <summary>The statement of a sql step.</summary>
    public string? Sql { get; init; }

    public required CaseExpectation Expect { get; init; }

    /// <summary>Value name → column of the first returned row.</summary>
    public IReadOnlyDictionary<string, string> Save { get; init; } = new Dictionary<string, string>();

    public required SourceLocation Location { get; init; }

    /// <summary>Every text of the step that may hold placeholders, with where it is (checked when the file loads).</summary>
    public IReadOnlyList<(string Text, SourceLocation Location)> Texts { get; init; } = [];

    /// <summary>The step as reports name it: <c>traveller: rpc create_booking</c>.</summary>
    public string Describe() => $"{Persona}: {Command.Name()} {Object ?? OneLine(Sql ?? "")}".TrimEnd();

    private static string OneLine(string text)
    {
        var line = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length > 80 ? line[..77] + "..." : line;
    }
}
