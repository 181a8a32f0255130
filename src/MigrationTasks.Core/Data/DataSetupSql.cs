using MigrationTasks.Data.Spec;
using static MigrationTasks.Sql.SqlQuote;

namespace MigrationTasks.Data;

/// <summary>
/// The objects the data migration keeps beside v3: a schema of its own (not exposed through the API) with the
/// quarantine table, one key map per mapping that has one (v1 key → v3 key, persisted so reruns and later foreign
/// keys agree) and the spec's helper functions. All idempotent (IF NOT EXISTS, OR REPLACE). The same statements
/// prepare the transaction in which the spec is planned and validated (then rolled back).
/// </summary>
public static class DataSetupSql
{
    public static IReadOnlyList<string> Schema(MappingSpec spec) =>
    [
        $"CREATE SCHEMA IF NOT EXISTS {Identifier(spec.KeymapSchema)}",
        $"REVOKE ALL ON SCHEMA {Identifier(spec.KeymapSchema)} FROM PUBLIC",
        $"COMMENT ON SCHEMA {Identifier(spec.KeymapSchema)} IS {Literal($"MigrationTasks v1 to v3 data migration ({Path.GetFileName(spec.File)}): key maps (v1 key -> v3 key), quarantined rows with the reason, helper functions. Not exposed through the API.")}",
        $"""
        CREATE TABLE IF NOT EXISTS {Qualified(spec.KeymapSchema, spec.QuarantineTable)} (
            "mapping" text NOT NULL,
            "v1_key" jsonb NOT NULL,
            "rule" text,
            "reason" text NOT NULL,
            "source_row" jsonb NOT NULL,
            "quarantined_at" timestamptz NOT NULL DEFAULT pg_catalog.now(),
            PRIMARY KEY ("mapping", "v1_key")
        )
        """,
        $"COMMENT ON TABLE {Qualified(spec.KeymapSchema, spec.QuarantineTable)} IS {Literal("v1 rows the data migration could not convert, with the reason and the whole v1 row; never silently dropped.")}",
    ];

    public static IReadOnlyList<string> Functions(MappingSpec spec) =>
        [.. spec.Functions.Select(f => Function(spec, f))];

    /// <summary>
    /// A helper as an SQL-standard body (RETURN expr): parsed once at creation, so the search_path of the caller
    /// does not matter, and inlined by the planner into the statements that call it (no per-row call).
    /// </summary>
    public static string Function(MappingSpec spec, HelperFunction function) =>
        $"CREATE OR REPLACE FUNCTION {Qualified(spec.KeymapSchema, function.Name)}({function.Arguments}) RETURNS {function.Returns}\n" +
        $"    LANGUAGE sql STABLE PARALLEL SAFE\n    RETURN {MappingSql.Indent(function.Body.Text, 4).TrimStart()}";

    public static string Keymap(MappingPlan mapping) =>
        $"""
        CREATE TABLE IF NOT EXISTS {mapping.Keymap!.Quoted} (
            "v1_id" {mapping.KeyTypes[0]} PRIMARY KEY,
            "v3_id" {mapping.V3KeyType} NOT NULL,
            "duplicate_of" {mapping.KeyTypes[0]}
        )
        """;

    public static string KeymapComment(MappingSpec spec, MappingPlan mapping) =>
        $"COMMENT ON TABLE {mapping.Keymap!.Quoted} IS {Literal($"{Path.GetFileName(spec.File)} mapping {mapping.Name} (line {mapping.Spec.Location.Line}): v1 {mapping.Spec.SourceDescription}.{mapping.Spec.Key[0]} -> v3 {mapping.Target}.{mapping.Arbiter[0]}; duplicate_of = the v1 key a duplicate was merged into.")}";
}
