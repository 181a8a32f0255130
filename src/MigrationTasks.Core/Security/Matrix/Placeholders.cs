using System.Text.RegularExpressions;

namespace MigrationTasks.Security.Matrix;

/// <summary>
/// <c>{{name}}</c> in the matrix: a value from <c>values:</c>, or <c>persona.id</c> / <c>persona.email</c> of a
/// signed-in persona. In SQL (fixtures, user queries, filters, <c>sql:</c>) a placeholder becomes a quoted literal
/// (never code); in JSON values and expectations it becomes the plain text.
/// </summary>
public static partial class Placeholders
{
    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>The names used in <paramref name="text"/>.</summary>
    public static IEnumerable<string> Names(string? text) =>
        text is null ? [] : Pattern().Matches(text).Select(match => match.Groups[1].Value);

    /// <summary>The names used in <paramref name="text"/> and where each occurs (UTF-16 index).</summary>
    public static IEnumerable<(string Name, int Index)> Occurrences(string? text) =>
        text is null ? [] : Pattern().Matches(text).Select(match => (match.Groups[1].Value, match.Index));

    /// <summary><paramref name="text"/> with every placeholder replaced by <paramref name="value"/>(name), as a SQL literal when <paramref name="asSqlLiteral"/>.</summary>
    public static string Resolve(string text, Func<string, string> value, bool asSqlLiteral)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(value);
        return Pattern().Replace(text, match =>
        {
            var resolved = value(match.Groups[1].Value);
            return asSqlLiteral ? Sql.SqlQuote.Literal(resolved) : resolved;
        });
    }
}
