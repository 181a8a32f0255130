using System.Text.Json.Serialization;

namespace MigrationTasks.Indexes;

/// <summary>What a trial of a proposal did to one workload query.</summary>
public sealed record QueryGain(string Query, double BeforeMs, double AfterMs, bool UsesIndex)
{
    /// <summary>How many times faster (before / after).</summary>
    public double Speedup => AfterMs > 0 ? BeforeMs / AfterMs : 0;
}

/// <summary>How a proposal's trial ended.</summary>
public static class ProposalStatus
{
    public const string Proposed = "proposed";

    /// <summary>Created on the clone, used by a workload query that got faster by at least the minimum gain.</summary>
    public const string Kept = "kept";

    /// <summary>Created; no workload query's plan used it.</summary>
    public const string NotUsed = "not-used";

    /// <summary>Created and used, but no query got faster by the minimum gain.</summary>
    public const string NoGain = "no-gain";

    /// <summary>No workload query reads the table: nothing to measure it with.</summary>
    public const string Untested = "untested";

    /// <summary>The trial index could not be built.</summary>
    public const string Failed = "failed";
}

/// <summary>An index the analysis proposes, why, and how its trial on the clone went.</summary>
public sealed class IndexProposal
{
    public required string Name { get; set; }

    public required IndexDefinition Definition { get; init; }

    /// <summary>Findings that led to it, as sentences.</summary>
    public List<string> Reasons { get; init; } = [];

    /// <summary>The workload queries whose plans showed the problem it addresses.</summary>
    public List<string> Queries { get; init; } = [];

    public string Status { get; set; } = ProposalStatus.Proposed;

    public string? StatusDetail { get; set; }

    /// <summary>Per workload query that reads the table: the median time before and with the index.</summary>
    public List<QueryGain> Gains { get; init; } = [];

    public double BuildMs { get; set; }

    public long Bytes { get; set; }

    /// <summary>The queries the index serves: their plans use it and they got faster.</summary>
    [JsonIgnore]
    public IEnumerable<QueryGain> Served => Gains.Where(g => g.UsesIndex && g.AfterMs < g.BeforeMs);

    [JsonIgnore]
    public bool IsKept => Status == ProposalStatus.Kept;

    public void AddReason(string reason)
    {
        if (!Reasons.Contains(reason))
        {
            Reasons.Add(reason);
        }
    }

    public void AddQuery(string? query)
    {
        if (query is not null && !Queries.Contains(query))
        {
            Queries.Add(query);
        }
    }
}
