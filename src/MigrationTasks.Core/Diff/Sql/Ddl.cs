using System.Globalization;
using System.Text;
using MigrationTasks.Catalog.Model;
using MigrationTasks.Sql;

namespace MigrationTasks.Diff.Sql;

/// <summary>
/// SQL text for each kind of object: CREATE, DROP and the small ALTERs. Pure functions of the catalog
/// model; every identifier goes through <see cref="SqlQuote"/>, every expression comes schema-qualified from
/// the catalog, every statement ends with a semicolon.
/// </summary>
public static class Ddl
{
    private static string Q(string identifier) => SqlQuote.Identifier(identifier);

    private static string L(string? literal) => SqlQuote.Literal(literal);

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    // ---- schemas, extensions, collations ----------------------------------------------------------

    public static string CreateSchema(SchemaObject schema) => $"CREATE SCHEMA {schema.SqlName};";

    public static string DropSchema(SchemaObject schema) => $"DROP SCHEMA {schema.SqlName};";

    public static string CreateExtension(ExtensionObject extension) =>
        $"CREATE EXTENSION IF NOT EXISTS {extension.SqlName} WITH SCHEMA {Q(extension.Schema)} VERSION {L(extension.Version)};";

    public static string DropExtension(ExtensionObject extension) => $"DROP EXTENSION {extension.SqlName};";

    public static string CreateCollation(CollationObject collation)
    {
        var p = collation.Properties;
        var options = new List<string>();
        var provider = p.GetValueOrDefault("collprovider") switch { "i" => "icu", "b" => "builtin", _ => "libc" };
        options.Add("provider = " + provider);
        var locale = p.GetValueOrDefault("colllocale") ?? p.GetValueOrDefault("colliculocale");
        if (provider == "libc")
        {
            options.Add("lc_collate = " + L(p.GetValueOrDefault("collcollate")));
            options.Add("lc_ctype = " + L(p.GetValueOrDefault("collctype")));
        }
        else if (locale is not null)
        {
            options.Add("locale = " + L(locale));
        }

        if (p.GetValueOrDefault("collicurules") is { Length: > 0 } rules)
        {
            options.Add("rules = " + L(rules));
        }

        if (p.GetValueOrDefault("collisdeterministic") == "false")
        {
            options.Add("deterministic = false");
        }

        return $"CREATE COLLATION {collation.SqlName} ({string.Join(", ", options)});";
    }

    public static string DropCollation(CollationObject collation) => $"DROP COLLATION {collation.SqlName};";

    // ---- types ------------------------------------------------------------------------------------

    public static string CreateType(TypeObject type) => type.TypeKind switch
    {
        'e' => $"CREATE TYPE {type.SqlName} AS ENUM ({string.Join(", ", type.Labels.Select(L))});",
        'd' => $"CREATE DOMAIN {type.SqlName} AS {type.BaseType}{(type.Collation is null ? "" : " COLLATE " + type.Collation)}{(type.Default is null ? "" : " DEFAULT " + type.Default)}{(type.NotNull ? " NOT NULL" : "")};",
        'c' => $"CREATE TYPE {type.SqlName} AS ({string.Join(", ", type.AttributeNames.Zip(type.AttributeTypes, (n, t) => Q(n) + " " + t))});",
        'r' => $"CREATE TYPE {type.SqlName} AS RANGE ({RangeOptions(type)});",
        _ => throw new InvalidOperationException($"Type kind {type.TypeKind} is not supported."),
    };

    private static string RangeOptions(TypeObject type)
    {
        var options = new List<string> { "subtype = " + type.Range.GetValueOrDefault("subtype") };
        foreach (var name in new[] { "subtype_opclass", "collation", "canonical", "subtype_diff", "multirange_type_name" })
        {
            if (type.Range.GetValueOrDefault(name) is { } value)
            {
                options.Add(name + " = " + value);
            }
        }

        return string.Join(", ", options);
    }

    public static string DropType(TypeObject type) => $"DROP {type.SqlKeyword} {type.SqlName};";

    public static string RenameType(TypeObject type, string newName) => $"ALTER {type.SqlKeyword} {type.SqlName} RENAME TO {Q(newName)};";

    public static string AddEnumValue(TypeObject type, string label, string? before, string? after) =>
        $"ALTER TYPE {type.SqlName} ADD VALUE {L(label)}{(before is not null ? " BEFORE " + L(before) : after is not null ? " AFTER " + L(after) : "")};";

    // ---- sequences --------------------------------------------------------------------------------

    public static string SequenceOptionsSql(SequenceOptions o, bool includeType = true) =>
        (includeType ? $"AS {o.DataType} " : "") +
        $"INCREMENT BY {Num(o.Increment)} MINVALUE {Num(o.Min)} MAXVALUE {Num(o.Max)} START WITH {Num(o.Start)} CACHE {Num(o.Cache)} {(o.Cycle ? "CYCLE" : "NO CYCLE")}";

    public static string CreateSequence(SequenceObject sequence) =>
        $"CREATE {(sequence.Persistence == 'u' ? "UNLOGGED " : "")}SEQUENCE {sequence.SqlName} {SequenceOptionsSql(sequence.Options)};";

    public static string DropSequence(SequenceObject sequence) => $"DROP SEQUENCE {sequence.SqlName};";

    // ---- tables and columns -----------------------------------------------------------------------

    /// <summary>
    /// CREATE TABLE with its columns (defaults inline when <paramref name="inlineDefault"/> says so), or
    /// CREATE TABLE ... PARTITION OF for a partition (whose columns come from the parent).
    /// </summary>
    public static string CreateTable(TableObject table, Func<ColumnObject, bool> inlineDefault, IReadOnlyDictionary<string, string> parentSql)
    {
        var sql = new StringBuilder();
        sql.Append("CREATE ").Append(table.Persistence == 'u' ? "UNLOGGED " : "").Append("TABLE ").Append(table.SqlName);
        if (table.PartitionOf is not null)
        {
            sql.Append(" PARTITION OF ").Append(parentSql[table.PartitionOf]).Append(' ').Append(table.PartitionBound);
        }
        else if (table.OfType is not null)
        {
            sql.Append(" OF ").Append(table.OfType);
        }
        else
        {
            var columns = table.Columns.Where(c => c.IsLocal).ToList();
            sql.Append(" (");
            for (var i = 0; i < columns.Count; i++)
            {
                sql.Append(i == 0 ? "\n    " : ",\n    ").Append(ColumnDefinition(columns[i], inlineDefault(columns[i])));
            }

            sql.Append(columns.Count == 0 ? ")" : "\n)");
            if (table.Inherits.Count > 0)
            {
                sql.Append(" INHERITS (").Append(string.Join(", ", table.Inherits.Select(p => parentSql[p]))).Append(')');
            }
        }

        if (table.PartitionKey is not null)
        {
            sql.Append(" PARTITION BY ").Append(table.PartitionKey);
        }

        if (table.Options.Count > 0)
        {
            sql.Append(" WITH (").Append(string.Join(", ", table.Options)).Append(')');
        }

        return sql.Append(';').ToString();
    }

    /// <summary>A column as it appears in CREATE TABLE and ADD COLUMN.</summary>
    public static string ColumnDefinition(ColumnObject column, bool withDefault)
    {
        var sql = new StringBuilder(Q(column.Name)).Append(' ').Append(column.Type);
        if (column.Collation is not null)
        {
            sql.Append(" COLLATE ").Append(column.Collation);
        }

        if (column.Generated is not null)
        {
            sql.Append(" GENERATED ALWAYS AS (").Append(column.Generated).Append(") STORED");
        }

        if (column.Identity != '\0')
        {
            sql.Append(' ').Append(IdentityClause(column));
        }

        if (column.NotNull)
        {
            sql.Append(" NOT NULL");
        }

        if (withDefault && column.Default is not null)
        {
            sql.Append(" DEFAULT ").Append(column.Default);
        }

        return sql.ToString();
    }

    public static string IdentityClause(ColumnObject column)
    {
        var clause = $"GENERATED {(column.Identity == 'a' ? "ALWAYS" : "BY DEFAULT")} AS IDENTITY";
        return column.IdentitySequence is { } o
            ? clause + $" (SEQUENCE NAME {o.Name} {SequenceOptionsSql(o, includeType: false)})"
            : clause;
    }

    public static string DropTable(TableObject table) => $"DROP TABLE {table.SqlName};";

    public static string AlterTable(string tableSql, string action) => $"ALTER TABLE {tableSql} {action};";

    // ---- constraints, indexes ---------------------------------------------------------------------

    public static string AddConstraint(ConstraintObject constraint, bool notValid = false) =>
        constraint.OnDomain
            ? $"ALTER DOMAIN {constraint.Owning} ADD CONSTRAINT {Q(constraint.Name)} {constraint.Definition}{(notValid && constraint.Validated ? " NOT VALID" : "")};"
            : $"ALTER TABLE {constraint.Owning} ADD CONSTRAINT {Q(constraint.Name)} {constraint.Definition}{(notValid && constraint.Validated ? " NOT VALID" : "")};";

    public static string ValidateConstraint(ConstraintObject constraint) =>
        $"ALTER {(constraint.OnDomain ? "DOMAIN" : "TABLE")} {constraint.Owning} VALIDATE CONSTRAINT {Q(constraint.Name)};";

    public static string DropConstraint(ConstraintObject constraint) =>
        $"ALTER {(constraint.OnDomain ? "DOMAIN" : "TABLE")} {constraint.Owning} DROP CONSTRAINT {Q(constraint.Name)};";

    /// <summary>CREATE INDEX from pg_get_indexdef; on a partitioned table without ONLY, so partitions get theirs.</summary>
    public static string CreateIndex(IndexObject index, bool concurrently)
    {
        var definition = index.Definition.Replace(" ON ONLY ", " ON ", StringComparison.Ordinal);
        if (concurrently)
        {
            definition = definition.StartsWith("CREATE UNIQUE INDEX ", StringComparison.Ordinal)
                ? "CREATE UNIQUE INDEX CONCURRENTLY " + definition["CREATE UNIQUE INDEX ".Length..]
                : "CREATE INDEX CONCURRENTLY " + definition["CREATE INDEX ".Length..];
        }

        return definition + ";";
    }

    public static string DropIndex(IndexObject index) => $"DROP INDEX {index.SqlName};";

    // ---- views ------------------------------------------------------------------------------------

    public static string CreateView(ViewObject view, bool orReplace)
    {
        var options = view.Options.Count > 0 ? $" WITH ({string.Join(", ", view.Options)})" : "";
        var query = view.Definition.TrimEnd().TrimEnd(';');
        return view.Materialized
            ? $"CREATE MATERIALIZED VIEW {view.SqlName}{options} AS\n{query}\n{(view.Populated ? "WITH DATA" : "WITH NO DATA")};"
            : $"CREATE {(orReplace ? "OR REPLACE " : "")}VIEW {view.SqlName}{options} AS\n{query};";
    }

    public static string DropView(ViewObject view) => $"DROP {view.SqlKeyword} {view.SqlName};";

    // ---- routines ---------------------------------------------------------------------------------

    public static string CreateRoutine(RoutineObject routine)
    {
        if (routine.RoutineKind == 'a')
        {
            return CreateAggregate(routine);
        }

        var definition = routine.Definition!.TrimEnd();
        return definition.EndsWith(';') ? definition : definition + ";";
    }

    private static string CreateAggregate(RoutineObject aggregate)
    {
        var a = aggregate.Aggregate;
        var options = new List<string> { "SFUNC = " + a["sfunc"], "STYPE = " + a["stype"] };
        void Add(string name, string key, bool literal = false, string? skip = null)
        {
            if (a.GetValueOrDefault(key) is { } value && value != skip)
            {
                options.Add(name + " = " + (literal ? L(value) : value));
            }
        }

        Add("SSPACE", "sspace", skip: "0");
        Add("FINALFUNC", "finalfunc");
        if (a.GetValueOrDefault("finalfunc_extra") == "true")
        {
            options.Add("FINALFUNC_EXTRA");
        }

        Add("COMBINEFUNC", "combinefunc");
        Add("SERIALFUNC", "serialfunc");
        Add("DESERIALFUNC", "deserialfunc");
        Add("INITCOND", "initcond", literal: true);
        Add("MSFUNC", "msfunc");
        Add("MINVFUNC", "minvfunc");
        Add("MSTYPE", "mstype");
        Add("MSSPACE", "msspace", skip: "0");
        Add("MFINALFUNC", "mfinalfunc");
        if (a.GetValueOrDefault("mfinalfunc_extra") == "true")
        {
            options.Add("MFINALFUNC_EXTRA");
        }

        Add("MINITCOND", "minitcond", literal: true);
        if (a.GetValueOrDefault("sortop") is { } sortop)
        {
            options.Add("SORTOP = OPERATOR(" + sortop + ")");
        }

        var defaultModify = a.GetValueOrDefault("kind") == "n" ? "r" : "w";
        if (a.GetValueOrDefault("finalfunc") is not null && a.GetValueOrDefault("finalfunc_modify") is { } modify && modify != defaultModify)
        {
            options.Add("FINALFUNC_MODIFY = " + Modify(modify));
        }

        if (a.GetValueOrDefault("mfinalfunc") is not null && a.GetValueOrDefault("mfinalfunc_modify") is { } mmodify && mmodify != defaultModify)
        {
            options.Add("MFINALFUNC_MODIFY = " + Modify(mmodify));
        }

        switch (a.GetValueOrDefault("parallel"))
        {
            case "s": options.Add("PARALLEL = SAFE"); break;
            case "r": options.Add("PARALLEL = RESTRICTED"); break;
        }

        if (a.GetValueOrDefault("kind") == "h")
        {
            options.Add("HYPOTHETICAL");
        }

        return $"CREATE OR REPLACE AGGREGATE {aggregate.SqlName} (\n    {string.Join(",\n    ", options)}\n);";

        static string Modify(string code) => code switch { "r" => "READ_ONLY", "s" => "SHAREABLE", _ => "READ_WRITE" };
    }

    public static string DropRoutine(RoutineObject routine) => $"DROP {routine.SqlKeyword} {routine.SqlName};";

    // ---- triggers, policies -----------------------------------------------------------------------

    public static string CreateTrigger(TriggerObject trigger) => trigger.Definition + ";";

    public static string DropTrigger(TriggerObject trigger) => $"DROP TRIGGER {Q(trigger.Name)} ON {trigger.Table};";

    public static string TriggerEnabled(TriggerObject trigger) => trigger.Enabled switch
    {
        'D' => AlterTable(trigger.Table, $"DISABLE TRIGGER {Q(trigger.Name)}"),
        'R' => AlterTable(trigger.Table, $"ENABLE REPLICA TRIGGER {Q(trigger.Name)}"),
        'A' => AlterTable(trigger.Table, $"ENABLE ALWAYS TRIGGER {Q(trigger.Name)}"),
        _ => AlterTable(trigger.Table, $"ENABLE TRIGGER {Q(trigger.Name)}"),
    };

    public static string Roles(IReadOnlyList<string> roles) =>
        roles.Count == 0 ? "PUBLIC" : string.Join(", ", roles.Select(r => r.Length == 0 ? "PUBLIC" : Q(r)));

    public static string CreatePolicy(PolicyObject policy) =>
        $"CREATE POLICY {Q(policy.Name)} ON {policy.Table} AS {(policy.Permissive ? "PERMISSIVE" : "RESTRICTIVE")} FOR {policy.CommandSql} TO {Roles(policy.Roles)}" +
        (policy.Using is null ? "" : $" USING ({policy.Using})") +
        (policy.Check is null ? "" : $" WITH CHECK ({policy.Check})") + ";";

    public static string AlterPolicy(PolicyObject policy) =>
        $"ALTER POLICY {Q(policy.Name)} ON {policy.Table} TO {Roles(policy.Roles)}" +
        (policy.Using is null ? "" : $" USING ({policy.Using})") +
        (policy.Check is null ? "" : $" WITH CHECK ({policy.Check})") + ";";

    public static string DropPolicy(PolicyObject policy) => $"DROP POLICY {Q(policy.Name)} ON {policy.Table};";

    // ---- comments, owners, privileges -------------------------------------------------------------

    /// <summary>What COMMENT ON names the object by, or null for kinds without comments.</summary>
    public static string? CommentTarget(CatalogObject item) => item switch
    {
        SchemaObject s => "SCHEMA " + s.SqlName,
        ExtensionObject e => "EXTENSION " + e.SqlName,
        CollationObject c => "COLLATION " + c.SqlName,
        TypeObject t => t.SqlKeyword + " " + t.SqlName,
        TableObject t => "TABLE " + t.SqlName,
        ViewObject v => v.SqlKeyword + " " + v.SqlName,
        SequenceObject s => "SEQUENCE " + s.SqlName,
        ColumnObject c => "COLUMN " + c.Relation + "." + Q(c.Name),
        ConstraintObject c => $"CONSTRAINT {Q(c.Name)} ON {(c.OnDomain ? "DOMAIN " : "")}{c.Owning}",
        IndexObject i => "INDEX " + i.SqlName,
        RoutineObject r => r.SqlKeyword + " " + r.SqlName,
        TriggerObject t => $"TRIGGER {Q(t.Name)} ON {t.Table}",
        PolicyObject p => $"POLICY {Q(p.Name)} ON {p.Table}",
        _ => null,
    };

    public static string Comment(CatalogObject item, string? text) => $"COMMENT ON {CommentTarget(item)} IS {L(text)};";

    /// <summary>ALTER ... OWNER TO, or null for kinds whose owner follows another object.</summary>
    public static string? Owner(CatalogObject item, string role) => item switch
    {
        SchemaObject s => $"ALTER SCHEMA {s.SqlName} OWNER TO {Q(role)};",
        CollationObject c => $"ALTER COLLATION {c.SqlName} OWNER TO {Q(role)};",
        TypeObject t => $"ALTER {t.SqlKeyword} {t.SqlName} OWNER TO {Q(role)};",
        TableObject t => $"ALTER TABLE {t.SqlName} OWNER TO {Q(role)};",
        ViewObject v => $"ALTER {v.SqlKeyword} {v.SqlName} OWNER TO {Q(role)};",
        SequenceObject s => $"ALTER SEQUENCE {s.SqlName} OWNER TO {Q(role)};",
        RoutineObject r => $"ALTER {r.SqlKeyword} {r.SqlName} OWNER TO {Q(role)};",
        _ => null,
    };

    /// <summary>What GRANT ... ON names the object by, or null for kinds without privileges.</summary>
    public static string? GrantTarget(CatalogObject item) => item switch
    {
        SchemaObject s => "SCHEMA " + s.SqlName,
        TypeObject t => t.SqlKeyword + " " + t.SqlName,
        TableObject t => "TABLE " + t.SqlName,
        ViewObject v => "TABLE " + v.SqlName,
        SequenceObject s => "SEQUENCE " + s.SqlName,
        RoutineObject r => (r.RoutineKind == 'p' ? "PROCEDURE " : "FUNCTION ") + r.GrantName,
        _ => null,
    };

    /// <summary>A grantee as SQL: PUBLIC for "", the role otherwise.</summary>
    public static string Grantee(string grantee) => grantee.Length == 0 ? "PUBLIC" : Q(grantee);

    public static string Grant(string target, IEnumerable<string> privileges, string grantee, bool withGrantOption, string? column = null) =>
        $"GRANT {string.Join(", ", privileges.Select(p => column is null ? p : $"{p} ({Q(column)})"))} ON {target} TO {Grantee(grantee)}{(withGrantOption ? " WITH GRANT OPTION" : "")};";

    public static string Revoke(string target, IEnumerable<string> privileges, string grantee, bool grantOptionOnly, string? column = null) =>
        $"REVOKE {(grantOptionOnly ? "GRANT OPTION FOR " : "")}{string.Join(", ", privileges.Select(p => column is null ? p : $"{p} ({Q(column)})"))} ON {target} FROM {Grantee(grantee)};";

    public static string DefaultPrivileges(DefaultPrivilegeObject entry, bool grant, IEnumerable<string> privileges, string grantee, bool grantOption) =>
        $"ALTER DEFAULT PRIVILEGES FOR ROLE {Q(entry.Role)}{(entry.InSchema is null ? "" : " IN SCHEMA " + Q(entry.InSchema))} " +
        (grant
            ? $"GRANT {string.Join(", ", privileges)} ON {entry.ObjectTypeName} TO {Grantee(grantee)}{(grantOption ? " WITH GRANT OPTION" : "")};"
            : $"REVOKE {(grantOption ? "GRANT OPTION FOR " : "")}{string.Join(", ", privileges)} ON {entry.ObjectTypeName} FROM {Grantee(grantee)};");
}
