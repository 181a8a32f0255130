using MigrationTasks.Sql;

namespace MigrationTasks.Catalog.Model;

/// <summary>An enum (e), domain (d), composite type (c) or range type (r).</summary>
public sealed record TypeObject : CatalogObject
{
    public required char TypeKind { get; init; }

    /// <summary>Enum labels in sort order.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Domain: the base type as format_type writes it.</summary>
    public string? BaseType { get; init; }

    public bool NotNull { get; init; }

    /// <summary>Domain default expression.</summary>
    public string? Default { get; init; }

    /// <summary>Domain collation, qualified, when not the base type's.</summary>
    public string? Collation { get; init; }

    /// <summary>Composite attribute names, in order.</summary>
    public IReadOnlyList<string> AttributeNames { get; init; } = [];

    /// <summary>Composite attribute types (with COLLATE when not the type's default), in order.</summary>
    public IReadOnlyList<string> AttributeTypes { get; init; } = [];

    /// <summary>Range options (subtype, subtype_opclass, collation, canonical, subtype_diff, multirange_type_name).</summary>
    public IReadOnlyDictionary<string, string?> Range { get; init; } = new Dictionary<string, string?>();

    public override string KindName => TypeKind switch { 'e' => "enum", 'd' => "domain", 'c' => "composite type", 'r' => "range type", _ => "type" };

    public override string SqlName => SqlQuote.Qualified(Schema, Name);

    /// <summary>The keyword for ALTER/DROP/COMMENT: DOMAIN for domains, TYPE otherwise.</summary>
    public string SqlKeyword => TypeKind == 'd' ? "DOMAIN" : "TYPE";
}
