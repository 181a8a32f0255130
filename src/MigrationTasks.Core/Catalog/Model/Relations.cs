using MigrationTasks.Sql;

namespace MigrationTasks.Catalog.Model;

/// <summary>A table or partitioned table. Its columns, constraints, indexes, triggers and policies are objects of their own.</summary>
public sealed record TableObject : CatalogObject
{
    /// <summary>'p' permanent, 'u' unlogged.</summary>
    public char Persistence { get; init; } = 'p';

    public IReadOnlyList<string> Options { get; init; } = [];

    public bool RowSecurity { get; init; }

    public bool ForceRowSecurity { get; init; }

    /// <summary>'d' default, 'n' nothing, 'f' full, 'i' index.</summary>
    public char ReplicaIdentity { get; init; } = 'd';

    public string? ReplicaIdentityIndex { get; init; }

    /// <summary>PARTITION BY ... for a partitioned table.</summary>
    public string? PartitionKey { get; init; }

    /// <summary>The partitioned table this table is a partition of, and its bound (FOR VALUES ... / DEFAULT).</summary>
    public string? PartitionOf { get; init; }

    public string? PartitionBound { get; init; }

    /// <summary>INHERITS parents (qualified, in order), for inheritance that is not partitioning.</summary>
    public IReadOnlyList<string> Inherits { get; init; } = [];

    /// <summary>OF type, for typed tables.</summary>
    public string? OfType { get; init; }

    public IReadOnlyList<ColumnObject> Columns { get; init; } = [];

    public override string KindName => PartitionKey is null ? "table" : "partitioned table";

    public override string SqlName => SqlQuote.Qualified(Schema, Name);
}

/// <summary>A view (v) or materialized view (m).</summary>
public sealed record ViewObject : CatalogObject
{
    public required bool Materialized { get; init; }

    /// <summary>The query as pg_get_viewdef writes it (schema-qualified).</summary>
    public required string Definition { get; init; }

    public IReadOnlyList<string> Options { get; init; } = [];

    public bool Populated { get; init; } = true;

    public IReadOnlyList<ColumnObject> Columns { get; init; } = [];

    public override string KindName => Materialized ? "materialized view" : "view";

    public override string SqlName => SqlQuote.Qualified(Schema, Name);

    public string SqlKeyword => Materialized ? "MATERIALIZED VIEW" : "VIEW";
}

/// <summary>A column of a table (or, informationally, of a view).</summary>
public sealed record ColumnObject : CatalogObject
{
    /// <summary>The relation's schema-qualified SQL name.</summary>
    public required string Relation { get; init; }

    public required string RelationName { get; init; }

    /// <summary>Physical position (attnum); informational, columns are matched by name.</summary>
    public required int Position { get; init; }

    public required string Type { get; init; }

    public string? Collation { get; init; }

    public bool NotNull { get; init; }

    /// <summary>'a' GENERATED ALWAYS, 'd' BY DEFAULT, or '\0'.</summary>
    public char Identity { get; init; }

    public SequenceOptions? IdentitySequence { get; init; }

    /// <summary>The expression of a stored generated column.</summary>
    public string? Generated { get; init; }

    public string? Default { get; init; }

    public bool IsLocal { get; init; } = true;

    public int InheritCount { get; init; }

    /// <summary>SET STORAGE: p plain, e external, m main, x extended.</summary>
    public char Storage { get; init; } = 'x';

    /// <summary>The storage the column's type has by default (what a new column gets).</summary>
    public char TypeStorage { get; init; } = 'x';

    /// <summary>SET COMPRESSION: p (pglz) or l (lz4), when set.</summary>
    public char? Compression { get; init; }

    public int? Statistics { get; init; }

    public IReadOnlyList<string> Options { get; init; } = [];

    public override string KindName => "column";

    public override string SqlName => SqlQuote.Identifier(Name);

    public override string DisplayName => $"{Schema}.{RelationName}.{Name}";
}

/// <summary>A column's DEFAULT, an object of its own because it has its own dependencies (functions, sequences).</summary>
public sealed record DefaultObject : CatalogObject
{
    public required string Relation { get; init; }

    public required string RelationName { get; init; }

    public required string Expression { get; init; }

    public override string KindName => "default";

    public override string SqlName => SqlQuote.Identifier(Name);

    public override string DisplayName => $"{Schema}.{RelationName}.{Name} default";
}

/// <summary>Sequence options, shared by standalone and identity sequences.</summary>
public sealed record SequenceOptions(string DataType, long Start, long Increment, long Min, long Max, long Cache, bool Cycle, string? Name = null)
{
    /// <summary>The last value handed out (null when never used or not readable); informational, never compared.</summary>
    public long? LastValue { get; init; }

    /// <summary>Equality ignores <see cref="LastValue"/>: it is data, not schema.</summary>
    public bool Equals(SequenceOptions? other) => other is not null && DataType == other.DataType && Start == other.Start && Increment == other.Increment
        && Min == other.Min && Max == other.Max && Cache == other.Cache && Cycle == other.Cycle && Name == other.Name;

    public override int GetHashCode() => HashCode.Combine(DataType, Start, Increment, Min, Max, Cache, Cycle, Name);
}

public sealed record SequenceObject : CatalogObject
{
    public required SequenceOptions Options { get; init; }

    public char Persistence { get; init; } = 'p';

    /// <summary>OWNED BY: the owning column's key, or null.</summary>
    public string? OwnedBy { get; init; }

    /// <summary>OWNED BY as SQL (<c>"s"."t"."c"</c>).</summary>
    public string? OwnedBySql { get; init; }

    public override string KindName => "sequence";

    public override string SqlName => SqlQuote.Qualified(Schema, Name);
}

/// <summary>A table or domain constraint: p, u, c, f, x (and n on newer servers).</summary>
public sealed record ConstraintObject : CatalogObject
{
    /// <summary>The table's or domain's SQL name.</summary>
    public required string Owning { get; init; }

    public required string OwningName { get; init; }

    public required bool OnDomain { get; init; }

    public required char ConstraintType { get; init; }

    /// <summary>pg_get_constraintdef: includes DEFERRABLE, NOT VALID, NO INHERIT and FK actions.</summary>
    public required string Definition { get; init; }

    public bool Validated { get; init; } = true;

    public bool Deferrable { get; init; }

    public bool Deferred { get; init; }

    public bool IsLocal { get; init; } = true;

    /// <summary>The key of the table a foreign key references.</summary>
    public string? References { get; init; }

    public override string KindName => ConstraintType switch
    {
        'p' => "primary key",
        'u' => "unique constraint",
        'f' => "foreign key",
        'c' => "check constraint",
        'x' => "exclusion constraint",
        _ => "constraint",
    };

    public override string SqlName => SqlQuote.Identifier(Name);

    public override string DisplayName => $"{Schema}.{OwningName}.{Name}";
}

/// <summary>An index that is not the implementation of a constraint.</summary>
public sealed record IndexObject : CatalogObject
{
    public required string Table { get; init; }

    public required string TableName { get; init; }

    /// <summary>pg_get_indexdef (CREATE [UNIQUE] INDEX ... ON [ONLY] table USING ...).</summary>
    public required string Definition { get; init; }

    public bool Unique { get; init; }

    public override string KindName => "index";

    public override string SqlName => SqlQuote.Qualified(Schema, Name);
}

public sealed record TriggerObject : CatalogObject
{
    public required string Table { get; init; }

    public required string TableName { get; init; }

    /// <summary>pg_get_triggerdef (CREATE [CONSTRAINT] TRIGGER ...).</summary>
    public required string Definition { get; init; }

    /// <summary>O origin (enabled), D disabled, R replica, A always.</summary>
    public char Enabled { get; init; } = 'O';

    public override string KindName => "trigger";

    public override string SqlName => SqlQuote.Identifier(Name);

    public override string DisplayName => $"{Schema}.{TableName}.{Name}";
}

public sealed record PolicyObject : CatalogObject
{
    public required string Table { get; init; }

    public required string TableName { get; init; }

    /// <summary>r SELECT, a INSERT, w UPDATE, d DELETE, * ALL.</summary>
    public required char Command { get; init; }

    public bool Permissive { get; init; } = true;

    /// <summary>Role names, "" for PUBLIC, sorted.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    public string? Using { get; init; }

    public string? Check { get; init; }

    public override string KindName => "policy";

    public override string SqlName => SqlQuote.Identifier(Name);

    public override string DisplayName => $"{Schema}.{TableName}.{Name}";

    public string CommandSql => Command switch { 'r' => "SELECT", 'a' => "INSERT", 'w' => "UPDATE", 'd' => "DELETE", _ => "ALL" };
}
