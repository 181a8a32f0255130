using System.Text.Json;
using System.Text.Json.Serialization;

namespace MigrationTasks.Data.Validation;

/// <summary>
/// The outcome of Validate: per mapping every number of the count relation, explained (filtered, de-duplicated,
/// quarantined, migrated), the content checksums, the spot checks and the first mismatches by table, key and column;
/// every v3 foreign key's orphans. Written as JSON (top-level "passed") and Markdown under artifacts/validation/.
/// </summary>
public sealed class ValidationReport
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public bool Passed { get; set; }

    /// <summary>after, or cycle (before → migrate → after on the bundled sample).</summary>
    public required string Phase { get; init; }

    /// <summary>user@host:port/database (never a password), or the sample's description.</summary>
    public required string Database { get; init; }

    public required string Spec { get; init; }

    public required string SpecSha256 { get; init; }

    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    public long DurationMs { get; set; }

    /// <summary>Seed of the random spot-check sample (rerun with it to see the same rows).</summary>
    public long SampleSeed { get; init; }

    /// <summary>How content checksums are computed.</summary>
    public string ChecksumMethod { get; init; } = "sum of hashtextextended(ROW(target columns)::text, 0) over the rows, computed in PostgreSQL with TimeZone UTC; the expected side is the v1 rows projected through the spec's expressions and cast to the target columns' types";

    /// <summary>Whether the v1 source was compared with a before snapshot, and what it said.</summary>
    public string? BeforeSnapshot { get; set; }

    public List<MappingResult> Mappings { get; } = [];

    public List<ForeignKeyResult> ForeignKeys { get; } = [];

    /// <summary>One line per failed check, in order: what the exit message and the Markdown summary show.</summary>
    public List<string> Failures { get; } = [];

    public List<string> Notes { get; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>One mapping: the count relation, checksums, spot checks and mismatches.</summary>
public sealed class MappingResult
{
    public required string Name { get; init; }

    public required string Source { get; init; }

    public required string Target { get; init; }

    public required int SpecLine { get; init; }

    public bool Passed { get; set; } = true;

    /// <summary>v1 rows read (with a query source: rows the query returns).</summary>
    public long SourceRows { get; set; }

    public List<RuleCount> Filtered { get; } = [];

    /// <summary>Rows merged into another row (de-duplication).</summary>
    public long Deduplicated { get; set; }

    /// <summary>Of those, merged into a migrated row (their v1 key maps to its v3 key).</summary>
    public long? MergedIntoMigrated { get; set; }

    public List<RuleCount> Quarantined { get; } = [];

    /// <summary>Rows the spec says the target gets: source − filtered − de-duplicated − quarantined.</summary>
    public long ExpectedTargetRows { get; set; }

    /// <summary>Target rows this mapping accounts for (with a key map: those whose key it produced).</summary>
    public long TargetRows { get; set; }

    /// <summary>All rows of the target table.</summary>
    public long TargetTotalRows { get; set; }

    /// <summary>Key-map rows: migrated (own v3 key) and merged duplicates.</summary>
    public long? KeymapRows { get; set; }

    public long? KeymapMerged { get; set; }

    public long QuarantineTableRows { get; set; }

    public string? ExpectedChecksum { get; set; }

    public string? ActualChecksum { get; set; }

    public int SpotChecked { get; set; }

    public List<SpotCheckResult> NamedSpotChecks { get; } = [];

    public List<Mismatch> Mismatches { get; } = [];

    /// <summary>Each check of the mapping with its outcome (count relation, key map, quarantine, checksum, source unchanged).</summary>
    public List<CheckResult> Checks { get; } = [];

    public long DurationMs { get; set; }
}

/// <summary>Rows one rule accounts for, with the rule's reason and spec line.</summary>
public sealed record RuleCount(string Reason, int SpecLine, long Rows);

/// <summary>A check and its outcome.</summary>
public sealed record CheckResult(string Name, bool Passed, string Detail);

/// <summary>A critical record named in the spec, and what validation found.</summary>
public sealed record SpotCheckResult(string V1Key, string Why, int SpecLine, bool Passed, string Outcome);

/// <summary>
/// One difference: a value (<see cref="Column"/> differs), a missing row (expected, not in the target), an extra row
/// (in the target, not produced by the mapping), or an orphan (a foreign key that does not resolve).
/// </summary>
public sealed record Mismatch(string Kind, string Table, string Key, string? V1Key, string? Column, string? Expected, string? Actual)
{
    public override string ToString() => Kind switch
    {
        "value" => $"{Table} {Key}{(V1Key is null ? "" : $" (v1 key {V1Key})")}: column {Column} is {Show(Actual)}, expected {Show(Expected)}",
        "missing" => $"{Table} {Key}{(V1Key is null ? "" : $" (v1 key {V1Key})")}: the row is missing",
        "extra" => $"{Table} {Key}: a row the mapping did not produce",
        _ => $"{Table} {Key}: column {Column} = {Show(Actual)} has no row in {Expected}",
    };

    private static string Show(string? value) => value is null ? "NULL" : $"'{(value.Length > 80 ? value[..80] + "..." : value)}'";
}

/// <summary>A v3 foreign key: how many child rows do not resolve, with examples.</summary>
public sealed class ForeignKeyResult
{
    public required string Constraint { get; init; }

    public required string Table { get; init; }

    public required string Columns { get; init; }

    public required string References { get; init; }

    public bool Validated { get; init; }

    public long Orphans { get; set; }

    public List<Mismatch> Examples { get; } = [];

    public bool Passed => Orphans == 0;
}
