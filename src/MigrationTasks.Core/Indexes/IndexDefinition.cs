using System.Text;
using System.Text.RegularExpressions;
using MigrationTasks.Sql;

namespace MigrationTasks.Indexes;

/// <summary>One key of an index: a column, or a one-argument function of it; with an operator class and an order.</summary>
public sealed record IndexKey(string Column, string? Function = null, string? OperatorClassSchema = null, string? OperatorClass = null, bool Descending = false)
{
    /// <summary>The key as pg_get_indexdef prints it, without quotes, for comparing with existing indexes.</summary>
    public string CatalogText => Function is null ? Column : $"{Function}({Column})";
}

/// <summary>One condition of a partial index's WHERE: a column compared with constants the query wrote.</summary>
/// <param name="Column">The column.</param>
/// <param name="Values">The constants (one for "=", several for "IN", none otherwise).</param>
/// <param name="Operator">"=" (one value), "IN" (several), "IS NULL", "IS NOT NULL", "TRUE" or "FALSE" (a boolean column).</param>
public sealed record PartialCondition(string Column, string Operator, IReadOnlyList<string> Values);

/// <summary>
/// An index to create: table, method, keys and partial predicate, rendered into SQL with every identifier and
/// literal quoted (names and values are data). Built by the analysis, stored in its JSON, and rendered again from
/// that JSON by the indexes template, so the migration never contains text the engine did not quote itself.
/// </summary>
public sealed partial record IndexDefinition(string Schema, string Table, string Method, IReadOnlyList<IndexKey> Keys, IReadOnlyList<PartialCondition> Where)
{
    public static readonly IReadOnlyList<string> Methods = ["btree", "gin", "gist"];

    private static readonly IReadOnlyList<string> Operators = ["=", "IN", "IS NULL", "IS NOT NULL", "TRUE", "FALSE"];

    /// <summary>Throws when the definition (for example read back from a hand-edited JSON file) is not one the engine builds.</summary>
    public IndexDefinition Validated(string source)
    {
        if (!Methods.Contains(Method))
        {
            throw Invalid(source, $"method '{Method}' (use {string.Join(", ", Methods)})");
        }

        if (Keys.Count == 0)
        {
            throw Invalid(source, "no key");
        }

        foreach (var key in Keys)
        {
            if (key.Function is not null && !SimpleName().IsMatch(key.Function))
            {
                throw Invalid(source, $"key function '{key.Function}'");
            }

            if ((key.OperatorClass is null) != (key.OperatorClassSchema is null))
            {
                throw Invalid(source, "an operator class needs its schema");
            }
        }

        foreach (var condition in Where)
        {
            if (!Operators.Contains(condition.Operator) || (condition.Operator is "=" && condition.Values.Count != 1) || (condition.Operator is "IN" && condition.Values.Count == 0))
            {
                throw Invalid(source, $"partial condition '{condition.Column} {condition.Operator}'");
            }
        }

        return this;
    }

    /// <summary>The key list, e.g. <c>"adventure_id", "created_at" DESC</c>.</summary>
    public string KeysSql() => string.Join(", ", Keys.Select(KeySql));

    /// <summary>The partial predicate, e.g. <c>NOT "is_private" AND "status" = 'published'</c>, or null.</summary>
    public string? WhereSql() => Where.Count == 0 ? null : string.Join(" AND ", Where.Select(ConditionSql));

    /// <summary>The CREATE INDEX statement.</summary>
    public string CreateSql(string name, bool concurrently, bool ifNotExists)
    {
        var sql = new StringBuilder("CREATE INDEX ");
        if (concurrently)
        {
            sql.Append("CONCURRENTLY ");
        }

        if (ifNotExists)
        {
            sql.Append("IF NOT EXISTS ");
        }

        sql.Append(SqlQuote.Identifier(name)).Append(" ON ").Append(SqlQuote.Qualified(Schema, Table)).Append(" USING ").Append(Method)
            .Append(" (").Append(KeysSql()).Append(')');
        if (WhereSql() is { } where)
        {
            sql.Append(" WHERE ").Append(where);
        }

        return sql.ToString();
    }

    /// <summary>A short human description: <c>public.bookings (adventure_id) WHERE NOT is_private</c>.</summary>
    public string Describe()
    {
        var keys = string.Join(", ", Keys.Select(k => k.CatalogText + (k.OperatorClass is null ? "" : " " + k.OperatorClass) + (k.Descending ? " DESC" : "")));
        var method = Method == "btree" ? "" : $" USING {Method}";
        var where = Where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", Where.Select(c => c.Operator switch
        {
            "TRUE" => c.Column,
            "FALSE" => "NOT " + c.Column,
            "IS NULL" or "IS NOT NULL" => $"{c.Column} {c.Operator}",
            "IN" => $"{c.Column} IN ({string.Join(", ", c.Values.Select(v => $"'{v}'"))})",
            _ => $"{c.Column} = '{c.Values[0]}'",
        }));
        return $"{Schema}.{Table}{method} ({keys}){where}";
    }

    /// <summary>
    /// A name in PostgreSQL's style, <c>&lt;table&gt;_&lt;columns&gt;_idx</c>, cut to 63 bytes; <paramref name="taken"/> decides
    /// whether a candidate is free (a number is appended until one is).
    /// </summary>
    public string SuggestName(Func<string, bool> taken)
    {
        var columns = string.Join("_", Keys.Select(k => k.Function is null ? k.Column : $"{k.Function}_{k.Column}"));
        for (var attempt = 1; ; attempt++)
        {
            var suffix = attempt == 1 ? "_idx" : $"_idx{attempt}";
            var name = Fit($"{Table}_{columns}", 63 - Encoding.UTF8.GetByteCount(suffix)) + suffix;
            if (!taken(name))
            {
                return name;
            }
        }
    }

    private static string Fit(string text, int bytes)
    {
        while (Encoding.UTF8.GetByteCount(text) > bytes)
        {
            text = text[..^1];
        }

        return text;
    }

    private static string KeySql(IndexKey key)
    {
        var sql = key.Function is null ? SqlQuote.Identifier(key.Column) : $"({SqlQuote.Identifier(key.Function)}({SqlQuote.Identifier(key.Column)}))";
        if (key.OperatorClass is not null)
        {
            sql += " " + SqlQuote.Qualified(key.OperatorClassSchema!, key.OperatorClass);
        }

        return key.Descending ? sql + " DESC" : sql;
    }

    private static string ConditionSql(PartialCondition condition)
    {
        var column = SqlQuote.Identifier(condition.Column);
        return condition.Operator switch
        {
            "TRUE" => column,
            "FALSE" => "NOT " + column,
            "IS NULL" => column + " IS NULL",
            "IS NOT NULL" => column + " IS NOT NULL",
            "IN" => $"{column} IN ({string.Join(", ", condition.Values.Select(v => SqlQuote.Literal(v)))})",
            _ => $"{column} = {SqlQuote.Literal(condition.Values[0])}",
        };
    }

    private static Errors.MigrationTasksException Invalid(string source, string what) =>
        Errors.Errors.IndexAnalysisMissing(source, $"holds an index definition the engine does not build ({what}); it may have been edited by hand");

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SimpleName();
}
