using System.Globalization;

namespace MigrationTasks.Sql;

/// <summary>
/// Quoting for generated SQL. Object names are data, never code: every identifier goes through
/// <see cref="Identifier"/> and every literal through <see cref="Literal(string?)"/>, whatever it contains.
/// </summary>
public static class SqlQuote
{
    /// <summary><c>my"table</c> becomes <c>"my""table"</c>. Always quoted, so case and keywords are preserved.</summary>
    public static string Identifier(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("An identifier cannot be empty or contain NUL.", nameof(name));
        }

        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary><c>schema.name</c>, both parts quoted.</summary>
    public static string Qualified(string schema, string name) => Identifier(schema) + "." + Identifier(name);

    /// <summary>
    /// A string literal. Plain <c>'...'</c> with doubled quotes; a value with backslashes becomes an
    /// <c>E'...'</c> literal with escaped backslashes, so the result is right whatever
    /// <c>standard_conforming_strings</c> is set to.
    /// </summary>
    public static string Literal(string? value)
    {
        if (value is null)
        {
            return "NULL";
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("PostgreSQL text cannot contain NUL.", nameof(value));
        }

        var doubled = value.Replace("'", "''", StringComparison.Ordinal);
        return value.Contains('\\', StringComparison.Ordinal)
            ? "E'" + doubled.Replace("\\", "\\\\", StringComparison.Ordinal) + "'"
            : "'" + doubled + "'";
    }

    /// <summary>A numeric literal in invariant culture.</summary>
    public static string Literal(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A dollar-quoted body (<c>$tag$...$tag$</c>) whose tag does not occur in the body, for function
    /// bodies and DO blocks.
    /// </summary>
    public static string DollarQuoted(string body, string preferredTag = "")
    {
        ArgumentNullException.ThrowIfNull(body);
        var tag = preferredTag;
        for (var i = 0; body.Contains("$" + tag + "$", StringComparison.Ordinal); i++)
        {
            tag = (preferredTag.Length == 0 ? "q" : preferredTag) + i.ToString(CultureInfo.InvariantCulture);
        }

        return "$" + tag + "$" + body + "$" + tag + "$";
    }
}
