using MigrationTasks.Sql;

namespace MigrationTasks.Catalog.Model;

public sealed record SchemaObject : CatalogObject
{
    public override string KindName => "schema";

    public override string SqlName => SqlQuote.Identifier(Name);

    public override string DisplayName => Name;
}

public sealed record ExtensionObject : CatalogObject
{
    public required string Version { get; init; }

    /// <summary>Whether ALTER EXTENSION ... SET SCHEMA works; otherwise a schema change means drop and create.</summary>
    public required bool Relocatable { get; init; }

    public override string KindName => "extension";

    public override string SqlName => SqlQuote.Identifier(Name);

    public override string DisplayName => Name;
}

public sealed record CollationObject : CatalogObject
{
    /// <summary>pg_collation's columns other than names (provider, locales, deterministic), as the server spells them.</summary>
    public required IReadOnlyDictionary<string, string?> Properties { get; init; }

    public override string KindName => "collation";

    public override string SqlName => SqlQuote.Qualified(Schema, Name);
}

/// <summary>ALTER DEFAULT PRIVILEGES FOR ROLE r [IN SCHEMA s] for one object type (r, S, f, T, n).</summary>
public sealed record DefaultPrivilegeObject : CatalogObject
{
    public required string Role { get; init; }

    /// <summary>The schema, or null for the entry that applies everywhere.</summary>
    public string? InSchema { get; init; }

    public required char ObjectType { get; init; }

    public override string KindName => "default privileges";

    public override string SqlName => SqlQuote.Identifier(Role);

    public override string DisplayName => $"{Role} on {ObjectTypeName}{(InSchema is null ? "" : " in " + InSchema)}";

    public string ObjectTypeName => ObjectType switch
    {
        'r' => "TABLES",
        'S' => "SEQUENCES",
        'f' => "FUNCTIONS",
        'T' => "TYPES",
        'n' => "SCHEMAS",
        _ => ObjectType.ToString(),
    };
}
