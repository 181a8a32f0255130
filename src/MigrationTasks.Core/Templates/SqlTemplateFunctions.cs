using MigrationTasks.Sql;

namespace MigrationTasks.Templates;

/// <summary>
/// The <c>sql</c> object in templates: names and values become SQL only through these, so object names are data,
/// never code (<c>{{ sql.ident table.name }}</c>, <c>{{ sql.literal row.email }}</c>).
/// </summary>
public static class SqlTemplateFunctions
{
    /// <summary><c>sql.ident "my table"</c> → <c>"my table"</c>.</summary>
    public static string Ident(string name) => SqlQuote.Identifier(name);

    /// <summary><c>sql.qualified "public" "profiles"</c> → <c>"public"."profiles"</c>.</summary>
    public static string Qualified(string schema, string name) => SqlQuote.Qualified(schema, name);

    /// <summary><c>sql.literal value</c>: a string literal, a number as is, null as NULL.</summary>
    public static string Literal(object? value) => value switch
    {
        null => "NULL",
        bool flag => flag ? "true" : "false",
        int or long or short or byte => SqlQuote.Literal(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        decimal or double or float => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        _ => SqlQuote.Literal(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
    };

    /// <summary><c>sql.dollar_quoted body</c>: a $tag$ body whose tag does not occur in it.</summary>
    public static string DollarQuoted(string body) => SqlQuote.DollarQuoted(body);

    /// <summary>
    /// <c>-- {{ sql.comment text }}</c>: text made safe for a <c>--</c> comment (line breaks become spaces), so data
    /// written into a comment can never end it and start SQL.
    /// </summary>
    public static string Comment(object? text) =>
        string.Join(' ', (Convert.ToString(text, System.Globalization.CultureInfo.InvariantCulture) ?? "").Split(['\r', '\n', '\u2028', '\u2029', '\u0085'], StringSplitOptions.RemoveEmptyEntries));
}
