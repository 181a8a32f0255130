using System.Globalization;
using System.Text;
using MigrationTasks.Data.Spec;
using static MigrationTasks.Sql.SqlQuote;

namespace MigrationTasks.Data;

/// <summary>
/// The SQL of one mapping, in pieces that the data template lays out and validation reuses unchanged:
/// <list type="bullet">
/// <item><see cref="Classified"/>: every source row with its class (filtered, deduplicated, quarantined, migrated),
/// computed in the order filters → de-duplication → quarantine rules → required references;</item>
/// <item><see cref="KeymapFill"/>: quarantine rows and key-map rows in one statement;</item>
/// <item><see cref="LoadFrom"/> with <see cref="LoadSelectList"/>: the rows the target gets;</item>
/// <item><see cref="Load"/>: the idempotent INSERT ... SELECT ... ON CONFLICT.</item>
/// </list>
/// Identifiers are quoted here; expressions come from the spec verbatim and use the spec's aliases.
/// </summary>
public sealed class MappingSql(DataPlan plan, MappingPlan mapping)
{
    public const string Prefix = "__mt_";

    private readonly TableMapping _spec = mapping.Spec;

    public MappingPlan Mapping => mapping;

    private string Alias => Identifier(_spec.Alias);

    private string KeymapSchema => plan.KeymapSchema;

    /// <summary>The source with its alias: a table, or the spec's query in parentheses.</summary>
    public string SourceFrom => _spec.SourceTable is { } table
        ? $"{table.Quoted} AS {Alias}"
        : $"(\n{Indent(_spec.SourceQuery!.Text, 4)}\n) AS {Alias}";

    /// <summary>The LEFT JOINs that resolve each reference through its key map (<c>&lt;ref&gt;.v3_id</c>).</summary>
    public string ReferenceJoins => string.Concat(_spec.References.Select(r =>
        $"\nLEFT JOIN {mapping.ReferenceKeymaps[r.Name].Quoted} AS {Identifier(r.Name)} ON {Identifier(r.Name)}.\"v1_id\" = ({r.KeyExpression.Text})"));

    /// <summary>The v1 key as SQL over the source alias, one per key column.</summary>
    public IReadOnlyList<string> KeyColumns => [.. _spec.Key.Select(k => $"{Alias}.{Identifier(k)}")];

    /// <summary>The v1 key as jsonb ({"id": 12}): the quarantine table's key and the reports' "v1 key".</summary>
    public string KeyJson => "pg_catalog.jsonb_build_object(" + string.Join(", ", _spec.Key.Select(k => $"{Literal(k)}, {Alias}.{Identifier(k)}")) + ")";

    /// <summary>The v1 key as text, the way reports and spot checks show it (<c>12</c>, or <c>id=19, reverse=true</c>).</summary>
    public string KeyText => _spec.Key.Count == 1
        ? $"({Alias}.{Identifier(_spec.Key[0])})::text"
        : string.Join(" || ', ' || ", _spec.Key.Select(k => $"{Literal(k + "=")} || ({Alias}.{Identifier(k)})::text"));

    public string FilterCase => _spec.Filters.Count == 0
        ? "NULL::integer"
        : "CASE " + string.Join(" ", _spec.Filters.Select((f, i) => $"WHEN ({f.When.Text}) THEN {i + 1}")) + " END";

    /// <summary>Rules, in order: the spec's quarantine conditions, then each required reference that did not resolve.</summary>
    public IReadOnlyList<(string Label, string Reason, SpecLocation Location)> QuarantineRules =>
        [.. _spec.Quarantine.Select(q => ($"quarantine rule at line {q.Location.Line}", q.Reason, q.Location))
            .Concat(RequiredReferences.Select(r => ($"reference '{r.Name}' at line {r.Location.Line}", $"{r.Name}: the referenced v1 row was not migrated (missing in v1, filtered or quarantined)", r.Location)))];

    public IReadOnlyList<(string Reason, SpecLocation Location)> FilterRules => [.. _spec.Filters.Select(f => (f.Reason, f.Location))];

    private IEnumerable<ReferenceSpec> RequiredReferences => _spec.References.Where(r => r.Required);

    private string RuleCase
    {
        get
        {
            var whens = _spec.Quarantine.Select((q, i) => $"WHEN ({q.When.Text}) THEN {i + 1}")
                .Concat(RequiredReferences.Select((r, i) => $"WHEN {Identifier(r.Name)}.\"v3_id\" IS NULL THEN {_spec.Quarantine.Count + i + 1}"))
                .ToList();
            return whens.Count == 0 ? "NULL::integer" : "CASE " + string.Join(" ", whens) + " END";
        }
    }

    /// <summary>The reason stored with a quarantined row (over the classified row; reference reasons name the v1 key).</summary>
    public string ReasonCase
    {
        get
        {
            var whens = _spec.Quarantine.Select((q, i) => $"WHEN {i + 1} THEN {Literal(q.Reason)}")
                .Concat(RequiredReferences.Select((r, i) =>
                    $"WHEN {_spec.Quarantine.Count + i + 1} THEN {Literal(r.Name + ": ")} || CASE WHEN ({r.KeyExpression.Text}) IS NULL THEN 'no v1 key (NULL)' ELSE {Literal($"v1 key ")} || ({r.KeyExpression.Text})::text || {Literal($" in key map {r.Keymap} was not migrated (missing in v1, filtered or quarantined)")} END"))
                .ToList();
            return whens.Count == 0 ? "NULL::text" : $"CASE {Alias}.\"{Prefix}rule\" " + string.Join(" ", whens) + " END";
        }
    }

    /// <summary>
    /// Every source row with <c>__mt_class</c> ('filtered', 'deduplicated', 'quarantined', 'migrated'), <c>__mt_filter</c>
    /// and <c>__mt_rule</c> (1-based rule numbers), <c>__mt_survivor</c> (the key a duplicate merges into) and
    /// <c>__mt_ref_&lt;name&gt;</c> (each reference's v3 key), next to the source columns, under the source alias.
    /// </summary>
    public string Classified
    {
        get
        {
            var survivor = _spec.Key.Count == 1 ? KeyColumns[0] : KeyJson;
            var inner = new StringBuilder();
            inner.Append("SELECT ").Append(Alias).Append(".*");
            foreach (var reference in _spec.References)
            {
                inner.Append(",\n       ").Append(Identifier(reference.Name)).Append(".\"v3_id\" AS ").Append(Identifier(Prefix + "ref_" + reference.Name));
            }

            inner.Append(",\n       ").Append(FilterCase).Append(" AS \"").Append(Prefix).Append("filter\"");
            if (_spec.Dedupe is { } dedupe)
            {
                var notNull = string.Join(" AND ", dedupe.By.Select(b => $"({b.Text}) IS NOT NULL"));
                inner.Append(",\n       CASE WHEN ").Append(notNull).Append(" THEN pg_catalog.row_number() OVER \"").Append(Prefix).Append("w\" END AS \"").Append(Prefix).Append("rank\"");
                inner.Append(",\n       pg_catalog.first_value(").Append(survivor).Append(") OVER \"").Append(Prefix).Append("w\" AS \"").Append(Prefix).Append("survivor\"");
            }
            else
            {
                inner.Append(",\n       NULL::bigint AS \"").Append(Prefix).Append("rank\"");
                inner.Append(",\n       NULL::").Append(_spec.Key.Count == 1 ? mapping.KeyTypes[0] : "jsonb").Append(" AS \"").Append(Prefix).Append("survivor\"");
            }

            inner.Append(",\n       ").Append(RuleCase).Append(" AS \"").Append(Prefix).Append("rule\"");
            inner.Append("\nFROM ").Append(SourceFrom).Append(ReferenceJoins);
            if (_spec.Dedupe is { } d)
            {
                inner.Append("\nWINDOW \"").Append(Prefix).Append("w\" AS (PARTITION BY (").Append(FilterCase).Append(") IS NULL, ")
                    .Append(string.Join(", ", d.By.Select(b => $"({b.Text})"))).Append(" ORDER BY ").Append(d.Keep.Text).Append(')');
            }

            // OFFSET 0 keeps the subquery from being flattened: each rule is evaluated once per row, not once per use.
            inner.Append("\nOFFSET 0");

            return $"""
                SELECT {Alias}.*,
                       CASE WHEN {Alias}."{Prefix}filter" IS NOT NULL THEN 'filtered'
                            WHEN {Alias}."{Prefix}rank" > 1 THEN 'deduplicated'
                            WHEN {Alias}."{Prefix}rule" IS NOT NULL THEN 'quarantined'
                            ELSE 'migrated' END AS "{Prefix}class"
                FROM (
                {Indent(inner.ToString(), 4)}
                ) AS {Alias}
                OFFSET 0
                """;
        }
    }

    /// <summary>The source row as jsonb without the classification columns (what the quarantine table keeps).</summary>
    private string SourceRowJson => $"pg_catalog.to_jsonb({Alias}) - ARRAY[{string.Join(", ", ClassificationColumns.Select(c => Literal(c)))}]::text[]";

    private IEnumerable<string> ClassificationColumns =>
        _spec.References.Select(r => Prefix + "ref_" + r.Name).Concat([Prefix + "filter", Prefix + "rank", Prefix + "survivor", Prefix + "rule", Prefix + "class"]);

    private string QuarantineInsert(string from) => $"""
        INSERT INTO {plan.QuarantineTable.Quoted} AS "q" ("mapping", "v1_key", "rule", "reason", "source_row")
        SELECT {Literal(_spec.Name)}, {KeyJson}, {RuleLabelCase}, {ReasonCase}, {SourceRowJson}
        FROM {from}
        WHERE {Alias}."{Prefix}class" = 'quarantined'
        ON CONFLICT ("mapping", "v1_key") DO NOTHING
        """;

    private string RuleLabelCase
    {
        get
        {
            var rules = QuarantineRules;
            return rules.Count == 0 ? "NULL::text" : $"CASE {Alias}.\"{Prefix}rule\" " + string.Join(" ", rules.Select((r, i) => $"WHEN {i + 1} THEN {Literal(r.Label)}")) + " END";
        }
    }

    /// <summary>
    /// For mappings with a key map: one statement that classifies every source row once, keeps the quarantined
    /// rows (with the reason and the whole v1 row), gives each migrated row its v3 key (new rows only: keys
    /// already in the map stay), and maps each duplicate to the v3 key of the row it merges into.
    /// </summary>
    public string KeymapFill
    {
        get
        {
            var keymap = mapping.Keymap!.Quoted;
            var key = KeyColumns[0];
            var keyOf = (string alias) => $"{Identifier(alias)}.{Identifier(_spec.Key[0])}";
            return $"""
                WITH "{Prefix}classified" AS MATERIALIZED (
                    SELECT {key}, {Alias}."{Prefix}class", {Alias}."{Prefix}survivor", {KeyJson} AS "{Prefix}key", {RuleLabelCase} AS "{Prefix}label", {ReasonCase} AS "{Prefix}reason",
                           CASE WHEN {Alias}."{Prefix}class" = 'quarantined' THEN {SourceRowJson} END AS "{Prefix}row",
                           CASE WHEN {Alias}."{Prefix}class" = 'migrated' AND "{Prefix}known"."v1_id" IS NULL THEN ({mapping.V3KeyExpression}) END AS "{Prefix}new_v3"
                    FROM (
                {Indent(Classified, 8)}
                    ) AS {Alias}
                    LEFT JOIN {keymap} AS "{Prefix}known" ON "{Prefix}known"."v1_id" = {key}
                ),
                "{Prefix}quarantined" AS (
                    INSERT INTO {plan.QuarantineTable.Quoted} ("mapping", "v1_key", "rule", "reason", "source_row")
                    SELECT {Literal(_spec.Name)}, c."{Prefix}key", c."{Prefix}label", c."{Prefix}reason", c."{Prefix}row"
                    FROM "{Prefix}classified" AS c
                    WHERE c."{Prefix}class" = 'quarantined'
                    ON CONFLICT ("mapping", "v1_key") DO NOTHING
                ),
                "{Prefix}migrated" AS (
                    INSERT INTO {keymap} ("v1_id", "v3_id")
                    SELECT {keyOf("c")}, c."{Prefix}new_v3"
                    FROM "{Prefix}classified" AS c
                    WHERE c."{Prefix}new_v3" IS NOT NULL
                    ON CONFLICT ("v1_id") DO NOTHING
                    RETURNING "v1_id", "v3_id"
                )
                INSERT INTO {keymap} ("v1_id", "v3_id", "duplicate_of")
                SELECT {keyOf("d")}, coalesce(m."v3_id", k."v3_id"), d."{Prefix}survivor"
                FROM "{Prefix}classified" AS d
                LEFT JOIN "{Prefix}migrated" AS m ON m."v1_id" = d."{Prefix}survivor"
                LEFT JOIN {keymap} AS k ON k."v1_id" = d."{Prefix}survivor" AND k."duplicate_of" IS NULL
                WHERE d."{Prefix}class" = 'deduplicated' AND coalesce(m."v3_id", k."v3_id") IS NOT NULL
                ON CONFLICT ("v1_id") DO NOTHING;
                """;
        }
    }

    /// <summary>
    /// FROM and WHERE of the rows the target gets: with a key map, the source rows whose key maps to a v3 key of their
    /// own (the key map is the classification's result); without one, the classified rows that are 'migrated'.
    /// <paramref name="extraWhere"/> narrows it (a key range, a spot check).
    /// </summary>
    public string LoadFrom(string? extraWhere = null)
    {
        var where = extraWhere is null ? "" : $" AND ({extraWhere})";
        if (mapping.Keymap is { } keymap)
        {
            return $"FROM {SourceFrom}\nJOIN {keymap.Quoted} AS \"km\" ON \"km\".\"v1_id\" = {KeyColumns[0]} AND \"km\".\"duplicate_of\" IS NULL{ReferenceJoins}"
                + (where.Length > 0 ? $"\nWHERE true{where}" : "");
        }

        return ClassifiedFrom($"(\n{Indent(Classified, 4)}\n)", where);
    }

    /// <summary>FROM the classified rows (a subquery or a CTE) with each reference's v3 key under its name, migrated rows only.</summary>
    private string ClassifiedFrom(string relation, string where)
    {
        var laterals = string.Concat(_spec.References.Select(r =>
            $"\nCROSS JOIN LATERAL (SELECT {Alias}.{Identifier(Prefix + "ref_" + r.Name)} AS \"v3_id\") AS {Identifier(r.Name)}"));
        return $"FROM {relation} AS {Alias}{laterals}\nWHERE {Alias}.\"{Prefix}class\" = 'migrated'{where}";
    }

    /// <summary>
    /// For mappings without a key map: one statement that classifies every v1 row once, keeps the quarantined ones and
    /// loads the migrated ones (a materialized CTE read twice).
    /// </summary>
    public string QuarantineAndLoad => $"WITH \"{Prefix}classified\" AS MATERIALIZED (\n{Indent(Classified, 4)}\n),\n\"{Prefix}quarantined\" AS (\n" +
        Indent(QuarantineInsert($"\"{Prefix}classified\" AS {Alias}"), 4) + "\n)\n" + Insert(ClassifiedFrom($"\"{Prefix}classified\"", ""));

    /// <summary>The value SQL of each mapped column, in spec order.</summary>
    public IReadOnlyList<string> ColumnValues => [.. mapping.Columns.Select(c => ValueOf(c.Mapping))];

    private string ValueOf(ColumnMapping column) =>
        column.IsKey ? "\"km\".\"v3_id\""
        : column.Reference is { } reference ? $"{Identifier(reference)}.\"v3_id\""
        : $"({column.Expression!.Text})";

    /// <summary>The select list of the load: each column's value with the spec line it comes from.</summary>
    public string LoadSelectList => string.Join("\n", mapping.Columns.Select((c, i) =>
        $"{ValueOf(c.Mapping)}{(i < mapping.Columns.Count - 1 ? "," : "")} -- {c.Mapping.Column} ({Path.GetFileName(plan.Spec.File)}:{c.Mapping.Location.Line})"));

    /// <summary>The target columns, quoted, in spec order.</summary>
    public string TargetColumns => string.Join(", ", mapping.Columns.Select(c => Identifier(c.Column.Name)));

    /// <summary>The idempotent load: INSERT ... SELECT ... ON CONFLICT (arbiter) DO NOTHING, or DO UPDATE of the mapped columns when they differ.</summary>
    public string Load(string? extraWhere = null) => Insert(LoadFrom(extraWhere));

    private string Insert(string from)
    {
        var arbiter = string.Join(", ", mapping.Arbiter.Select(Identifier));
        var updated = mapping.Columns.Select(c => c.Column.Name).Where(c => !mapping.Arbiter.Contains(c)).ToList();
        var conflict = _spec.OnConflict == "update" && updated.Count > 0
            ? $"ON CONFLICT ({arbiter}) DO UPDATE SET {string.Join(", ", updated.Select(c => $"{Identifier(c)} = EXCLUDED.{Identifier(c)}"))}\n" +
              $"    WHERE ({string.Join(", ", updated.Select(c => $"\"t\".{Identifier(c)}"))}) IS DISTINCT FROM ({string.Join(", ", updated.Select(c => $"EXCLUDED.{Identifier(c)}"))})"
            : $"ON CONFLICT ({arbiter}) DO NOTHING";
        return $"INSERT INTO {mapping.Target.Quoted} AS \"t\" ({TargetColumns})" + (mapping.OverridingSystemValue ? "\nOVERRIDING SYSTEM VALUE" : "") + "\n" +
            $"SELECT\n{Indent(LoadSelectList, 4)}\n{from}\n{conflict};";
    }

    /// <summary>The key-range predicate of one batch (plpgsql variables of the generated DO block).</summary>
    public string BatchPredicate(string lower, string upper) => $"{KeyColumns[0]} >= {lower} AND {KeyColumns[0]} < {upper}";

    /// <summary>The first key column of the source, qualified by the table (for min/max of the batch loop).</summary>
    public string BatchKey => Identifier(_spec.Key[0]);

    // ---- validation ----

    /// <summary>Each mapped column's expected value, cast to the target column's type (so text forms compare equal).</summary>
    public IReadOnlyList<string> ExpectedValues => [.. mapping.Columns.Select(c => $"({ValueOf(c.Mapping)})::{c.Column.Type}")];

    /// <summary>Each mapped target column on the target alias "t".</summary>
    public IReadOnlyList<string> ActualValues => [.. mapping.Columns.Select(c => $"\"t\".{Identifier(c.Column.Name)}")];

    /// <summary>The arbiter on the expected side (over the load's FROM) and on the target side (alias "t").</summary>
    public string ExpectedArbiterText => TextOf(mapping.Arbiter.Select(a => ExpectedValues[ColumnIndex(a)]));

    public string ActualArbiterText => TextOf(mapping.Arbiter.Select(a => $"\"t\".{Identifier(a)}"));

    private int ColumnIndex(string column) => mapping.Columns.ToList().FindIndex(c => c.Column.Name == column);

    private static string TextOf(IEnumerable<string> values)
    {
        var list = values.ToList();
        return list.Count == 1 ? $"({list[0]})::text" : "ROW(" + string.Join(", ", list) + ")::text";
    }

    /// <summary>An order-independent content checksum: the sum of a 64-bit hash of each row's text form, and the row count.</summary>
    public static string Checksum(IEnumerable<string> values) =>
        $"pg_catalog.hashtextextended(ROW({string.Join(", ", values)})::text, 0)";

    /// <summary>Which target rows this mapping accounts for: with a key map, those whose key it produced; otherwise all.</summary>
    public string TargetScope => mapping.Keymap is { } keymap
        ? $"EXISTS (SELECT FROM {keymap.Quoted} AS \"scope\" WHERE \"scope\".\"v3_id\" = \"t\".{Identifier(mapping.Arbiter[0])} AND \"scope\".\"duplicate_of\" IS NULL)"
        : "true";

    public static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        return string.Join("\n", text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.Length == 0 ? l : pad + l));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{mapping.Order}. {_spec.Name}");
}
