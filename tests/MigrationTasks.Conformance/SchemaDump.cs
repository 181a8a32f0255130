using System.Text.RegularExpressions;

namespace MigrationTasks.Conformance;

/// <summary>
/// <c>pg_dump --schema-only</c> output reduced to what a schema is: one entry per dumped object (its header and
/// statements), without session settings, <c>\restrict</c> lines and comments, sorted; inside CREATE TABLE the
/// column lines are sorted (physical column order is informational) and inside ACL entries the GRANT lines
/// (an ACL is a set). Two databases with the same schema give the same result whatever order built them.
/// </summary>
public static partial class SchemaDump
{
    [GeneratedRegex(@"\n--\n-- (?=Name: )")]
    private static partial Regex EntryHeader();

    [GeneratedRegex(@"(CREATE (?:UNLOGGED )?TABLE [^\n]*\(\n)((?:    [^\n]*\n)+)(\)[^\n]*)")]
    private static partial Regex CreateTable();

    public static IReadOnlyList<string> Normalize(string dump)
    {
        var entries = new List<string>();
        foreach (var entry in EntryHeader().Split(dump.Replace("\r\n", "\n", StringComparison.Ordinal)))
        {
            var lines = entry.Split('\n')
                .Where(l => l.Trim().Length > 0 && !l.StartsWith("--", StringComparison.Ordinal) && !l.StartsWith("\\restrict", StringComparison.Ordinal)
                    && !l.StartsWith("\\unrestrict", StringComparison.Ordinal) && !l.StartsWith("SET ", StringComparison.Ordinal)
                    && !l.StartsWith("SELECT pg_catalog.set_config", StringComparison.Ordinal))
                .ToList();
            var header = lines.Count > 0 && lines[0].StartsWith("Name: ", StringComparison.Ordinal) ? lines[0] : null;
            var text = string.Join("\n", lines);
            if (header is not null && (header.Contains("Type: ACL", StringComparison.Ordinal) || header.Contains("Type: DEFAULT ACL", StringComparison.Ordinal)))
            {
                text = header + "\n" + string.Join("\n", lines.Skip(1).Order(StringComparer.Ordinal));
            }

            text = CreateTable().Replace(text, m => m.Groups[1].Value
                + string.Join("\n", m.Groups[2].Value.TrimEnd('\n').Split('\n').Select(l => l.TrimEnd(',')).Order(StringComparer.Ordinal))
                + "\n" + m.Groups[3].Value);
            if (text.Length > 0)
            {
                entries.Add(text);
            }
        }

        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    /// <summary>What differs between two normalised dumps, for a failure message (empty when equal).</summary>
    public static string Difference(IReadOnlyList<string> applied, IReadOnlyList<string> expected)
    {
        var onlyApplied = applied.Except(expected).ToList();
        var onlyExpected = expected.Except(applied).ToList();
        if (onlyApplied.Count == 0 && onlyExpected.Count == 0)
        {
            return "";
        }

        return $"pg_dump differs. Only after applying: [{string.Join(" || ", onlyApplied.Take(3)).Replace('\n', ' ')}] Only in the target: [{string.Join(" || ", onlyExpected.Take(3)).Replace('\n', ' ')}]";
    }
}
