using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace MigrationTasks.Data.Validation;

/// <summary>
/// Validate -p:Phase=before: per mapping, the v1 source's row count, the rows each filter leaves out, and an
/// order-independent checksum of the raw v1 rows, in one consistent snapshot. The after phase recomputes them: equal
/// numbers prove the v1 data did not change (or lose rows) while it was migrated.
/// </summary>
public sealed record SourceSnapshot
{
    public bool Passed { get; init; } = true;

    public string Phase { get; init; } = "before";

    public required string Database { get; init; }

    public required string Spec { get; init; }

    public required string SpecSha256 { get; init; }

    public DateTimeOffset TakenAt { get; init; } = DateTimeOffset.UtcNow;

    public required IReadOnlyList<MappingSnapshot> Mappings { get; init; }

    public required IReadOnlyList<TableRows> Targets { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, ValidationReport.Json);

    public static SourceSnapshot? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<SourceSnapshot>(File.ReadAllText(path), ValidationReport.Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static async Task<SourceSnapshot> TakeAsync(DataSession session, string database, CancellationToken cancellationToken)
    {
        var plan = session.Plan;
        var mappings = new List<MappingSnapshot>();
        foreach (var mapping in plan.Mappings)
        {
            mappings.Add(await MeasureAsync(session, mapping, cancellationToken).ConfigureAwait(false));
        }

        var targets = new List<TableRows>();
        foreach (var target in plan.Mappings.Select(m => m.Target).DistinctBy(t => t.Quoted))
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {target.Quoted}", session.Connection);
            targets.Add(new TableRows(target.ToString(), (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!));
        }

        return new SourceSnapshot
        {
            Database = database,
            Spec = Path.GetFileName(plan.Spec.File),
            SpecSha256 = plan.Spec.Sha256,
            Mappings = mappings,
            Targets = targets,
        };
    }

    /// <summary>Rows, filter counts and the raw-row checksum of one mapping's source (one scan).</summary>
    public static async Task<MappingSnapshot> MeasureAsync(DataSession session, MappingPlan mapping, CancellationToken cancellationToken)
    {
        var sql = new MappingSql(session.Plan, mapping);
        var alias = Sql.SqlQuote.Identifier(mapping.Spec.Alias);
        var filters = mapping.Spec.Filters.Select((_, i) => $", count(*) FILTER (WHERE ({sql.FilterCase}) = {i + 1})");
        await using var command = new NpgsqlCommand(
            $"SELECT count(*), coalesce(sum(pg_catalog.hashtextextended({alias}::text, 0)), 0)::text{string.Concat(filters)}\nFROM {sql.SourceFrom}{sql.ReferenceJoins}",
            session.Connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new MappingSnapshot(mapping.Name, mapping.Spec.SourceDescription, reader.GetInt64(0), reader.GetString(1),
            [.. mapping.Spec.Filters.Select((f, i) => new RuleCount(f.Reason, f.Location.Line, reader.GetInt64(2 + i)))]);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Mappings.Count} mappings, {Mappings.Sum(m => m.SourceRows):N0} v1 rows");
}

/// <summary>One mapping's source at a point in time.</summary>
public sealed record MappingSnapshot(string Mapping, string Source, long SourceRows, string Checksum, IReadOnlyList<RuleCount> Filtered);

/// <summary>A table's row count.</summary>
public sealed record TableRows(string Table, long Rows);
