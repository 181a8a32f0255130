using MigrationTasks.Data.Spec;

namespace MigrationTasks.Data;

/// <summary>
/// A spec checked against a database: every mapping resolved to its real source and target columns, types and keys.
/// The data template renders it, validation queries it; both get their SQL from <see cref="MappingSql"/>, so the
/// migration and the check of it can never disagree about a transformation.
/// </summary>
public sealed record DataPlan(MappingSpec Spec, IReadOnlyList<MappingPlan> Mappings, DataCatalog Catalog)
{
    public string KeymapSchema => Spec.KeymapSchema;

    public QualifiedName QuarantineTable => new(Spec.KeymapSchema, Spec.QuarantineTable);

    /// <summary>Every relation some mapping reads (what the data migration is guarded on).</summary>
    public IReadOnlyList<QualifiedName> SourceRelations =>
        [.. Mappings.SelectMany(m => m.SourceRelations).Distinct().OrderBy(n => n.ToString(), StringComparer.Ordinal)];
}

/// <summary>One mapping resolved against the catalog.</summary>
public sealed record MappingPlan
{
    public required TableMapping Spec { get; init; }

    /// <summary>Position in foreign-key order, 1-based.</summary>
    public required int Order { get; init; }

    public required CatalogRelation Target { get; init; }

    /// <summary>Source columns and their types (a table's, or a query's as PostgreSQL describes it).</summary>
    public required IReadOnlyList<CatalogColumn> SourceColumns { get; init; }

    /// <summary>The relations the source reads (the table itself, or those a query depends on).</summary>
    public required IReadOnlyList<QualifiedName> SourceRelations { get; init; }

    /// <summary>Type of each v1 key column, in key order.</summary>
    public required IReadOnlyList<string> KeyTypes { get; init; }

    /// <summary>The target columns the load is idempotent on (ON CONFLICT arbiter; the row identity in reports).</summary>
    public required IReadOnlyList<string> Arbiter { get; init; }

    /// <summary>The key map table, when the mapping has one.</summary>
    public QualifiedName? Keymap { get; init; }

    /// <summary>The v3 key's type (the key column's type in the target).</summary>
    public string? V3KeyType { get; init; }

    /// <summary>The SQL expression giving a new row its v3 key (the spec's v3_key, the identity sequence, or a new uuid).</summary>
    public string? V3KeyExpression { get; init; }

    /// <summary>The key maps the references read, by reference name.</summary>
    public required IReadOnlyDictionary<string, QualifiedName> ReferenceKeymaps { get; init; }

    /// <summary>Mapped target columns with their types, in spec order.</summary>
    public required IReadOnlyList<(ColumnMapping Mapping, CatalogColumn Column)> Columns { get; init; }

    public bool OverridingSystemValue => Columns.Any(c => c.Column.IsIdentity);

    public string Name => Spec.Name;
}
