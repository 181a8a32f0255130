using MigrationTasks.Sql;

namespace MigrationTasks.Catalog.Model;

/// <summary>The keys objects are matched by; quoting makes them unambiguous whatever the names contain.</summary>
public static class ObjectKeys
{
    public static string Schema(string name) => "schema " + SqlQuote.Identifier(name);

    public static string Extension(string name) => "extension " + SqlQuote.Identifier(name);

    public static string Collation(string schema, string name) => "collation " + SqlQuote.Qualified(schema, name);

    public static string Type(string schema, string name) => "type " + SqlQuote.Qualified(schema, name);

    public static string Sequence(string schema, string name) => "sequence " + SqlQuote.Qualified(schema, name);

    /// <summary>Tables, views and materialized views: the kind is part of the key, so a table replaced by a view is a drop and a create.</summary>
    public static string Relation(string kind, string schema, string name) => kind + " " + SqlQuote.Qualified(schema, name);

    public static string Column(string relationKey, string column) => "column " + relationKey[(relationKey.IndexOf(' ', StringComparison.Ordinal) + 1)..] + "." + SqlQuote.Identifier(column);

    public static string Default(string columnKey) => "default " + columnKey["column ".Length..];

    public static string Constraint(string ownerKey, string name) => "constraint " + ownerKey[(ownerKey.IndexOf(' ', StringComparison.Ordinal) + 1)..] + "." + SqlQuote.Identifier(name);

    public static string Index(string schema, string name) => "index " + SqlQuote.Qualified(schema, name);

    public static string Routine(string schema, string name, string identityArguments) => "function " + SqlQuote.Qualified(schema, name) + "(" + identityArguments + ")";

    public static string Trigger(string tableKey, string name) => "trigger " + tableKey[(tableKey.IndexOf(' ', StringComparison.Ordinal) + 1)..] + "." + SqlQuote.Identifier(name);

    public static string Policy(string tableKey, string name) => "policy " + tableKey[(tableKey.IndexOf(' ', StringComparison.Ordinal) + 1)..] + "." + SqlQuote.Identifier(name);

    public static string DefaultPrivilege(string role, string? schema, char objectType) =>
        "default privileges " + SqlQuote.Identifier(role) + " " + (schema is null ? "*" : SqlQuote.Identifier(schema)) + " " + objectType;
}
