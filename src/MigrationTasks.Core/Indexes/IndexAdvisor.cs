using System.Globalization;

namespace MigrationTasks.Indexes;

/// <summary>A workload query with its measured plan and the plan its predicates are read from.</summary>
/// <param name="Query">The workload query.</param>
/// <param name="Measured">The plan of its median measured run (EXPLAIN ANALYZE).</param>
/// <param name="Predicates">
/// The generic plan (parameters print as $n, so a literal is a constant the query wrote), or the measured plan when
/// no generic plan could be made.
/// </param>
public sealed record AnalysedQuery(WorkloadQuery Query, QueryPlan Measured, QueryPlan Predicates);

/// <summary>
/// Turns plans and the catalog into findings and index proposals; no database access, so every rule is testable on
/// its own. Column order comes from the predicates: equality columns first (most distinct values first), then one
/// range or sort column; constant filters become the partial predicate.
/// </summary>
public static class IndexAdvisor
{
    /// <summary>Operators a GIN or GiST index serves, by the column's kind.</summary>
    private static readonly HashSet<string> ContainmentOperators = ["&&", "@>", "<@"];

    private static readonly HashSet<string> PatternOperators = ["~~", "~~*"];

    /// <summary>The most key columns a proposal gets (wider indexes cost writes and rarely pay off).</summary>
    private const int MaximumKeys = 3;

    /// <summary>Findings in the workload's plans, and the indexes that would address them.</summary>
    public static (List<IndexFinding> Findings, List<IndexProposal> Proposals) AdviseOnWorkload(IndexCatalog catalog, IReadOnlyList<AnalysedQuery> queries, long largeTableRows)
    {
        var findings = new List<IndexFinding>();
        var proposals = new Dictionary<string, IndexProposal>(StringComparer.Ordinal);
        foreach (var analysed in queries)
        {
            var name = analysed.Query.Name;
            var predicates = PlanPredicates.Extract(analysed.Predicates);
            var order = PlanPredicates.LimitedOrder(analysed.Predicates);
            var measuredRows = RowsByAlias(analysed.Measured);
            foreach (var node in analysed.Measured.Nodes.Where(n => n.RelationName is not null))
            {
                if (catalog.FindTable(node.Schema, node.RelationName!) is not { } table || table.Rows <= largeTableRows)
                {
                    continue;
                }

                var alias = node.Alias ?? node.RelationName!;
                var own = predicates.Where(p => p.Alias == alias).ToList();
                var reasons = new List<string>();
                if (node.IsSequentialScan)
                {
                    var detail = string.Create(CultureInfo.InvariantCulture,
                        $"{name}: sequential scan of {table.QualifiedName} ({table.Rows:N0} rows), {node.TotalRows:N0} rows kept, {node.TotalRowsRemoved:N0} thrown away");
                    findings.Add(new IndexFinding(FindingKind.SequentialScan, table.QualifiedName, [], name, detail));
                    reasons.Add(detail);
                }

                if (node.TotalRowsRemoved >= Math.Max(1000, 10 * node.TotalRows))
                {
                    var columns = own.Where(p => p.Operand is not OperandKind.Column).Select(p => p.Column).Distinct()
                        .Where(c => catalog.FindColumn(table.Oid, c) is { } column && !catalog.HasLeadingIndex(table.Oid, column.Number)).ToList();
                    var detail = string.Create(CultureInfo.InvariantCulture,
                        $"{name}: the filter on {table.QualifiedName} threw away {node.TotalRowsRemoved:N0} of {node.TotalRowsRemoved + node.TotalRows:N0} rows read")
                        + (columns.Count > 0 ? $"; no index leads with {string.Join(", ", columns)}" : "");
                    findings.Add(new IndexFinding(FindingKind.FilterWithoutIndex, table.QualifiedName, columns, name, detail));
                    reasons.Add(detail);
                }

                var joins = own.Where(p => p.Operand == OperandKind.Column && catalog.FindColumn(table.Oid, p.Column) is { } column && !catalog.HasLeadingIndex(table.Oid, column.Number)).ToList();
                if (node.IsSequentialScan && joins.Count > 0)
                {
                    var detail = $"{name}: the join on {string.Join(", ", joins.Select(j => $"{table.Name}.{j.Column} = {j.OtherAlias}.{j.OtherColumn}"))} reads {table.QualifiedName} without an index on the join column";
                    findings.Add(new IndexFinding(FindingKind.JoinWithoutIndex, table.QualifiedName, [.. joins.Select(j => j.Column).Distinct()], name, detail));
                    reasons.Add(detail);
                }

                if (reasons.Count == 0)
                {
                    continue;
                }

                var sortedScanOnly = order.Where(o => o.Alias == alias).ToList();
                foreach (var definition in Candidates(catalog, table, alias, own, sortedScanOnly, measuredRows))
                {
                    Add(proposals, catalog, definition, reasons, name);
                }
            }
        }

        return (findings, [.. proposals.Values]);
    }

    /// <summary>
    /// Findings in the schema itself: foreign keys and RLS policy columns without a leading index, duplicate indexes,
    /// and indexes the workload never used (on tables it reads). Proposals for the first two on large tables.
    /// </summary>
    public static List<IndexFinding> AdviseOnSchema(IndexCatalog catalog, long largeTableRows, IReadOnlySet<string> indexesUsedByWorkload,
        IReadOnlySet<uint> tablesReadByWorkload, List<IndexProposal> proposals)
    {
        var findings = new List<IndexFinding>();
        var byKey = proposals.ToDictionary(p => p.Definition.Describe(), StringComparer.Ordinal);
        foreach (var foreignKey in catalog.ForeignKeys.Where(f => catalog.Tables.ContainsKey(f.TableOid) && !catalog.HasLeadingIndex(f.TableOid, f.Columns)))
        {
            var table = catalog.Tables[foreignKey.TableOid];
            var columns = foreignKey.Columns.Select(c => catalog.FindColumn(table.Oid, c)?.Name ?? c.ToString(CultureInfo.InvariantCulture)).ToList();
            var referenced = catalog.Tables.TryGetValue(foreignKey.ReferencedTableOid, out var parent) ? parent.QualifiedName : "its parent";
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"foreign key {foreignKey.Name} on {table.QualifiedName} ({string.Join(", ", columns)}) has no index: joins from {referenced} and every delete or key update there scan {table.Rows:N0} rows");
            findings.Add(new IndexFinding(FindingKind.ForeignKeyWithoutIndex, table.QualifiedName, columns, null, detail));
            if (table.Rows > largeTableRows)
            {
                Add(byKey, catalog, new IndexDefinition(table.Schema, table.Name, "btree", [.. columns.Select(c => new IndexKey(c))], []), [detail], null);
            }
        }

        foreach (var group in catalog.PolicyColumns.Where(p => catalog.Tables.ContainsKey(p.TableOid)).GroupBy(p => (p.TableOid, p.Column)))
        {
            var table = catalog.Tables[group.Key.TableOid];
            if (catalog.FindColumn(table.Oid, group.Key.Column) is not { } column || catalog.HasLeadingIndex(table.Oid, column.Number) || column.IsLowCardinality)
            {
                continue; // indexed, or a flag/status column an index alone would not narrow
            }

            var policies = group.Select(p => $"\"{p.Policy}\" on {(catalog.Tables.TryGetValue(p.PolicyTableOid, out var owner) ? owner.Name : "another table")}").Distinct().ToList();
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"{table.QualifiedName}.{column.Name} is read by the RLS {(policies.Count == 1 ? "policy" : "policies")} {string.Join(", ", policies)} and leads no index ({table.Rows:N0} rows)");
            findings.Add(new IndexFinding(FindingKind.PolicyColumnWithoutIndex, table.QualifiedName, [column.Name], null, detail));
            if (table.Rows > largeTableRows)
            {
                Add(byKey, catalog, new IndexDefinition(table.Schema, table.Name, "btree", [new IndexKey(column.Name)], []), [detail], null);
            }
        }

        foreach (var index in catalog.Indexes.Where(i => i.IsValid && !i.IsUnique && !i.IsPrimary && !i.BacksConstraint))
        {
            var wider = catalog.IndexesOf(index.TableOid).FirstOrDefault(other => other.Oid != index.Oid && other.IsValid && other.Method == index.Method
                && other.Predicate == index.Predicate && other.KeyDefinitions.Count >= index.KeyDefinitions.Count
                && other.KeyDefinitions.Take(index.KeyDefinitions.Count).SequenceEqual(index.KeyDefinitions, StringComparer.Ordinal)
                && (other.KeyDefinitions.Count > index.KeyDefinitions.Count || other.IsUnique || string.CompareOrdinal(other.Name, index.Name) < 0));
            if (wider is not null)
            {
                var table = catalog.Tables[index.TableOid];
                findings.Add(new IndexFinding(FindingKind.DuplicateIndex, table.QualifiedName, [.. index.KeyDefinitions], null,
                    string.Create(CultureInfo.InvariantCulture, $"{index.Name} ({string.Join(", ", index.KeyDefinitions)}) is covered by {wider.Name} ({string.Join(", ", wider.KeyDefinitions)}); it costs {index.Bytes:N0} bytes and every write")));
            }
        }

        foreach (var index in catalog.Indexes.Where(i => tablesReadByWorkload.Contains(i.TableOid) && !i.IsUnique && !i.IsPrimary && !i.BacksConstraint
            && !indexesUsedByWorkload.Contains(i.Name) && i.Scans <= 50))
        {
            var table = catalog.Tables[index.TableOid];
            findings.Add(new IndexFinding(FindingKind.UnusedIndex, table.QualifiedName, [.. index.KeyDefinitions], null,
                string.Create(CultureInfo.InvariantCulture,
                    $"{index.Name} on {table.QualifiedName} ({string.Join(", ", index.KeyDefinitions)}) is used by no workload query and was scanned {index.Scans:N0} times since the statistics were reset (meaningful on production, not on a fresh clone); check the queries the workload does not cover before dropping it")));
        }

        proposals.Clear();
        proposals.AddRange(byKey.Values);
        return findings;
    }

    /// <summary>
    /// Up to three definitions for a problem relation: a b-tree from its own filters (equality, then range or sort), a
    /// GIN or GiST index for a containment, overlap, text-search or pattern filter, and a b-tree for probing it from a
    /// join whose other side is small; none that an existing index already covers. The trials decide which help.
    /// </summary>
    internal static IEnumerable<IndexDefinition> Candidates(IndexCatalog catalog, CatalogTable table, string alias, IReadOnlyList<ColumnPredicate> predicates,
        IReadOnlyList<SortTerm> order, IReadOnlyDictionary<string, double> rowsByAlias)
    {
        var known = predicates.Where(p => catalog.FindColumn(table.Oid, p.Column) is not null).ToList();
        var where = PartialConditions(catalog, table, known);
        var equality = known.Where(p => p.IsEquality && p.Operand == OperandKind.Parameter).ToList();
        var range = known.Where(p => p.IsRange && p.Operand is OperandKind.Parameter or OperandKind.Constant).ToList();
        var candidates = new List<IndexDefinition>();

        var keys = OrderedKeys(catalog, table, equality);
        var trailing = range.Select(r => new IndexKey(r.Column, r.Function)).FirstOrDefault(k => !keys.Contains(k))
            ?? order.Select(o => new IndexKey(o.Column, o.Function, Descending: o.Descending)).FirstOrDefault(k => !keys.Any(e => e.Column == k.Column && e.Function == k.Function));
        var ownKeys = trailing is null ? keys : [.. keys, trailing];
        if (ownKeys.Count > 0)
        {
            candidates.Add(Build(table, "btree", ownKeys, where));
        }

        // A containment, overlap, text-search or pattern condition needs GIN or GiST; it may narrow more than the b-tree keys do.
        if (Special(catalog, table, known) is { } special)
        {
            candidates.Add(Build(table, special.Method, [special.Key], where));
        }

        // Probed from a join: worth it only when the other side yields far fewer rows than this table holds.
        var joinKeys = known.Where(p => p.Operand == OperandKind.Column && p.OtherAlias is not null
            && rowsByAlias.TryGetValue(p.OtherAlias, out var otherRows) && otherRows * 50 <= table.Rows).Select(p => new IndexKey(p.Column)).Distinct().ToList();
        if (joinKeys.Count > 0)
        {
            candidates.Add(Build(table, "btree", [.. joinKeys.Concat(keys).Distinct()], where));
        }

        return candidates.Where(c => !CoveredByExisting(catalog, table, c)).DistinctBy(c => c.Describe());
    }

    /// <summary>Equality columns, the one with most distinct values first (it narrows most).</summary>
    private static List<IndexKey> OrderedKeys(IndexCatalog catalog, CatalogTable table, IEnumerable<ColumnPredicate> equality) =>
        [.. equality.Select(p => new IndexKey(p.Column, p.Function)).Distinct()
            .OrderByDescending(k => Distinct(catalog.FindColumn(table.Oid, k.Column), table.Rows))
            .Take(MaximumKeys - 1)];

    private static double Distinct(CatalogColumn? column, long rows) =>
        column is null ? 0 : column.DistinctValues < 0 ? -column.DistinctValues * rows : column.DistinctValues;

    /// <summary>GIN for arrays, tsvector, jsonb and trigram patterns; GiST for ranges.</summary>
    private static (string Method, IndexKey Key)? Special(IndexCatalog catalog, CatalogTable table, IEnumerable<ColumnPredicate> predicates)
    {
        foreach (var predicate in predicates.Where(p => p.Function is null && p.Operand is OperandKind.Parameter or OperandKind.Constant))
        {
            var column = catalog.FindColumn(table.Oid, predicate.Column)!;
            if (predicate.Operator == "@@" && column.TypeName == "tsvector")
            {
                return ("gin", new IndexKey(column.Name));
            }

            if (ContainmentOperators.Contains(predicate.Operator) && (column.TypeCategory == 'A' || column.TypeName == "jsonb"))
            {
                return ("gin", new IndexKey(column.Name));
            }

            if (ContainmentOperators.Contains(predicate.Operator) && column.TypeCategory == 'R')
            {
                return ("gist", new IndexKey(column.Name));
            }

            if (PatternOperators.Contains(predicate.Operator) && column.TypeCategory == 'S' && catalog.TrigramSchema is { } schema)
            {
                return ("gin", new IndexKey(column.Name, OperatorClassSchema: schema, OperatorClass: "gin_trgm_ops"));
            }
        }

        return null;
    }

    /// <summary>The query's constant filters on plain columns: a partial index keeps only the rows they select.</summary>
    private static List<PartialCondition> PartialConditions(IndexCatalog catalog, CatalogTable table, IEnumerable<ColumnPredicate> predicates)
    {
        var conditions = new List<PartialCondition>();
        foreach (var predicate in predicates.Where(p => p.Function is null))
        {
            var column = catalog.FindColumn(table.Oid, predicate.Column)!;
            PartialCondition? condition = predicate switch
            {
                { Operand: OperandKind.NullTest } => new PartialCondition(column.Name, predicate.Operator, []),
                { Operand: OperandKind.Constant, Operator: "=" } when column.TypeName == "bool" && predicate.Constants is [{ } flag] =>
                    new PartialCondition(column.Name, flag.StartsWith('t') ? "TRUE" : "FALSE", []),
                { Operand: OperandKind.Constant, Operator: "=", Constants: [{ } value] } => new PartialCondition(column.Name, "=", [value]),
                { Operand: OperandKind.Constant, Operator: "= ANY" } when predicate.Constants.Count > 0 && predicate.Constants.All(v => v is not null) =>
                    new PartialCondition(column.Name, "IN", [.. predicate.Constants.Select(v => v!)]),
                _ => null,
            };
            if (condition is not null && !conditions.Any(c => c.Column == condition.Column && c.Operator == condition.Operator))
            {
                conditions.Add(condition);
            }
        }

        return conditions;
    }

    private static IndexDefinition Build(CatalogTable table, string method, IReadOnlyList<IndexKey> keys, IReadOnlyList<PartialCondition> where) =>
        new(table.Schema, table.Name, method, [.. keys.Take(MaximumKeys)], [.. where.Where(c => !keys.Any(k => k.Column == c.Column && k.Function is null))]);

    /// <summary>True when a valid index of the table has the same method, starts with the same keys, and has no predicate or one on the same columns.</summary>
    internal static bool CoveredByExisting(IndexCatalog catalog, CatalogTable table, IndexDefinition definition) =>
        catalog.IndexesOf(table.Oid).Any(index => index.IsValid && index.Method == definition.Method
            && index.KeyDefinitions.Count >= definition.Keys.Count
            && index.KeyDefinitions.Take(definition.Keys.Count).Select(Normalize).SequenceEqual(definition.Keys.Select(k => Normalize(k.CatalogText)))
            && (index.Predicate is null || (definition.Where.Count > 0 && definition.Where.All(c => index.Predicate.Contains(c.Column, StringComparison.Ordinal)))));

    private static string Normalize(string keyText) =>
        new([.. keyText.Where(c => c != '"' && !char.IsWhiteSpace(c)).Select(char.ToLowerInvariant)]);

    private static Dictionary<string, double> RowsByAlias(QueryPlan plan)
    {
        var rows = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var node in plan.Nodes.Where(n => n.RelationName is not null))
        {
            var alias = node.Alias ?? node.RelationName!;
            rows[alias] = rows.GetValueOrDefault(alias) + node.TotalRows;
        }

        return rows;
    }

    private static void Add(Dictionary<string, IndexProposal> proposals, IndexCatalog catalog, IndexDefinition definition, IEnumerable<string> reasons, string? query)
    {
        var key = definition.Describe();
        if (!proposals.TryGetValue(key, out var proposal))
        {
            var taken = new HashSet<string>(catalog.Indexes.Select(i => i.Name).Concat(proposals.Values.Select(p => p.Name)), StringComparer.Ordinal);
            proposal = new IndexProposal { Name = definition.SuggestName(taken.Contains), Definition = definition };
            proposals[key] = proposal;
        }

        foreach (var reason in reasons)
        {
            proposal.AddReason(reason);
        }

        proposal.AddQuery(query);
    }
}
