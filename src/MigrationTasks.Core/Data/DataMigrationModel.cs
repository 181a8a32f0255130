using System.Globalization;
using MigrationTasks.Data.Spec;
using static MigrationTasks.Sql.SqlQuote;

namespace MigrationTasks.Data;

/// <summary>
/// The model of Templates/data.sql.sbn (members appear in snake_case): the setup statements, and per mapping in
/// foreign-key order its guard, its spec line, what it filters and quarantines, and its ready SQL (from
/// <see cref="MappingSql"/>). The template lays it out as guarded DO blocks.
/// </summary>
public sealed class DataMigrationModel
{
    public required string SpecFile { get; init; }

    public required string KeymapSchema { get; init; }

    /// <summary>to_regclass(...) IS NOT NULL for each v1 relation, OR-ed: true when any v1 source is present.</summary>
    public required string AnySourcePresent { get; init; }

    public required IReadOnlyList<string> SourceRelations { get; init; }

    public required IReadOnlyList<string> SetupStatements { get; init; }

    /// <summary>regclass literals of every target (checked for row-level security before anything is written).</summary>
    public required string TargetRegclasses { get; init; }

    public required IReadOnlyList<DataMappingModel> Mappings { get; init; }

    public string Order => string.Join(", ", Mappings.Select(m => m.Name));

    public static DataMigrationModel From(DataPlan plan, string specDisplayPath)
    {
        var spec = plan.Spec;
        var setup = DataSetupSql.Schema(spec).Concat(DataSetupSql.Functions(spec))
            .Concat(plan.Mappings.Where(m => m.Keymap is not null).SelectMany(m => new[] { DataSetupSql.Keymap(m), DataSetupSql.KeymapComment(spec, m) }))
            .ToList();
        return new DataMigrationModel
        {
            SpecFile = specDisplayPath,
            KeymapSchema = Identifier(spec.KeymapSchema),
            SourceRelations = [.. plan.SourceRelations.Select(r => r.ToString())],
            AnySourcePresent = string.Join("\n     OR ", plan.SourceRelations.Select(Present)),
            SetupStatements = setup,
            TargetRegclasses = string.Join(", ", plan.Mappings.Select(m => m.Target.Quoted).Distinct().Select(t => $"{Literal(t)}::pg_catalog.regclass")),
            Mappings = [.. plan.Mappings.Select(m => DataMappingModel.From(plan, m))],
        };
    }

    internal static string Present(QualifiedName name) => $"pg_catalog.to_regclass({Literal(name.Quoted)}) IS NOT NULL";
}

/// <summary>One mapping as the template sees it.</summary>
public sealed class DataMappingModel
{
    public required int Order { get; init; }

    public required string Name { get; init; }

    /// <summary>"v1_to_v3.yaml:88": where the mapping is in the spec.</summary>
    public required string Location { get; init; }

    public required string Source { get; init; }

    public required string Target { get; init; }

    public required string TargetQuoted { get; init; }

    public required string Guard { get; init; }

    public string? Keymap { get; init; }

    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>The classification + quarantine + key-map statement (mappings with a key map).</summary>
    public string? KeymapFill { get; init; }

    /// <summary>The whole load in one statement (without a key map: the quarantine too).</summary>
    public required string Load { get; init; }

    /// <summary>Key-range batches, when the spec asks for them.</summary>
    public DataBatchModel? Batch { get; init; }

    public required IReadOnlyList<DataTriggerModel> DisabledTriggers { get; init; }

    public static DataMappingModel From(DataPlan plan, MappingPlan mapping)
    {
        var sql = new MappingSql(plan, mapping);
        var spec = mapping.Spec;
        var file = Path.GetFileName(plan.Spec.File);
        string At(SpecLocation location) => $"{file}:{location.Line}";
        var notes = new List<string>
        {
            $"key: {string.Join(", ", spec.Key)}" + (mapping.Keymap is { } km ? $"; key map {km} (v1 {spec.Key[0]} -> v3 {mapping.Target.Name}.{mapping.Arbiter[0]})" : $"; idempotent on ({string.Join(", ", mapping.Arbiter)})"),
        };
        notes.AddRange(spec.References.Select(r => $"reference {r.Name}: key map {r.Keymap} on {OneLine(r.KeyExpression.Text)}{(r.Required ? "; required (else quarantined)" : "; optional (NULL when not migrated)")} ({At(r.Location)})"));
        notes.AddRange(spec.Filters.Select(f => $"filter: {OneLine(f.Reason)} ({At(f.Location)})"));
        if (spec.Dedupe is { } dedupe)
        {
            notes.Add($"de-duplication: {OneLine(dedupe.Reason)} ({At(dedupe.Location)})");
        }

        notes.AddRange(spec.Quarantine.Select(q => $"quarantine: {OneLine(q.Reason)} ({At(q.Location)})"));
        notes.Add(spec.OnConflict == "update" ? "rows that already exist: their mapped columns are updated where they differ" : "rows that already exist are kept (ON CONFLICT DO NOTHING)");
        return new DataMappingModel
        {
            Order = mapping.Order,
            Name = spec.Name,
            Location = At(spec.Location),
            Source = spec.SourceTable?.ToString() ?? "query (" + string.Join(", ", mapping.SourceRelations) + ")",
            Target = mapping.Target.ToString(),
            TargetQuoted = mapping.Target.Quoted,
            Guard = string.Join("\n     AND ", mapping.SourceRelations.Select(DataMigrationModel.Present).DefaultIfEmpty("true")),
            Keymap = mapping.Keymap?.Quoted,
            Notes = notes,
            KeymapFill = mapping.Keymap is null ? null : sql.KeymapFill,
            Load = mapping.Keymap is null ? sql.QuarantineAndLoad : sql.Load(),
            Batch = spec.BatchSize is { } size ? new DataBatchModel
            {
                Size = size.ToString(CultureInfo.InvariantCulture),
                Keymap = mapping.Keymap!.Quoted,
                Load = sql.Load(sql.BatchPredicate("__mt_lower", "__mt_lower + " + size.ToString(CultureInfo.InvariantCulture))),
            } : null,
            DisabledTriggers = [.. spec.DisableTriggers.Select((t, i) => new DataTriggerModel
            {
                Variable = $"__mt_trigger_{i + 1}",
                Table = mapping.Target.Quoted,
                TableRegclass = $"{Literal(mapping.Target.Quoted)}::pg_catalog.regclass",
                Name = Identifier(t.Name),
                NameLiteral = Literal(t.Name),
                Location = At(t.Location),
            })],
        };
    }

    private static string OneLine(string text) => string.Join(" ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>Key-range batches over the key map's v1 keys: <see cref="Load"/> reads the plpgsql variable __mt_lower.</summary>
public sealed class DataBatchModel
{
    public required string Size { get; init; }

    public required string Keymap { get; init; }

    public required string Load { get; init; }
}

/// <summary>A trigger switched off during the load, and back to its previous state after it (same transaction).</summary>
public sealed class DataTriggerModel
{
    public required string Variable { get; init; }

    public required string Table { get; init; }

    public required string TableRegclass { get; init; }

    public required string Name { get; init; }

    public required string NameLiteral { get; init; }

    public required string Location { get; init; }
}
