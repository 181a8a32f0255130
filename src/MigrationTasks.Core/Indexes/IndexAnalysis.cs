using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MigrationTasks.Indexes;

/// <summary>One query's median time over the measured runs, with the plan of the median run.</summary>
public sealed class QueryMeasurement
{
    public double Ms { get; init; }

    public List<double> RunsMs { get; init; } = [];

    /// <summary>The plan as indented text (the JSON plan is in <see cref="PlanJson"/>).</summary>
    public string Plan { get; init; } = "";

    public JsonElement? PlanJson { get; init; }

    /// <summary>Tables above the large-table threshold that the plan reads sequentially.</summary>
    public List<string> SequentialScans { get; init; } = [];

    public List<string> IndexesUsed { get; init; } = [];
}

/// <summary>A workload query's result: what it is, and its time and plan before and after the kept indexes.</summary>
public sealed class QueryReport
{
    public required string Name { get; init; }

    public string Description { get; init; } = "";

    /// <summary>The API role it ran as, or null for the connecting user.</summary>
    public string? Role { get; init; }

    public required QueryMeasurement Before { get; init; }

    public QueryMeasurement? After { get; set; }

    /// <summary>before / after: how many times faster.</summary>
    public double Speedup => After is { Ms: > 0 } after ? Before.Ms / after.Ms : 1;
}

/// <summary>A table the workload reads, with its size as ANALYZE saw it.</summary>
public sealed record TableReport(string Table, long Rows, long Bytes);

/// <summary>
/// The index analysis: the data it ran on, every query's time and plan before and after, the findings, and every
/// proposal with its trial. Written as <c>artifacts/indexes/indexes.json</c> (top-level "passed") and
/// <c>report.md</c>; the indexes template reads the JSON.
/// </summary>
public sealed class IndexAnalysis
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>True when the analysis ran to its end (its findings are in the report either way).</summary>
    public bool Passed { get; set; }

    public string Tool { get; init; } = Migrations.ApplyOptions.CurrentToolVersion;

    /// <summary>user@host:port/database (never a password).</summary>
    public required string Database { get; init; }

    /// <summary>Which data was analysed, in words (staging, or the bundled sample and its scale).</summary>
    public required string Source { get; init; }

    public DateTimeOffset AnalyzedAt { get; init; } = DateTimeOffset.UtcNow;

    public long DurationMs { get; set; }

    /// <summary>The workload file, relative to the repository when it lies inside it.</summary>
    public required string Workload { get; init; }

    public int Runs { get; init; }

    public long LargeTableRows { get; init; }

    /// <summary>The fraction a query must get faster by for an index to be kept (0.2 = 20%).</summary>
    public double MinimumGain { get; init; }

    public Dictionary<string, string?> Parameters { get; init; } = [];

    public List<TableReport> Tables { get; init; } = [];

    public List<QueryReport> Queries { get; init; } = [];

    public List<IndexFinding> Findings { get; init; } = [];

    public List<IndexProposal> Proposals { get; init; } = [];

    /// <summary>Sum of the queries' median times without the kept indexes.</summary>
    public double BeforeMs => Queries.Sum(q => q.Before.Ms);

    /// <summary>Sum of the queries' median times with the kept indexes.</summary>
    public double AfterMs => Queries.Sum(q => (q.After ?? q.Before).Ms);

    public double Speedup => AfterMs > 0 ? BeforeMs / AfterMs : 1;

    /// <summary>"query: table" for every sequential scan of a large table left once the kept indexes exist.</summary>
    public List<string> RemainingSequentialScans => [.. Queries.SelectMany(q => (q.After ?? q.Before).SequentialScans.Select(t => $"{q.Name}: {t}"))];

    public IEnumerable<IndexProposal> Kept => Proposals.Where(p => p.IsKept);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads an analysis written by <see cref="ToJson"/>; MT0708 when it is missing or unreadable.</summary>
    public static IndexAnalysis Load(string path)
    {
        if (!File.Exists(path))
        {
            throw Errors.Errors.IndexAnalysisMissing(path, "does not exist");
        }

        try
        {
            var analysis = JsonSerializer.Deserialize<IndexAnalysis>(File.ReadAllText(path), Json)
                ?? throw Errors.Errors.IndexAnalysisMissing(path, "is empty");
            foreach (var proposal in analysis.Proposals)
            {
                proposal.Definition.Validated(path);
            }

            return analysis;
        }
        catch (JsonException exception)
        {
            throw Errors.Errors.IndexAnalysisMissing(path, $"is not an index analysis ({exception.Message})");
        }
    }

    /// <summary>The human report: the summary per query, the kept and dropped proposals, the findings, then every plan before and after.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("# Index analysis").AppendLine();
        text.AppendLine(Invariant($"- Data: {Source}; database {Database}."));
        text.AppendLine(Invariant($"- Workload: `{Workload}`, {Queries.Count} queries, median of {Runs} runs each (EXPLAIN (ANALYZE, BUFFERS), after ANALYZE)."));
        text.AppendLine(Invariant($"- Tables read: {string.Join(", ", Tables.Select(t => $"{t.Table} {t.Rows:N0} rows"))}."));
        text.AppendLine(Invariant($"- Total: {BeforeMs:0.###} ms before, {AfterMs:0.###} ms with the kept indexes ({Speedup:0.#}x)."));
        text.AppendLine(RemainingSequentialScans.Count == 0
            ? Invariant($"- No query reads a table of more than {LargeTableRows:N0} rows sequentially once the kept indexes exist.")
            : Invariant($"- Sequential scans of tables over {LargeTableRows:N0} rows left: {string.Join("; ", RemainingSequentialScans)}."));
        text.AppendLine().AppendLine("| Query | Role | Before (ms) | After (ms) | Faster | Sequential scans before → after |").AppendLine("|---|---|---:|---:|---:|---|");
        foreach (var query in Queries)
        {
            var after = query.After ?? query.Before;
            text.AppendLine(Invariant($"| {query.Name} | {query.Role ?? "owner"} | {query.Before.Ms:0.###} | {after.Ms:0.###} | {query.Speedup:0.#}x | {Scans(query.Before)} → {Scans(after)} |"));
        }

        text.AppendLine().AppendLine("## Proposals").AppendLine();
        if (Proposals.Count == 0)
        {
            text.AppendLine("None: no finding called for an index.");
        }

        foreach (var proposal in Proposals)
        {
            text.AppendLine(Invariant($"### {proposal.Name}: {proposal.Status}")).AppendLine();
            text.AppendLine("```sql").AppendLine(proposal.Definition.CreateSql(proposal.Name, concurrently: true, ifNotExists: true) + ";").AppendLine("```");
            if (proposal.StatusDetail is not null)
            {
                text.AppendLine().AppendLine(proposal.StatusDetail);
            }

            text.AppendLine();
            foreach (var reason in proposal.Reasons)
            {
                text.AppendLine("- Why: " + reason);
            }

            foreach (var gain in proposal.Gains)
            {
                text.AppendLine(Invariant($"- {gain.Query}: {gain.BeforeMs:0.###} ms → {gain.AfterMs:0.###} ms ({gain.Speedup:0.#}x){(gain.UsesIndex ? ", uses it" : ", does not use it")}"));
            }

            text.AppendLine();
        }

        text.AppendLine("## Findings").AppendLine();
        foreach (var group in Findings.GroupBy(f => f.Kind))
        {
            text.AppendLine(Invariant($"### {group.Key}")).AppendLine();
            foreach (var finding in group)
            {
                text.AppendLine("- " + finding.Detail);
            }

            text.AppendLine();
        }

        text.AppendLine("## Plans").AppendLine();
        foreach (var query in Queries)
        {
            text.AppendLine(Invariant($"### {query.Name}")).AppendLine().AppendLine(query.Description).AppendLine();
            text.AppendLine(Invariant($"Before ({query.Before.Ms:0.###} ms):")).AppendLine().AppendLine("```").Append(query.Before.Plan).AppendLine().AppendLine("```");
            if (query.After is { } after)
            {
                text.AppendLine(Invariant($"After ({after.Ms:0.###} ms):")).AppendLine().AppendLine("```").Append(after.Plan).AppendLine().AppendLine("```");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    private static string Scans(QueryMeasurement measurement) => measurement.SequentialScans.Count == 0 ? "none" : string.Join(", ", measurement.SequentialScans);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
