using System.Text;

namespace MigrationTasks.Indexes;

/// <summary>What a predicate compares a column with.</summary>
public enum OperandKind
{
    /// <summary>A value known when the query runs: a statement parameter, an InitPlan's output (auth.uid()), now().</summary>
    Parameter,

    /// <summary>A value written in the query (<c>status = 'published'</c>): the same for every execution.</summary>
    Constant,

    /// <summary>Another relation's column: a join.</summary>
    Column,

    /// <summary><c>IS NULL</c> / <c>IS NOT NULL</c>.</summary>
    NullTest,
}

/// <summary>
/// One condition on one column of one relation of a plan, as an index could serve it: <c>alias.column op operand</c>,
/// the column possibly inside a one-argument function (<c>lower(travel_dates)</c>).
/// </summary>
/// <param name="Alias">The relation's alias in the plan.</param>
/// <param name="Column">The column.</param>
/// <param name="Function">The function the column is inside, or null.</param>
/// <param name="Operand">What the column is compared with.</param>
/// <param name="OtherColumn">The other side's column, for a join.</param>
/// <param name="Operator">As PostgreSQL prints it (=, &lt;, &amp;&amp;, @@, ~~*, ...); ANY comparisons end in " ANY"; null tests are "IS NULL" / "IS NOT NULL".</param>
/// <param name="Constants">The constant values (one, or an IN list) when <paramref name="Operand"/> is Constant.</param>
/// <param name="OtherAlias">The other side's relation, for a join.</param>
public sealed record ColumnPredicate(string Alias, string Column, string? Function, string Operator, OperandKind Operand,
    IReadOnlyList<string?> Constants, string? OtherAlias = null, string? OtherColumn = null)
{
    public bool IsEquality => Operator is "=" or "= ANY";

    public bool IsRange => Operator is "<" or "<=" or ">" or ">=";

    /// <summary>Equal when every member is, the constants compared value by value.</summary>
    public bool Equals(ColumnPredicate? other) =>
        other is not null && Alias == other.Alias && Column == other.Column && Function == other.Function && Operator == other.Operator
        && Operand == other.Operand && OtherAlias == other.OtherAlias && OtherColumn == other.OtherColumn && Constants.SequenceEqual(other.Constants);

    public override int GetHashCode() => HashCode.Combine(Alias, Column, Function, Operator, Operand, OtherAlias, OtherColumn, Constants.Count);
}

/// <summary>A sort key under a LIMIT: the rows the query keeps depend on this order.</summary>
public sealed record SortTerm(string Alias, string Column, string? Function, bool Descending);

/// <summary>Reads the column conditions and the limited sort order out of a plan's printed conditions.</summary>
public static class PlanPredicates
{
    /// <summary>alias → (schema, table) for every table the plan reads.</summary>
    public static IReadOnlyDictionary<string, (string? Schema, string Table)> Relations(QueryPlan plan)
    {
        var relations = new Dictionary<string, (string?, string)>(StringComparer.Ordinal);
        foreach (var node in plan.Nodes.Where(n => n.RelationName is not null))
        {
            relations[node.Alias ?? node.RelationName!] = (node.Schema, node.RelationName!);
        }

        return relations;
    }

    /// <summary>Every column condition in the plan: scan filters, index and recheck conditions, join conditions.</summary>
    public static IReadOnlyList<ColumnPredicate> Extract(QueryPlan plan)
    {
        var predicates = new List<ColumnPredicate>();
        foreach (var node in plan.Nodes)
        {
            // Bitmap Index Scans repeat their heap scan's Recheck Cond and have no alias of their own.
            if (node.NodeType == "Bitmap Index Scan")
            {
                continue;
            }

            var alias = node.RelationName is null ? null : node.Alias ?? node.RelationName;
            foreach (var condition in new[] { node.Filter, node.IndexCondition, node.RecheckCondition, node.HashCondition, node.MergeCondition, node.JoinFilter })
            {
                if (condition is null)
                {
                    continue;
                }

                foreach (var term in PlanExpression.Parse(condition).Conjuncts())
                {
                    predicates.AddRange(Classify(term, alias));
                }
            }
        }

        return [.. predicates.Distinct()];
    }

    /// <summary>
    /// The sort keys of every Sort that feeds a Limit: directly, or through nodes that pass their first (outer) input's
    /// order on (Gather Merge, the outer side of a join, ...), so the limit keeps the first rows of that sort.
    /// </summary>
    public static IReadOnlyList<SortTerm> LimitedOrder(QueryPlan plan)
    {
        var terms = new List<SortTerm>();
        foreach (var limit in plan.Nodes.Where(n => n.NodeType == "Limit"))
        {
            var node = limit.Children.FirstOrDefault();
            while (node is not null && node.NodeType is "Gather Merge" or "Gather" or "Nested Loop" or "Hash Join" or "Merge Join" or "Result" or "Subquery Scan" or "Materialize")
            {
                node = node.Children.FirstOrDefault(c => c.ParentRelationship is not ("InitPlan" or "SubPlan"));
            }

            if (node is null || node.NodeType is not ("Sort" or "Incremental Sort"))
            {
                continue;
            }

            var scanAlias = SingleAlias(node);
            foreach (var key in node.SortKey)
            {
                var text = key.Trim();
                var descending = false;
                foreach (var suffix in new[] { " NULLS FIRST", " NULLS LAST" })
                {
                    if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                    {
                        text = text[..^suffix.Length];
                    }
                }

                if (text.EndsWith(" DESC", StringComparison.OrdinalIgnoreCase))
                {
                    descending = true;
                    text = text[..^5];
                }

                if (KeyOf(PlanExpression.Parse(text), scanAlias) is { } sortKey)
                {
                    terms.Add(new SortTerm(sortKey.Alias, sortKey.Column, sortKey.Function, descending));
                }
                else
                {
                    break; // keys after an unusable one cannot extend an index's order
                }
            }
        }

        return terms;
    }

    /// <summary>The alias of the only table under a node, for unqualified sort keys (a one-table plan).</summary>
    private static string? SingleAlias(PlanNode node)
    {
        var aliases = node.DescendantsAndSelf().Where(n => n.RelationName is not null && n.ParentRelationship is not ("SubPlan" or "InitPlan"))
            .Select(n => n.Alias ?? n.RelationName!).Distinct().ToList();
        return aliases.Count == 1 ? aliases[0] : null;
    }

    private static IEnumerable<ColumnPredicate> Classify(PlanExpression term, string? defaultAlias)
    {
        switch (term)
        {
            case PlanExpression.Binary binary:
            {
                var left = KeyOf(binary.Left, defaultAlias);
                var right = KeyOf(binary.Right, defaultAlias);
                if (left is not null && right is not null)
                {
                    if (binary.Operator == "=" && left.Alias != right.Alias && left.Function is null && right.Function is null)
                    {
                        yield return new ColumnPredicate(left.Alias, left.Column, null, "=", OperandKind.Column, [], right.Alias, right.Column);
                        yield return new ColumnPredicate(right.Alias, right.Column, null, "=", OperandKind.Column, [], left.Alias, left.Column);
                    }
                }
                else if (left is not null && binary.Right.IsValue)
                {
                    yield return Compare(left, binary.Operator, binary.Right);
                }
                else if (right is not null && binary.Left.IsValue && Commute(binary.Operator) is { } commuted)
                {
                    yield return Compare(right, commuted, binary.Left);
                }

                break;
            }

            case PlanExpression.ArrayComparison { All: false } comparison when KeyOf(comparison.Left, defaultAlias) is { } key && comparison.Array.IsValue:
                yield return comparison.Array.IsConstant
                    ? new ColumnPredicate(key.Alias, key.Column, key.Function, comparison.Operator + " ANY", OperandKind.Constant, ArrayValues(comparison.Array))
                    : new ColumnPredicate(key.Alias, key.Column, key.Function, comparison.Operator + " ANY", OperandKind.Parameter, []);
                break;
            case PlanExpression.NullTest test when KeyOf(test.Operand, defaultAlias) is { } key:
                yield return new ColumnPredicate(key.Alias, key.Column, key.Function, test.IsNull ? "IS NULL" : "IS NOT NULL", OperandKind.NullTest, []);
                break;
            case PlanExpression.Not { Operand: PlanExpression.Column } not when KeyOf(not.Operand, defaultAlias) is { Function: null } key:
                yield return new ColumnPredicate(key.Alias, key.Column, null, "=", OperandKind.Constant, ["false"]);
                break;
            case PlanExpression.Column when KeyOf(term, defaultAlias) is { } key:
                yield return new ColumnPredicate(key.Alias, key.Column, null, "=", OperandKind.Constant, ["true"]);
                break;
        }
    }

    private static ColumnPredicate Compare(KeyTerm key, string op, PlanExpression value) =>
        value.IsConstant
            ? new ColumnPredicate(key.Alias, key.Column, key.Function, op, OperandKind.Constant, ConstantValues(value))
            : new ColumnPredicate(key.Alias, key.Column, key.Function, op, OperandKind.Parameter, []);

    private sealed record KeyTerm(string Alias, string Column, string? Function);

    /// <summary>A column, or a one-argument function of a column (an expression index key); casts and anything else are not keys.</summary>
    private static KeyTerm? KeyOf(PlanExpression expression, string? defaultAlias) => expression switch
    {
        PlanExpression.Column column when (column.Alias ?? defaultAlias) is { } alias => new KeyTerm(alias, column.Name, null),
        PlanExpression.Function { Arguments: [PlanExpression.Column column] } function when (column.Alias ?? defaultAlias) is { } alias =>
            new KeyTerm(alias, column.Name, function.Name),
        _ => null,
    };

    private static string? Commute(string op) => op switch
    {
        "=" or "<>" or "&&" => op,
        "<" => ">",
        ">" => "<",
        "<=" => ">=",
        ">=" => "<=",
        "@>" => "<@",
        "<@" => "@>",
        _ => null,
    };

    private static IReadOnlyList<string?> ConstantValues(PlanExpression value) => value switch
    {
        PlanExpression.Constant constant => [constant.Text],
        PlanExpression.Cast cast => ConstantValues(cast.Operand),
        PlanExpression.ArrayLiteral array => [.. array.Elements.SelectMany(ConstantValues)],
        _ => [],
    };

    /// <summary>The elements of an ANY's constant array: ARRAY[...] or an array literal '{a,"b c",NULL}'.</summary>
    private static IReadOnlyList<string?> ArrayValues(PlanExpression array) => array switch
    {
        PlanExpression.Cast cast => ArrayValues(cast.Operand),
        PlanExpression.ArrayLiteral literal => [.. literal.Elements.SelectMany(ConstantValues)],
        PlanExpression.Constant { Text: { } text } => ParseArrayLiteral(text),
        _ => [],
    };

    /// <summary>PostgreSQL's one-dimensional array text form: {a,b,"c, d",NULL}.</summary>
    internal static IReadOnlyList<string?> ParseArrayLiteral(string text)
    {
        var values = new List<string?>();
        var body = text.Trim();
        if (body.Length < 2 || body[0] != '{' || body[^1] != '}')
        {
            return values;
        }

        body = body[1..^1];
        var current = new StringBuilder();
        var quoted = false;
        var wasQuoted = false;
        for (var i = 0; i <= body.Length; i++)
        {
            if (i == body.Length || (!quoted && body[i] == ','))
            {
                var item = wasQuoted ? current.ToString() : current.ToString().Trim();
                if (i < body.Length || item.Length > 0 || wasQuoted)
                {
                    values.Add(!wasQuoted && item.Equals("NULL", StringComparison.OrdinalIgnoreCase) ? null : item);
                }

                current.Clear();
                wasQuoted = false;
            }
            else if (body[i] == '"')
            {
                quoted = !quoted;
                wasQuoted = true;
            }
            else if (body[i] == '\\' && i + 1 < body.Length)
            {
                current.Append(body[++i]);
            }
            else
            {
                current.Append(body[i]);
            }
        }

        return values;
    }
}
