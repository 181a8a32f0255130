using System.Text.Json.Serialization;

namespace MigrationTasks.Catalog.Model;

/// <summary>
/// One object of a database schema, identified by a key that is stable across databases
/// (kind, schema, name and, for routines, identity arguments; never an OID). Everything a diff compares
/// is a property; the OIDs stay inside the reader.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(SchemaObject), "schema")]
[JsonDerivedType(typeof(ExtensionObject), "extension")]
[JsonDerivedType(typeof(CollationObject), "collation")]
[JsonDerivedType(typeof(DefaultPrivilegeObject), "default-privileges")]
[JsonDerivedType(typeof(TypeObject), "type")]
[JsonDerivedType(typeof(TableObject), "table")]
[JsonDerivedType(typeof(ViewObject), "view")]
[JsonDerivedType(typeof(ColumnObject), "column")]
[JsonDerivedType(typeof(DefaultObject), "default")]
[JsonDerivedType(typeof(SequenceObject), "sequence")]
[JsonDerivedType(typeof(ConstraintObject), "constraint")]
[JsonDerivedType(typeof(IndexObject), "index")]
[JsonDerivedType(typeof(TriggerObject), "trigger")]
[JsonDerivedType(typeof(PolicyObject), "policy")]
[JsonDerivedType(typeof(RoutineObject), "routine")]
public abstract record CatalogObject
{
    /// <summary>The identity, for example <c>table "public"."users"</c>; equal keys on both sides are the same object.</summary>
    public required string Key { get; init; }

    /// <summary>The schema the object lives in ("" for objects outside schemas).</summary>
    public required string Schema { get; init; }

    /// <summary>The object's own name (a column's name, a routine's name without arguments, ...).</summary>
    public required string Name { get; init; }

    /// <summary>The key of the object this one belongs to (a column's table), or null for top-level objects.</summary>
    public string? Parent { get; init; }

    /// <summary>The owning role, for objects that have one.</summary>
    public string? Owner { get; init; }

    /// <summary>COMMENT ON ..., or null.</summary>
    public string? Comment { get; init; }

    /// <summary>Privileges, with PostgreSQL's built-in defaults made explicit, sorted; empty for kinds without privileges.</summary>
    public IReadOnlyList<Privilege> Privileges { get; init; } = [];

    /// <summary>A word for reports: "table", "view", "function", ...</summary>
    public abstract string KindName { get; }

    /// <summary>How the object is written in SQL after its kind keyword, fully quoted (<c>"public"."users"</c>).</summary>
    public abstract string SqlName { get; }

    /// <summary>A readable name for reports (<c>public.users</c>, <c>public.users.email</c>).</summary>
    public virtual string DisplayName => Schema.Length == 0 ? Name : $"{Schema}.{Name}";
}

/// <summary>One privilege: grantee ("" = PUBLIC), privilege keyword (SELECT, EXECUTE, ...), WITH GRANT OPTION.</summary>
public sealed record Privilege(string Grantee, string Type, bool Grantable) : IComparable<Privilege>
{
    public int CompareTo(Privilege? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byGrantee = string.CompareOrdinal(Grantee, other.Grantee);
        return byGrantee != 0 ? byGrantee : string.CompareOrdinal(Type, other.Type) is var byType && byType != 0 ? byType : Grantable.CompareTo(other.Grantable);
    }

    /// <summary>Parses the reader's <c>grantee:PRIVILEGE:true|false</c> form (grantee names may contain ':').</summary>
    public static Privilege Parse(string text)
    {
        var last = text.LastIndexOf(':');
        var middle = text.LastIndexOf(':', last - 1);
        return new Privilege(text[..middle], text[(middle + 1)..last], text[(last + 1)..] == "true");
    }
}
