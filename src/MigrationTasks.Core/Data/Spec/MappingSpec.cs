namespace MigrationTasks.Data.Spec;

/// <summary>Where something is in the spec file (1-based line and column), so every error can point at it.</summary>
public sealed record SpecLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{Path.GetFileName(File)}:{Line}";
}

/// <summary>
/// A SQL text from the spec (an expression, a condition, a query) with where it starts. <see cref="LineOf"/> turns
/// an offset inside the text (PostgreSQL's error position) back into a spec line.
/// </summary>
public sealed record SpecSql(string Text, SpecLocation Location, bool IsBlock)
{
    /// <summary>The spec line and column of a 0-based character offset in <see cref="Text"/>.</summary>
    public (int Line, int Column) LineOf(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var line = Location.Line;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (Text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        // A block scalar (| or >) starts on the line after its indicator; its column is unknown after folding.
        return IsBlock ? (line + 1, 0) : (line, line == Location.Line ? Location.Column + (offset - lineStart) : offset - lineStart + 1);
    }

    public override string ToString() => Text;
}

/// <summary>A schema-qualified relation named in the spec.</summary>
public sealed record QualifiedName(string Schema, string Name)
{
    public string Quoted => Sql.SqlQuote.Qualified(Schema, Name);

    public override string ToString() => $"{Schema}.{Name}";
}

/// <summary>The whole v1 to v3 mapping spec (supabase/v1_to_v3.yaml).</summary>
public sealed record MappingSpec
{
    public required string File { get; init; }

    /// <summary>SHA-256 of the file (reports and the before snapshot name the spec they were made from).</summary>
    public required string Sha256 { get; init; }

    /// <summary>The schema of the persisted key maps, the quarantine table and the helper functions.</summary>
    public required string KeymapSchema { get; init; }

    public required string QuarantineTable { get; init; }

    public required IReadOnlyList<HelperFunction> Functions { get; init; }

    public required IReadOnlyList<TableMapping> Mappings { get; init; }

    public required LegacyObjects Legacy { get; init; }

    /// <summary>Random rows compared field by field per mapping, on top of the named spot checks.</summary>
    public int RandomSpotChecks { get; init; } = 10;
}

/// <summary>A helper SQL function the data migration creates in the key-map schema (dates, money, ...).</summary>
public sealed record HelperFunction(string Name, string Arguments, string Returns, SpecSql Body, SpecLocation Location)
{
    /// <summary>The argument types alone (for DROP FUNCTION): "t text, n integer" → "text, integer".</summary>
    public string ArgumentTypes => string.Join(", ", Arguments.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(a => a.Split(' ', 2, StringSplitOptions.TrimEntries) is { Length: 2 } parts ? parts[1] : a));
}

/// <summary>The v1 objects the cleanup migration drops (and nothing else).</summary>
public sealed record LegacyObjects(
    IReadOnlyList<LegacyObject> Types,
    IReadOnlyList<LegacyObject> Tables,
    IReadOnlyList<LegacyObject> Views,
    IReadOnlyList<LegacyObject> Sequences,
    IReadOnlyList<LegacyObject> Functions,
    IReadOnlyList<LegacyObject> Triggers)
{
    public IEnumerable<LegacyObject> All => Triggers.Concat(Views).Concat(Functions).Concat(Tables).Concat(Sequences).Concat(Types);
}

/// <summary>One legacy object as the spec names it: <c>public.v1_users</c>, <c>public.f(integer)</c>, <c>trg on public.t</c>.</summary>
public sealed record LegacyObject(string Kind, string Text, SpecLocation Location);

/// <summary>One v3 target table loaded from one v1 source.</summary>
public sealed record TableMapping
{
    public required string Name { get; init; }

    public required SpecLocation Location { get; init; }

    /// <summary>A source table (or null when <see cref="SourceQuery"/> is given).</summary>
    public QualifiedName? SourceTable { get; init; }

    public SpecSql? SourceQuery { get; init; }

    public required SpecLocation SourceLocation { get; init; }

    /// <summary>The alias expressions use for the source row (<c>u</c> in <c>u.email</c>).</summary>
    public required string Alias { get; init; }

    /// <summary>The v1 key column(s): unique per source row; quarantine, spot checks and batches use them.</summary>
    public required IReadOnlyList<string> Key { get; init; }

    public required SpecLocation KeyLocation { get; init; }

    public required QualifiedName Target { get; init; }

    public required SpecLocation TargetLocation { get; init; }

    public KeymapSpec? Keymap { get; init; }

    public IReadOnlyList<ConditionRule> Filters { get; init; } = [];

    public DedupeRule? Dedupe { get; init; }

    public IReadOnlyList<ConditionRule> Quarantine { get; init; } = [];

    public IReadOnlyList<ReferenceSpec> References { get; init; } = [];

    public required IReadOnlyList<ColumnMapping> Columns { get; init; }

    /// <summary>"nothing" (default) or "update" (rows that already exist get the mapped columns).</summary>
    public string OnConflict { get; init; } = "nothing";

    public SpecLocation? OnConflictLocation { get; init; }

    /// <summary>Target triggers switched off while loading (their previous state is restored in the same transaction).</summary>
    public IReadOnlyList<(string Name, SpecLocation Location)> DisableTriggers { get; init; } = [];

    /// <summary>Key-range batch size for the load (null: one statement).</summary>
    public int? BatchSize { get; init; }

    public SpecLocation? BatchLocation { get; init; }

    public IReadOnlyList<SpotCheckSpec> SpotChecks { get; init; } = [];

    /// <summary>Source columns deliberately not migrated, with why.</summary>
    public IReadOnlyDictionary<string, string> Dropped { get; init; } = new Dictionary<string, string>();

    public string SourceDescription => SourceTable?.ToString() ?? "query";
}

/// <summary>How v1 keys map to v3 keys: a persisted table <c>&lt;keymap_schema&gt;.&lt;Name&gt;</c> (v1_id → v3_id).</summary>
public sealed record KeymapSpec(string Name, SpecSql? V3Key, SpecLocation Location);

/// <summary>A filter (rows left out on purpose) or a quarantine rule (rows that cannot be converted), with the reason.</summary>
public sealed record ConditionRule(SpecSql When, string Reason, SpecLocation Location);

/// <summary>Rows equal on <see cref="By"/> are one row: the first in <see cref="Keep"/> order survives, the others merge into it.</summary>
public sealed record DedupeRule(IReadOnlyList<SpecSql> By, SpecSql Keep, string Reason, SpecLocation Location);

/// <summary>A foreign key remapped through another mapping's key map: <c>&lt;Name&gt;.v3_id</c> is the v3 key.</summary>
public sealed record ReferenceSpec(string Name, string Keymap, SpecSql KeyExpression, bool Required, SpecLocation Location);

/// <summary>What a target column gets: an expression, the row's own v3 key, or a reference's v3 key.</summary>
public sealed record ColumnMapping(string Column, SpecSql? Expression, bool IsKey, string? Reference, SpecLocation Location);

/// <summary>A named critical record: its v1 key values (in <see cref="TableMapping.Key"/> order) and why it matters.</summary>
public sealed record SpotCheckSpec(IReadOnlyList<string> KeyValues, string Why, SpecLocation Location);
