using System.Text.Json.Nodes;
using MigrationTasks.Security.Matrix;
using MigrationTasks.Sql;

namespace MigrationTasks.Security.Running;

/// <summary>The statement a case runs and its one parameter (the JSON body, as PostgREST binds it to $1).</summary>
public sealed record ApiStatement(string Sql, string? JsonBody)
{
    /// <summary>The statement with the body inlined as a literal, to paste into psql.</summary>
    public string Inline() => JsonBody is null ? Sql : Sql.Replace("$1", SqlQuote.Literal(JsonBody) + "::json", StringComparison.Ordinal);
}

/// <summary>
/// The SQL PostgREST generates for a supabase-js call (its <c>QueryBuilder</c> shapes, simplified): reads and
/// writes go through a <c>pgrst_source</c> CTE; bodies are bound as one JSON parameter and turned into rows with
/// <c>json_populate_recordset</c> / <c>json_populate_record</c> on the table's own row type (so the table's column
/// types apply); an RPC passes named arguments read from the body with <c>json_to_record</c> and the function's
/// argument types. Writes return <c>1</c> per row (supabase-js v2's default) or the rows (<c>.select()</c>).
/// Every name is quoted; only the filter and the columns list are the matrix's own SQL, as a PostgREST filter is.
/// </summary>
public static class ApiStatements
{
    public static ApiStatement Select(string schema, string relation, string columns, string? where, string? key) =>
        new($"WITH pgrst_source AS (SELECT {columns} FROM {SqlQuote.Qualified(schema, relation)}{Where(where)}) " +
            $"SELECT {KeyOf(key)} FROM pgrst_source", null);

    public static ApiStatement Insert(string schema, string relation, JsonArray rows, bool returnRows, string? key)
    {
        var columns = rows.OfType<JsonObject>().SelectMany(row => row.Select(property => property.Key)).Distinct(StringComparer.Ordinal).Select(SqlQuote.Identifier).ToList();
        var table = SqlQuote.Qualified(schema, relation);
        var list = string.Join(", ", columns);
        return new($"WITH pgrst_source AS (INSERT INTO {table} ({list}) SELECT {list} FROM pg_catalog.json_populate_recordset(NULL::{table}, $1) " +
                   $"{Returning(table, returnRows)}) SELECT {KeyOf(returnRows ? key : null)} FROM pgrst_source", rows.ToJsonString());
    }

    public static ApiStatement Update(string schema, string relation, JsonObject values, string where, bool returnRows, string? key)
    {
        var table = SqlQuote.Qualified(schema, relation);
        var list = string.Join(", ", values.Select(property => SqlQuote.Identifier(property.Key)));
        return new($"WITH pgrst_source AS (UPDATE {table} SET ({list}) = (SELECT {list} FROM pg_catalog.json_populate_record(NULL::{table}, $1))" +
                   $"{Where(where)} {Returning(table, returnRows)}) SELECT {KeyOf(returnRows ? key : null)} FROM pgrst_source", values.ToJsonString());
    }

    public static ApiStatement Delete(string schema, string relation, string where, bool returnRows, string? key)
    {
        var table = SqlQuote.Qualified(schema, relation);
        return new($"WITH pgrst_source AS (DELETE FROM {table}{Where(where)} {Returning(table, returnRows)}) SELECT {KeyOf(returnRows ? key : null)} FROM pgrst_source", null);
    }

    /// <summary>Each result row as JSON (a scalar function's value itself; a row type's columns as an object).</summary>
    public static ApiStatement Rpc(RpcFunction function, JsonObject args)
    {
        var name = SqlQuote.Qualified(function.Schema, function.Name);
        if (args.Count == 0)
        {
            return new($"SELECT pg_catalog.to_jsonb(pgrst_call)::text FROM {name}() pgrst_call", null);
        }

        var declared = string.Join(", ", args.Select(arg => $"{SqlQuote.Identifier(arg.Key)} {function.ArgumentType(arg.Key)}"));
        var passed = string.Join(", ", args.Select(arg => $"{SqlQuote.Identifier(arg.Key)} := pgrst_args.{SqlQuote.Identifier(arg.Key)}"));
        return new($"SELECT pg_catalog.to_jsonb(pgrst_call)::text FROM pg_catalog.json_to_record($1) AS pgrst_args({declared}) " +
                   $"CROSS JOIN LATERAL {name}({passed}) pgrst_call", args.ToJsonString());
    }

    private static string Where(string? where) => string.IsNullOrWhiteSpace(where) ? "" : $" WHERE ({where})";

    private static string Returning(string table, bool returnRows) => returnRows ? $"RETURNING {table}.*" : "RETURNING 1";

    private static string KeyOf(string? key) => key is null ? "NULL::text" : $"(pgrst_source.{SqlQuote.Identifier(key)})::text";
}
