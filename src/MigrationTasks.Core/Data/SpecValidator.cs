using System.Text.RegularExpressions;
using MigrationTasks.Common;
using MigrationTasks.Data.Spec;
using MigrationTasks.Errors;
using Npgsql;
using static MigrationTasks.Sql.SqlQuote;

namespace MigrationTasks.Data;

/// <summary>
/// Checks a spec against a real database before anything runs, and resolves it into a <see cref="DataPlan"/>:
/// tables and columns exist (MT0507, MT0508), the target has a unique key to be idempotent on (MT0511), every NOT NULL
/// column is filled (MT0512), and PostgreSQL plans every expression, condition and generated statement (MT0509)
/// against the real tables, the key maps and the helper functions. Everything needing DDL happens inside the caller's
/// transaction, which the caller rolls back (<see cref="DataSession"/>). Every error points at the spec's line.
/// </summary>
public static partial class SpecValidator
{
    public static async Task<DataPlan> ValidateAsync(MappingSpec spec, NpgsqlConnection connection, IEngineLog log, CancellationToken cancellationToken)
    {
        var catalog = await DataCatalog.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        var probe = new Probe(connection, spec.File);

        foreach (var statement in DataSetupSql.Schema(spec))
        {
            await probe.ExecuteAsync(statement, null, "the key-map schema", spec.Mappings[0].Location, cancellationToken).ConfigureAwait(false);
        }

        foreach (var function in spec.Functions)
        {
            var sql = DataSetupSql.Function(spec, function);
            await probe.ExecuteAsync(sql, (function.Body, sql.IndexOf("RETURN ", StringComparison.Ordinal) + "RETURN ".Length),
                $"the helper function '{function.Name}'", function.Location, cancellationToken).ConfigureAwait(false);
        }

        var plans = new List<MappingPlan>();
        var keymaps = new Dictionary<string, QualifiedName>(StringComparer.Ordinal);
        foreach (var mapping in spec.Mappings)
        {
            var plan = await ResolveAsync(spec, mapping, plans.Count + 1, catalog, keymaps, probe, cancellationToken).ConfigureAwait(false);
            if (plan.Keymap is not null)
            {
                await probe.ExecuteAsync(DataSetupSql.Keymap(plan), null, $"the key map of mapping '{mapping.Name}'", mapping.Keymap!.Location, cancellationToken).ConfigureAwait(false);
                keymaps[mapping.Keymap.Name] = plan.Keymap;
            }

            plans.Add(plan);
        }

        var dataPlan = new DataPlan(spec, plans, catalog);
        foreach (var plan in plans)
        {
            await PlanExpressionsAsync(dataPlan, plan, probe, cancellationToken).ConfigureAwait(false);
            WarnAboutUnmappedColumns(spec, plan, log);
        }

        return dataPlan;
    }

    private static async Task<MappingPlan> ResolveAsync(MappingSpec spec, TableMapping mapping, int order, DataCatalog catalog,
        Dictionary<string, QualifiedName> keymaps, Probe probe, CancellationToken cancellationToken)
    {
        var target = catalog.Relation(mapping.Target)
            ?? throw Errors.Errors.SpecUnknownTable(spec.File, mapping.TargetLocation.Line, mapping.TargetLocation.Column, mapping.Target.ToString(), "target");
        if (target.Kind is not ('r' or 'p'))
        {
            throw Errors.Errors.SpecShape(spec.File, mapping.TargetLocation.Line, mapping.TargetLocation.Column, $"the target {mapping.Target} is not a table.");
        }

        if (catalog.RlsApplies(target))
        {
            throw Errors.Errors.DataMigrationNoRlsBypass(catalog.CurrentRole, mapping.Target.ToString()).At(spec.File, mapping.TargetLocation.Line);
        }

        IReadOnlyList<CatalogColumn> sourceColumns;
        IReadOnlyList<QualifiedName> sourceRelations;
        if (mapping.SourceTable is { } table)
        {
            var source = catalog.Relation(table)
                ?? throw Errors.Errors.SpecUnknownTable(spec.File, mapping.SourceLocation.Line, mapping.SourceLocation.Column, table.ToString(), "source");
            sourceColumns = source.Columns;
            sourceRelations = [table];
        }
        else
        {
            (sourceColumns, sourceRelations) = await DescribeQueryAsync(spec, mapping, probe, cancellationToken).ConfigureAwait(false);
        }

        string Available(IEnumerable<CatalogColumn> columns) => string.Join(", ", columns.Select(c => c.Name));
        var keyTypes = mapping.Key.Select(k => sourceColumns.FirstOrDefault(c => c.Name == k)?.Type
            ?? throw Errors.Errors.SpecUnknownColumn(spec.File, mapping.KeyLocation.Line, mapping.KeyLocation.Column, mapping.SourceDescription, k, Available(sourceColumns))).ToList();

        var columns = new List<(ColumnMapping, CatalogColumn)>();
        foreach (var column in mapping.Columns)
        {
            var found = target.Column(column.Column)
                ?? throw Errors.Errors.SpecUnknownColumn(spec.File, column.Location.Line, column.Location.Column, target.ToString(), column.Column, Available(target.Columns));
            if (found.IsGenerated)
            {
                throw Errors.Errors.SpecShape(spec.File, column.Location.Line, column.Location.Column, $"{target}.{column.Column} is a generated column: PostgreSQL computes it; remove it from the mapping.");
            }

            columns.Add((column, found));
        }

        foreach (var (name, _) in mapping.Dropped)
        {
            if (sourceColumns.All(c => c.Name != name))
            {
                throw Errors.Errors.SpecUnknownColumn(spec.File, mapping.Location.Line, mapping.Location.Column, mapping.SourceDescription, name, Available(sourceColumns));
            }
        }

        var missing = target.Columns.Where(c => c.NotNull && !c.HasDefault && !c.IsIdentity && !c.IsGenerated && mapping.Columns.All(m => m.Column != c.Name)).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            throw Errors.Errors.SpecRequiredColumn(spec.File, mapping.Location.Line, target.ToString(), string.Join(", ", missing));
        }

        // The arbiter: the v3 key column with a key map, else the primary key (or a unique key) made of mapped columns.
        IReadOnlyList<string> arbiter;
        var keyColumn = columns.FirstOrDefault(c => c.Item1.IsKey);
        if (keyColumn.Item1 is not null)
        {
            arbiter = [keyColumn.Item2.Name];
        }
        else
        {
            var mapped = columns.Select(c => c.Item2.Name).ToHashSet(StringComparer.Ordinal);
            arbiter = (target.PrimaryKey is { } pk && pk.All(mapped.Contains) ? pk : target.UniqueKeys.FirstOrDefault(k => k.All(mapped.Contains)))
                ?? throw Errors.Errors.SpecNoArbiter(spec.File, mapping.Location.Line, target.ToString(),
                    target.PrimaryKey is { } p ? string.Join(", ", p) + " (the primary key; map all of its columns)" : "any mapped columns");
        }

        if (!target.UniqueKeys.Any(k => k.Count == arbiter.Count && k.All(arbiter.Contains)))
        {
            throw Errors.Errors.SpecNoArbiter(spec.File, (keyColumn.Item1?.Location ?? mapping.Location).Line, target.ToString(), string.Join(", ", arbiter));
        }

        foreach (var (trigger, location) in mapping.DisableTriggers)
        {
            if (!catalog.Triggers.Any(t => t.Schema == target.Schema && t.Table == target.Name && t.Name == trigger))
            {
                throw Errors.Errors.SpecUnknownName(spec.File, location.Line, $"trigger on {target}", trigger,
                    string.Join(", ", catalog.Triggers.Where(t => t.Schema == target.Schema && t.Table == target.Name).Select(t => t.Name).DefaultIfEmpty("none")));
            }
        }

        QualifiedName? keymap = null;
        string? v3Type = null;
        string? v3Expression = null;
        if (mapping.Keymap is { } km)
        {
            keymap = new QualifiedName(spec.KeymapSchema, km.Name);
            var keyTarget = keyColumn.Item2;
            v3Type = keyTarget.Type;
            v3Expression = km.V3Key is { } expression ? $"({expression.Text})"
                : keyTarget.IsIdentity ? $"pg_catalog.nextval(pg_catalog.pg_get_serial_sequence({Literal(target.Quoted)}, {Literal(keyTarget.Name)}))"
                : keyTarget.Type == "uuid" ? "pg_catalog.gen_random_uuid()"
                : throw Errors.Errors.SpecShape(spec.File, km.Location.Line, km.Location.Column,
                    $"{target}.{keyTarget.Name} is {keyTarget.Type}, neither uuid nor an identity column: say how a new v3 key is made with keymap.v3_key.");
        }

        if (mapping.BatchSize is not null)
        {
            var line = mapping.BatchLocation!.Line;
            if (keymap is null)
            {
                throw Errors.Errors.SpecBatchNotPossible(spec.File, line, mapping.Name, "batches walk the key map's v1 keys and this mapping has no keymap");
            }

            if (keyTypes[0] is not ("integer" or "bigint" or "smallint"))
            {
                throw Errors.Errors.SpecBatchNotPossible(spec.File, line, mapping.Name, $"key ranges need a whole-number key, and {mapping.Key[0]} is {keyTypes[0]}");
            }
        }

        var referenceKeymaps = new Dictionary<string, QualifiedName>(StringComparer.Ordinal);
        foreach (var reference in mapping.References)
        {
            // MappingOrder guarantees the referenced key map belongs to an earlier mapping (or to this one: then it is a cycle, refused there).
            referenceKeymaps[reference.Name] = keymaps.TryGetValue(reference.Keymap, out var name) ? name : new QualifiedName(spec.KeymapSchema, reference.Keymap);
        }

        return new MappingPlan
        {
            Spec = mapping,
            Order = order,
            Target = target,
            SourceColumns = sourceColumns,
            SourceRelations = sourceRelations,
            KeyTypes = keyTypes,
            Arbiter = arbiter,
            Keymap = keymap,
            V3KeyType = v3Type,
            V3KeyExpression = v3Expression,
            ReferenceKeymaps = referenceKeymaps,
            Columns = columns,
        };
    }

    /// <summary>A query source's columns and types, and the relations it reads, from a temporary view (rolled back with the transaction).</summary>
    private static async Task<(IReadOnlyList<CatalogColumn>, IReadOnlyList<QualifiedName>)> DescribeQueryAsync(MappingSpec spec, TableMapping mapping, Probe probe, CancellationToken cancellationToken)
    {
        var view = Identifier(MappingSql.Prefix + "source_" + mapping.Name);
        var prefix = $"CREATE TEMPORARY VIEW {view} AS\n";
        await probe.ExecuteAsync(prefix + mapping.SourceQuery!.Text, (mapping.SourceQuery, prefix.Length), $"the source query of mapping '{mapping.Name}'", mapping.SourceLocation, cancellationToken).ConfigureAwait(false);

        var columns = await DataCatalog.WithEmptySearchPathAsync(probe.Connection, async () =>
        {
            var list = new List<CatalogColumn>();
            await using var command = new NpgsqlCommand($"""
                SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
                FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = 'pg_temp.{view}'::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum
                """, probe.Connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new CatalogColumn(reader.GetString(0), reader.GetString(1), false, false, false, false));
            }

            return list;
        }, cancellationToken).ConfigureAwait(false);

        var relations = new List<QualifiedName>();
        await using (var command = new NpgsqlCommand($"""
            SELECT DISTINCT n.nspname, c.relname
            FROM pg_catalog.pg_rewrite r
            JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_catalog.pg_class'::regclass
            JOIN pg_catalog.pg_class c ON c.oid = d.refobjid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE r.ev_class = 'pg_temp.{view}'::regclass AND c.oid <> r.ev_class AND n.nspname <> {Literal(spec.KeymapSchema)}
            ORDER BY 1, 2
            """, probe.Connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                relations.Add(new QualifiedName(reader.GetString(0), reader.GetString(1)));
            }
        }

        // Only its description was needed; the real statements read the query itself.
        await using (var drop = new NpgsqlCommand($"DROP VIEW pg_temp.{view}", probe.Connection))
        {
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return (columns, relations);
    }

    /// <summary>Asks PostgreSQL to plan every piece of the mapping, each on its own, so an error names its line.</summary>
    private static async Task PlanExpressionsAsync(DataPlan plan, MappingPlan mapping, Probe probe, CancellationToken cancellationToken)
    {
        var spec = mapping.Spec;
        var sql = new MappingSql(plan, mapping);
        var what = $"mapping '{spec.Name}'";

        // Reference keys first: they are part of every later FROM clause.
        foreach (var reference in spec.References)
        {
            await probe.ExplainExpressionAsync($"SELECT ", reference.KeyExpression, $"\nFROM {sql.SourceFrom}", $"the key of reference '{reference.Name}' in {what}", cancellationToken).ConfigureAwait(false);
        }

        var from = $"\nFROM {sql.SourceFrom}{sql.ReferenceJoins}";
        foreach (var (filter, i) in spec.Filters.Select((f, i) => (f, i)))
        {
            await probe.ExplainExpressionAsync("SELECT 1", filter.When, from, $"filter {i + 1} of {what}", cancellationToken, prefixWhere: true).ConfigureAwait(false);
        }

        foreach (var (rule, i) in spec.Quarantine.Select((q, i) => (q, i)))
        {
            await probe.ExplainExpressionAsync("SELECT 1", rule.When, from, $"quarantine rule {i + 1} of {what}", cancellationToken, prefixWhere: true).ConfigureAwait(false);
        }

        if (spec.Dedupe is { } dedupe)
        {
            foreach (var by in dedupe.By)
            {
                await probe.ExplainExpressionAsync("SELECT ", by, from, $"dedupe.by of {what}", cancellationToken).ConfigureAwait(false);
            }

            await probe.ExplainExpressionAsync("SELECT 1" + from + "\nORDER BY ", dedupe.Keep, "", $"dedupe.keep of {what}", cancellationToken).ConfigureAwait(false);
        }

        if (spec.Keymap?.V3Key is { } v3Key)
        {
            await probe.ExplainExpressionAsync("SELECT ", v3Key, from, $"keymap.v3_key of {what}", cancellationToken).ConfigureAwait(false);
        }

        // Each column: the expression over the rows the load reads, assigned to the target column (types must fit).
        var loadFrom = "\n" + sql.LoadFrom();
        foreach (var (column, target) in mapping.Columns.Where(c => c.Mapping.Expression is not null))
        {
            await probe.ExplainExpressionAsync($"INSERT INTO {mapping.Target.Quoted} ({Identifier(target.Name)}) SELECT ", column.Expression!, loadFrom,
                $"the expression of column '{column.Column}' in {what}", cancellationToken).ConfigureAwait(false);
        }

        // The statements as generated (ON CONFLICT arbiter, OVERRIDING, the whole classification).
        var statements = mapping.Keymap is null ? new List<string> { sql.QuarantineAndLoad } : [sql.KeymapFill, sql.Load()];
        foreach (var statement in statements)
        {
            await probe.ExplainAsync(statement, $"the generated SQL of {what}", spec.Location, cancellationToken).ConfigureAwait(false);
        }

        if (spec.BatchSize is not null)
        {
            var planText = await probe.ExplainAsync(sql.Load(sql.BatchPredicate("1", "2")), $"the batched load of {what}", spec.Location, cancellationToken).ConfigureAwait(false);
            if (planText.Contains("WindowAgg", StringComparison.Ordinal))
            {
                throw Errors.Errors.SpecBatchNotPossible(plan.Spec.File, spec.BatchLocation!.Line, spec.Name,
                    "an expression uses a window function (OVER ...), whose result would change if it saw one key range at a time");
            }
        }
    }

    private static void WarnAboutUnmappedColumns(MappingSpec spec, MappingPlan mapping, IEngineLog log)
    {
        var texts = mapping.Spec.Columns.Select(c => c.Expression?.Text)
            .Concat(mapping.Spec.Filters.Select(f => f.When.Text))
            .Concat(mapping.Spec.Quarantine.Select(q => q.When.Text))
            .Concat(mapping.Spec.References.Select(r => r.KeyExpression.Text))
            .Concat(mapping.Spec.Dedupe is { } d ? d.By.Select(b => b.Text).Append(d.Keep.Text) : [])
            .Append(mapping.Spec.Keymap?.V3Key?.Text)
            .OfType<string>()
            .ToList();
        var unused = mapping.SourceColumns
            .Where(c => !mapping.Spec.Key.Contains(c.Name) && !mapping.Spec.Dropped.ContainsKey(c.Name)
                && !texts.Any(t => Regex.IsMatch(t, $@"(?<![A-Za-z0-9_$]){Regex.Escape(mapping.Spec.Alias)}\s*\.\s*""?{Regex.Escape(c.Name)}(?![A-Za-z0-9_$])")))
            .Select(c => c.Name)
            .ToList();
        if (unused.Count > 0)
        {
            log.Warning(Errors.Errors.UnmappedSourceColumnWarning,
                $"{Path.GetFileName(spec.File)}({mapping.Spec.Location.Line}): mapping '{mapping.Name}': source column(s) {string.Join(", ", unused)} are neither used nor listed under 'dropped:' with a reason; their values are not migrated.");
        }
    }

    private static string OneLine(string text) => string.Join(" ", text.Split(['\r', '\n', ' '], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Runs probe statements under savepoints and turns PostgreSQL's errors into MT0509 at the spec's line.</summary>
    private sealed class Probe(NpgsqlConnection connection, string file)
    {
        private int _savepoints;

        public NpgsqlConnection Connection => connection;

        public async Task ExecuteAsync(string sql, (SpecSql Sql, int Offset)? located, string what, SpecLocation fallback, CancellationToken cancellationToken) =>
            await RunAsync(sql, located, what, fallback, reader: false, cancellationToken).ConfigureAwait(false);

        public Task<string> ExplainAsync(string sql, string what, SpecLocation location, CancellationToken cancellationToken) =>
            RunAsync("EXPLAIN (COSTS OFF, VERBOSE)\n" + sql, null, what, location, reader: true, cancellationToken);

        /// <summary>EXPLAIN of prefix + expression + suffix; with <paramref name="prefixWhere"/> the expression is the WHERE condition.</summary>
        public async Task ExplainExpressionAsync(string prefix, SpecSql expression, string suffix, string what, CancellationToken cancellationToken, bool prefixWhere = false)
        {
            var head = "EXPLAIN (COSTS OFF)\n" + prefix + (prefixWhere ? suffix + "\nWHERE (" : "(");
            var sql = head + expression.Text + ")" + (prefixWhere ? "" : suffix);
            await RunAsync(sql, (expression, head.Length), what, expression.Location, reader: true, cancellationToken).ConfigureAwait(false);
        }

        private async Task<string> RunAsync(string sql, (SpecSql Sql, int Offset)? located, string what, SpecLocation fallback, bool reader, CancellationToken cancellationToken)
        {
            var savepoint = $"mt_probe_{++_savepoints}";
            await using (var begin = new NpgsqlCommand($"SAVEPOINT {savepoint}", connection))
            {
                await begin.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await using var command = new NpgsqlCommand(sql, connection);
                var text = new System.Text.StringBuilder();
                if (reader)
                {
                    await using var rows = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        text.AppendLine(rows.GetString(0));
                    }
                }
                else
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using var release = new NpgsqlCommand($"RELEASE SAVEPOINT {savepoint}", connection);
                await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return text.ToString();
            }
            catch (PostgresException exception)
            {
                await using (var rollback = new NpgsqlCommand($"ROLLBACK TO SAVEPOINT {savepoint}", connection))
                {
                    await rollback.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var (line, column) = (fallback.Line, fallback.Column);
                if (located is { } at && exception.Position > 0)
                {
                    var offset = Migrations.TextLines.OffsetOfPosition(sql, exception.Position) - at.Offset;
                    if (offset >= 0 && offset <= at.Sql.Text.Length)
                    {
                        (line, column) = at.Sql.LineOf(offset);
                    }
                    else
                    {
                        (line, column) = (at.Sql.Location.Line, at.Sql.Location.Column);
                    }
                }
                else if (located is { } whole)
                {
                    (line, column) = (whole.Sql.Location.Line, whole.Sql.Location.Column);
                }

                // Generated SQL has no spec line of its own: quote where in it PostgreSQL stopped.
                var near = located is null && exception.Position > 0
                    ? $" near: {OneLine(sql.Substring(Math.Max(0, exception.Position - 60), Math.Min(120, sql.Length - Math.Max(0, exception.Position - 60))))}"
                    : "";
                throw Errors.Errors.SpecBadExpression(file, line, column, what, $"{exception.SqlState}: {exception.MessageText}" + (exception.Hint is { } hint ? $" ({hint})" : "") + near);
            }
        }
    }
}
