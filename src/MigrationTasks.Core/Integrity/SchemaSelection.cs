using System.Text;
using MigrationTasks.Sql;

namespace MigrationTasks.Integrity;

/// <summary>
/// Which schemas a backup, a fingerprint or a census covers: every schema except the system ones
/// (<c>pg_*</c>, <c>information_schema</c>) and those matching an exclusion pattern. Patterns use pg_dump's
/// wildcard <c>*</c>, so the same list drives <c>pg_dump --exclude-schema</c> and the catalog queries.
/// </summary>
public sealed record SchemaSelection
{
    public SchemaSelection(IEnumerable<string> excludedPatterns)
    {
        ExcludedPatterns = [.. excludedPatterns.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>Every user schema.</summary>
    public static SchemaSelection All { get; } = new([]);

    /// <summary>Schema name patterns left out (<c>*</c> matches any run of characters).</summary>
    public IReadOnlyList<string> ExcludedPatterns { get; }

    /// <summary>Whether <paramref name="schema"/> is covered.</summary>
    public bool Includes(string schema) =>
        !schema.StartsWith("pg_", StringComparison.Ordinal) && schema != "information_schema" &&
        !ExcludedPatterns.Any(pattern => Matches(pattern, schema));

    /// <summary>A SQL condition on a schema name column that is true for covered schemas.</summary>
    public string SqlPredicate(string column)
    {
        var condition = new StringBuilder($"({column} NOT LIKE 'pg\\_%' AND {column} <> 'information_schema'");
        if (ExcludedPatterns.Count > 0)
        {
            condition.Append($" AND NOT ({column} LIKE ANY (ARRAY[{string.Join(", ", ExcludedPatterns.Select(p => SqlQuote.Literal(ToLike(p))))}]))");
        }

        return condition.Append(')').ToString();
    }

    public bool Equals(SchemaSelection? other) => other is not null && ExcludedPatterns.SequenceEqual(other.ExcludedPatterns, StringComparer.Ordinal);

    public override int GetHashCode() => string.Join(",", ExcludedPatterns).GetHashCode(StringComparison.Ordinal);

    private static bool Matches(string pattern, string schema)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(pattern, schema, StringComparison.Ordinal);
        }

        var parts = pattern.Split('*');
        if (!schema.StartsWith(parts[0], StringComparison.Ordinal) || !schema.EndsWith(parts[^1], StringComparison.Ordinal) ||
            schema.Length < parts[0].Length + parts[^1].Length)
        {
            return false;
        }

        var position = parts[0].Length;
        foreach (var middle in parts[1..^1])
        {
            var found = schema.IndexOf(middle, position, StringComparison.Ordinal);
            if (found < 0 || found + middle.Length > schema.Length - parts[^1].Length)
            {
                return false;
            }

            position = found + middle.Length;
        }

        return true;
    }

    // LIKE with backslash as its (default) escape: the wildcard becomes %, literal % and _ are escaped.
    private static string ToLike(string pattern) =>
        pattern.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal).Replace('*', '%');
}
