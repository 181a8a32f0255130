using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MigrationTasks.Indexes;

/// <summary>
/// One node of a plan from <c>EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)</c> (or without ANALYZE: the actual
/// figures are then zero). Only what the analysis reads; the JSON is kept for the report.
/// </summary>
public sealed class PlanNode
{
    public required string NodeType { get; init; }

    /// <summary>"SubPlan", "InitPlan", "Inner", "Outer", ... (how the parent uses it).</summary>
    public string? ParentRelationship { get; init; }

    public string? Schema { get; init; }

    public string? RelationName { get; init; }

    /// <summary>The alias EXPLAIN prints (unique within the plan: a repeated alias becomes a_1, a_2, ...).</summary>
    public string? Alias { get; init; }

    public string? IndexName { get; init; }

    public string? Filter { get; init; }

    public string? IndexCondition { get; init; }

    public string? RecheckCondition { get; init; }

    public string? HashCondition { get; init; }

    public string? MergeCondition { get; init; }

    public string? JoinFilter { get; init; }

    public IReadOnlyList<string> SortKey { get; init; } = [];

    public double PlanRows { get; init; }

    public double ActualRows { get; init; }

    public double ActualLoops { get; init; }

    public double ActualTotalTime { get; init; }

    public double RowsRemovedByFilter { get; init; }

    public double RowsRemovedByIndexRecheck { get; init; }

    public long SharedHitBlocks { get; init; }

    public long SharedReadBlocks { get; init; }

    public IReadOnlyList<PlanNode> Children { get; init; } = [];

    /// <summary>True for nodes that read a table: (Parallel) Seq Scan, Index (Only) Scan, Bitmap Heap Scan, ...</summary>
    public bool IsTableScan => RelationName is not null;

    public bool IsSequentialScan => NodeType == "Seq Scan";

    /// <summary>Rows over all loops (EXPLAIN prints per-loop averages).</summary>
    public double TotalRows => ActualRows * Math.Max(ActualLoops, 1);

    /// <summary>Rows the filter threw away, over all loops.</summary>
    public double TotalRowsRemoved => RowsRemovedByFilter * Math.Max(ActualLoops, 1);

    /// <summary>This node and every node below it, depth first.</summary>
    public IEnumerable<PlanNode> DescendantsAndSelf()
    {
        yield return this;
        foreach (var child in Children)
        {
            foreach (var node in child.DescendantsAndSelf())
            {
                yield return node;
            }
        }
    }

    internal static PlanNode Read(JsonElement node) => new()
    {
        NodeType = String(node, "Node Type") ?? "?",
        ParentRelationship = String(node, "Parent Relationship"),
        Schema = String(node, "Schema"),
        RelationName = String(node, "Relation Name"),
        Alias = String(node, "Alias"),
        IndexName = String(node, "Index Name"),
        Filter = String(node, "Filter"),
        IndexCondition = String(node, "Index Cond"),
        RecheckCondition = String(node, "Recheck Cond"),
        HashCondition = String(node, "Hash Cond"),
        MergeCondition = String(node, "Merge Cond"),
        JoinFilter = String(node, "Join Filter"),
        SortKey = node.TryGetProperty("Sort Key", out var keys) && keys.ValueKind == JsonValueKind.Array ? [.. keys.EnumerateArray().Select(k => k.GetString() ?? "")] : [],
        PlanRows = Number(node, "Plan Rows"),
        ActualRows = Number(node, "Actual Rows"),
        ActualLoops = Number(node, "Actual Loops"),
        ActualTotalTime = Number(node, "Actual Total Time"),
        RowsRemovedByFilter = Number(node, "Rows Removed by Filter"),
        RowsRemovedByIndexRecheck = Number(node, "Rows Removed by Index Recheck"),
        SharedHitBlocks = (long)Number(node, "Shared Hit Blocks"),
        SharedReadBlocks = (long)Number(node, "Shared Read Blocks"),
        Children = node.TryGetProperty("Plans", out var plans) && plans.ValueKind == JsonValueKind.Array ? [.. plans.EnumerateArray().Select(Read)] : [],
    };

    private static string? String(JsonElement node, string name) =>
        node.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double Number(JsonElement node, string name) =>
        node.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;
}

/// <summary>A whole plan: the root node, the planning and execution times, and the JSON EXPLAIN returned.</summary>
public sealed class QueryPlan
{
    public required PlanNode Root { get; init; }

    public double PlanningMs { get; init; }

    public double ExecutionMs { get; init; }

    /// <summary>What the server spent on the query: planning plus execution.</summary>
    public double TotalMs => PlanningMs + ExecutionMs;

    public required string Json { get; init; }

    public IEnumerable<PlanNode> Nodes => Root.DescendantsAndSelf();

    /// <summary>Parses EXPLAIN's FORMAT JSON output (an array holding one object).</summary>
    public static QueryPlan Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var top = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement[0] : document.RootElement;
        return new QueryPlan
        {
            Root = PlanNode.Read(top.GetProperty("Plan")),
            PlanningMs = top.TryGetProperty("Planning Time", out var planning) ? planning.GetDouble() : 0,
            ExecutionMs = top.TryGetProperty("Execution Time", out var execution) ? execution.GetDouble() : 0,
            Json = json,
        };
    }

    /// <summary>The indexes the plan reads.</summary>
    public IReadOnlySet<string> IndexesUsed => Nodes.Where(n => n.IndexName is not null).Select(n => n.IndexName!).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The plan as indented text, one line per node (type, relation and index, rows, loops, time, rows removed,
    /// conditions), the way a reader scans EXPLAIN ANALYZE output.
    /// </summary>
    public string Render()
    {
        var text = new StringBuilder();
        Render(Root, 0, text);
        text.Append(CultureInfo.InvariantCulture, $"Planning {PlanningMs:0.###} ms, execution {ExecutionMs:0.###} ms");
        return text.ToString();
    }

    private static void Render(PlanNode node, int depth, StringBuilder text)
    {
        text.Append(' ', depth * 2);
        if (node.ParentRelationship is "SubPlan" or "InitPlan")
        {
            text.Append(node.ParentRelationship).Append(": ");
        }

        text.Append(node.NodeType);
        if (node.IndexName is not null)
        {
            text.Append(" using ").Append(node.IndexName);
        }

        if (node.RelationName is not null)
        {
            text.Append(" on ").Append(node.Schema is null ? "" : node.Schema + ".").Append(node.RelationName);
            if (node.Alias is not null && node.Alias != node.RelationName)
            {
                text.Append(' ').Append(node.Alias);
            }
        }

        text.Append(CultureInfo.InvariantCulture, $" (rows {node.ActualRows:0.##}");
        if (node.ActualLoops > 1)
        {
            text.Append(CultureInfo.InvariantCulture, $" x {node.ActualLoops:0} loops");
        }

        text.Append(CultureInfo.InvariantCulture, $", {node.ActualTotalTime:0.###} ms");
        if (node.RowsRemovedByFilter > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {node.TotalRowsRemoved:0} removed by filter");
        }

        if (node.SharedHitBlocks + node.SharedReadBlocks > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", buffers hit {node.SharedHitBlocks} read {node.SharedReadBlocks}");
        }

        text.Append(')');
        foreach (var (label, condition) in new[] { ("index cond", node.IndexCondition), ("recheck", node.RecheckCondition), ("hash cond", node.HashCondition), ("merge cond", node.MergeCondition), ("join filter", node.JoinFilter), ("filter", node.Filter) })
        {
            if (condition is not null)
            {
                text.Append(' ').Append(label).Append(": ").Append(condition);
            }
        }

        if (node.SortKey.Count > 0)
        {
            text.Append(" sort: ").Append(string.Join(", ", node.SortKey));
        }

        text.Append('\n');
        foreach (var child in node.Children)
        {
            Render(child, depth + 1, text);
        }
    }
}
