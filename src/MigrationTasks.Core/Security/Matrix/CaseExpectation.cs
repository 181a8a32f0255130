using System.Text.Json.Nodes;

namespace MigrationTasks.Security.Matrix;

/// <summary>
/// What a case expects. A number is the rows returned (select, rpc) or affected (insert, update, delete);
/// <c>denied</c> is SQLSTATE 42501; <c>allowed</c> is no error and at least one row; the long form combines
/// <c>rows</c>, <c>keys</c> (the exact set of key values returned), <c>result</c> (an rpc's value), <c>columns</c>
/// (values of the first row), or <c>error</c> (a SQLSTATE) with an optional <c>message</c> (a part of the text).
/// Text may hold placeholders, resolved when the case runs.
/// </summary>
public sealed record CaseExpectation
{
    public int? Rows { get; init; }

    public bool AtLeastOneRow { get; init; }

    public IReadOnlyList<string>? Keys { get; init; }

    public string? SqlState { get; init; }

    public string? Message { get; init; }

    public JsonNode? Result { get; init; }

    public bool HasResult { get; init; }

    public JsonObject? Columns { get; init; }

    /// <summary>The expectation in the matrix's own words, for reports.</summary>
    public string Describe()
    {
        if (SqlState is not null)
        {
            return SqlState == "42501" && Message is null ? "denied (42501)" : $"error {SqlState}" + (Message is null ? "" : $" \"{Message}\"");
        }

        var parts = new List<string>();
        if (AtLeastOneRow)
        {
            parts.Add("allowed");
        }

        if (Rows is { } rows)
        {
            parts.Add(rows == 1 ? "1 row" : $"{rows} rows");
        }

        if (Keys is not null)
        {
            parts.Add("keys [" + string.Join(", ", Keys) + "]");
        }

        if (HasResult)
        {
            parts.Add("result " + (Result?.ToJsonString() ?? "null"));
        }

        if (Columns is not null)
        {
            parts.Add("columns " + Columns.ToJsonString());
        }

        return parts.Count == 0 ? "no error" : string.Join(", ", parts);
    }
}
