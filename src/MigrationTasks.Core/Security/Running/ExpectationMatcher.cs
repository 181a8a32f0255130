using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MigrationTasks.Security.Matrix;

namespace MigrationTasks.Security.Running;

/// <summary>Compares an outcome with what the case expects; returns why it differs, or null when it matches.</summary>
public static class ExpectationMatcher
{
    /// <param name="expect">The expectation, placeholders resolved.</param>
    /// <param name="outcome">What happened.</param>
    /// <param name="scalarResult">The RPC returns one value (not rows): <c>result</c> is that value.</param>
    public static string? Mismatch(CaseExpectation expect, CaseOutcome outcome, bool scalarResult)
    {
        ArgumentNullException.ThrowIfNull(expect);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Problem is not null)
        {
            return outcome.Problem;
        }

        if (expect.SqlState is not null)
        {
            if (outcome.SqlState is null)
            {
                return $"expected {expect.Describe()}, but it succeeded with {outcome.Describe()}";
            }

            if (outcome.SqlState != expect.SqlState)
            {
                return $"expected {expect.Describe()}, got error {outcome.SqlState}: {outcome.Message}";
            }

            return expect.Message is not null && !(outcome.Message ?? "").Contains(expect.Message, StringComparison.OrdinalIgnoreCase)
                ? $"expected error {expect.SqlState} with \"{expect.Message}\", got error {outcome.SqlState}: {outcome.Message}"
                : null;
        }

        if (outcome.SqlState is not null)
        {
            return $"expected {expect.Describe()}, got error {outcome.SqlState}: {outcome.Message}";
        }

        if (expect.AtLeastOneRow && outcome.Rows == 0)
        {
            return "expected it to be allowed (at least one row), got 0 rows (filtered silently by RLS, or nothing matched)";
        }

        if (expect.Rows is { } rows && outcome.Rows != rows)
        {
            return $"expected {(rows == 1 ? "1 row" : $"{rows} rows")}, got {outcome.Describe()}";
        }

        if (expect.Keys is not null)
        {
            var expected = expect.Keys.Select(Normalize).Order(StringComparer.Ordinal).ToList();
            var actual = outcome.Keys.Select(key => Normalize(key ?? "null")).Order(StringComparer.Ordinal).ToList();
            if (!expected.SequenceEqual(actual, StringComparer.Ordinal))
            {
                var missing = expected.Except(actual, StringComparer.Ordinal).ToList();
                var extra = actual.Except(expected, StringComparer.Ordinal).ToList();
                return $"expected keys [{string.Join(", ", expect.Keys)}], got [{string.Join(", ", outcome.Keys)}]" +
                       (missing.Count > 0 ? $"; missing {string.Join(", ", missing)}" : "") +
                       (extra.Count > 0 ? $"; unexpected {string.Join(", ", extra)}" : "");
            }
        }

        if (expect.HasResult)
        {
            JsonNode? actual = scalarResult
                ? outcome.Values.Count switch { 0 => null, 1 => outcome.Values[0], _ => new JsonArray([.. outcome.Values.Select(v => v?.DeepClone())]) }
                : expect.Result is JsonArray ? new JsonArray([.. outcome.Values.Select(v => v?.DeepClone())]) : outcome.Values.Count == 1 ? outcome.Values[0] : new JsonArray([.. outcome.Values.Select(v => v?.DeepClone())]);
            if (!JsonEqual(expect.Result, actual))
            {
                return $"expected result {expect.Result?.ToJsonString() ?? "null"}, got {actual?.ToJsonString() ?? "null"}";
            }
        }

        if (expect.Columns is not null)
        {
            if (outcome.Values.Count == 0 || outcome.Values[0] is not JsonObject first)
            {
                return $"expected a row with {expect.Columns.ToJsonString()}, got {outcome.Describe()}";
            }

            foreach (var (name, value) in expect.Columns)
            {
                if (!first.TryGetPropertyValue(name, out var actualValue))
                {
                    return $"expected a column '{name}', the row has {string.Join(", ", first.Select(p => p.Key))}";
                }

                if (!JsonEqual(value, actualValue))
                {
                    return $"expected {name} = {value?.ToJsonString() ?? "null"}, got {actualValue?.ToJsonString() ?? "null"}";
                }
            }
        }

        return null;
    }

    /// <summary>Deep equality; numbers by value (2580 = 2580.00), text against a number or boolean by its text.</summary>
    public static bool JsonEqual(JsonNode? expected, JsonNode? actual)
    {
        if (expected is null || actual is null)
        {
            return expected is null && actual is null;
        }

        switch (expected)
        {
            case JsonObject expectedObject:
                return actual is JsonObject actualObject && expectedObject.Count == actualObject.Count
                    && expectedObject.All(p => actualObject.TryGetPropertyValue(p.Key, out var v) && JsonEqual(p.Value, v));
            case JsonArray expectedArray:
                return actual is JsonArray actualArray && expectedArray.Count == actualArray.Count
                    && expectedArray.Zip(actualArray).All(pair => JsonEqual(pair.First, pair.Second));
            default:
                var e = (JsonValue)expected;
                if (actual is not JsonValue a)
                {
                    return false;
                }

                if (e.GetValueKind() == JsonValueKind.Number && a.GetValueKind() == JsonValueKind.Number)
                {
                    return decimal.Parse(e.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) == decimal.Parse(a.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
                }

                return string.Equals(Text(e), Text(a), StringComparison.Ordinal) || Normalize(Text(e)) == Normalize(Text(a));
        }
    }

    private static string Text(JsonValue value) => value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();

    // uuids in any case, decimals written either way.
    private static string Normalize(string value)
    {
        var trimmed = value.Trim();
        if (Guid.TryParse(trimmed, out var guid))
        {
            return guid.ToString();
        }

        return decimal.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number.ToString("G29", CultureInfo.InvariantCulture).TrimEnd()
            : trimmed;
    }
}
