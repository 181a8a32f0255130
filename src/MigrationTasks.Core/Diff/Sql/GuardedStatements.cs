using System.Text.RegularExpressions;
using MigrationTasks.Catalog.Model;
using MigrationTasks.Sql;

namespace MigrationTasks.Diff.Sql;

/// <summary>
/// The idempotent form of each statement, for a migration file that must run on production (which has the
/// drift) and on any database built from the migrations (where the schema already matches, so it must change
/// nothing): IF [NOT] EXISTS where PostgreSQL has it, CREATE OR REPLACE, DROP POLICY IF EXISTS before CREATE
/// POLICY, and DO blocks that check the catalog for the rest. A statement that drops and recreates an object
/// only because something it depends on is replaced is guarded by that cause's check, so it runs exactly when
/// the cause does. Predicates compare with the catalog as read with an empty search_path (the migration sets it).
/// </summary>
public static partial class GuardedStatements
{
    private static string L(string text) => SqlQuote.Literal(text);

    /// <summary>The guarded form of one statement of <paramref name="diff"/>.</summary>
    public static string Guard(Step step, SchemaDiff diff)
    {
        var sql = step.Sql;
        var change = step.Change;

        // Creation: IF NOT EXISTS or a catalog check.
        if (Prefix(sql, "CREATE SCHEMA ") is { } schema)
        {
            return "CREATE SCHEMA IF NOT EXISTS " + schema;
        }

        if (Prefix(sql, "CREATE COLLATION ") is { } collation)
        {
            return "CREATE COLLATION IF NOT EXISTS " + collation;
        }

        if (CreateRelation().Match(sql) is { Success: true } relation)
        {
            return relation.Groups["head"].Value + "IF NOT EXISTS " + sql[relation.Length..];
        }

        if (sql.StartsWith("CREATE TYPE ", StringComparison.Ordinal) || sql.StartsWith("CREATE DOMAIN ", StringComparison.Ordinal))
        {
            return When($"to_regtype({L(change.Object.SqlName)}) IS NULL", sql);
        }

        if (sql.StartsWith("CREATE VIEW ", StringComparison.Ordinal))
        {
            return "CREATE OR REPLACE VIEW " + sql["CREATE VIEW ".Length..];
        }

        if (sql.StartsWith("CREATE TRIGGER ", StringComparison.Ordinal) || sql.StartsWith("CREATE CONSTRAINT TRIGGER ", StringComparison.Ordinal))
        {
            var trigger = (TriggerObject)change.Object;
            return When($"NOT EXISTS (SELECT FROM pg_catalog.pg_trigger WHERE tgrelid = to_regclass({L(trigger.Table)}) AND tgname = {L(trigger.Name)})", sql);
        }

        if (sql.StartsWith("CREATE POLICY ", StringComparison.Ordinal))
        {
            return Ddl.DropPolicy((PolicyObject)change.Object).Replace("DROP POLICY ", "DROP POLICY IF EXISTS ", StringComparison.Ordinal) + "\n" + sql;
        }

        if (AddColumn().Match(sql) is { Success: true } column)
        {
            return column.Groups["head"].Value + "IF NOT EXISTS " + sql[column.Length..];
        }

        if (AddConstraint().IsMatch(sql))
        {
            var constraint = (ConstraintObject)(change.Desired ?? change.Object);
            var owner = constraint.OnDomain ? $"contypid = to_regtype({L(constraint.Owning)})" : $"conrelid = to_regclass({L(constraint.Owning)})";
            return When($"NOT EXISTS (SELECT FROM pg_catalog.pg_constraint WHERE {owner} AND conname = {L(constraint.Name)})", sql);
        }

        if (AddValue().Match(sql) is { Success: true } value)
        {
            return value.Groups["head"].Value + "IF NOT EXISTS " + sql[value.Length..];
        }

        // The old object of a type replaced by renaming: there only while the replacement runs.
        if (step.Releases.Count > 0 && DropObject().Match(sql) is { Success: true } old)
        {
            return old.Groups["head"].Value + "IF EXISTS " + sql[old.Length..];
        }

        // Drops: IF EXISTS, and when the object is wanted again (a replacement), only when it differs or its cause runs.
        if (DropObject().Match(sql) is { Success: true } drop)
        {
            var ifExists = drop.Groups["head"].Value + "IF EXISTS " + sql[drop.Length..];
            if (change.Object is SequenceObject sequence)
            {
                // Where the migrations made it an identity column's sequence (same name), it is not ours to drop.
                ifExists = When($"NOT EXISTS (SELECT FROM pg_catalog.pg_depend WHERE classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND objid = to_regclass({L(sequence.SqlName)}) AND deptype = 'i')", ifExists);
            }

            return ReplacementGuard(change, diff) is { } differs ? When(differs, ifExists) : ifExists;
        }

        if (sql.StartsWith("DROP POLICY ", StringComparison.Ordinal) || sql.StartsWith("DROP TRIGGER ", StringComparison.Ordinal))
        {
            var ifExists = sql.Insert(sql.IndexOf(' ', 5) + 1, "IF EXISTS ");
            return ReplacementGuard(change, diff) is { } differs && change.Object is TriggerObject ? When(differs, ifExists) : ifExists;
        }

        if (DropSubObject().Match(sql) is { Success: true } sub)
        {
            // The table (or domain) itself may be gone where the migration runs.
            var ifExists = sub.Groups["head"].Value + "IF EXISTS " + sql[sub.Length..];
            if (ifExists.StartsWith("ALTER TABLE ", StringComparison.Ordinal))
            {
                ifExists = "ALTER TABLE IF EXISTS " + ifExists["ALTER TABLE ".Length..];
            }
            else
            {
                var domain = ((ConstraintObject)change.Object).Owning;
                ifExists = When($"to_regtype({L(domain)}) IS NOT NULL", ifExists);
            }

            return ReplacementGuard(change, diff) is { } differs ? When(differs, ifExists) : ifExists;
        }

        if (sql.EndsWith(" DROP DEFAULT;", StringComparison.Ordinal) && change.Object is DefaultObject dropped)
        {
            var present = $"EXISTS (SELECT FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = to_regclass({L(dropped.Relation)}) AND a.attname = {L(dropped.Name)})";
            return When(ReplacementGuard(change, diff) is { } differs ? $"({present}) AND (({differs}))" : present, sql);
        }

        // In-place changes that are not idempotent by themselves.
        if (AlterColumnType().IsMatch(sql) && change.Object is ColumnObject wanted)
        {
            var cause = Cause(change, diff);
            var differs = $"(SELECT pg_catalog.format_type(atttypid, atttypmod) FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass({L(wanted.Relation)}) AND attname = {L(wanted.Name)} AND NOT attisdropped) IS DISTINCT FROM {L(wanted.Type)}";
            return When(cause is null ? differs : $"({differs}) OR ({cause})", sql);
        }

        if (sql.Contains(" ADD GENERATED ", StringComparison.Ordinal) && change.Object is ColumnObject identity)
        {
            return When($"(SELECT attidentity FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass({L(identity.Relation)}) AND attname = {L(identity.Name)}) = ''", sql);
        }

        if (sql.EndsWith(" DROP IDENTITY;", StringComparison.Ordinal))
        {
            return sql[..^";".Length] + " IF EXISTS;";
        }

        if (sql.EndsWith(" DROP EXPRESSION;", StringComparison.Ordinal))
        {
            return sql[..^";".Length] + " IF EXISTS;";
        }

        if (sql.Contains(" ATTACH PARTITION ", StringComparison.Ordinal) && change.Object is TableObject attached)
        {
            return When($"NOT EXISTS (SELECT FROM pg_catalog.pg_inherits WHERE inhrelid = to_regclass({L(attached.SqlName)}))", sql);
        }

        if (sql.Contains(" DETACH PARTITION ", StringComparison.Ordinal) && change.Object is TableObject detached)
        {
            return When($"EXISTS (SELECT FROM pg_catalog.pg_inherits WHERE inhrelid = to_regclass({L(detached.SqlName)}))", sql);
        }

        if (InheritChange().Match(sql) is { Success: true } inherit && change.Object is TableObject child)
        {
            var present = $"EXISTS (SELECT FROM pg_catalog.pg_inherits WHERE inhrelid = to_regclass({L(child.SqlName)}) AND inhparent = to_regclass({L(inherit.Groups["parent"].Value)}))";
            return When(inherit.Groups["no"].Success ? present : "NOT " + present, sql);
        }

        if (sql.Contains(" RENAME TO ", StringComparison.Ordinal) && change.Actual is TypeObject renamed && change.Desired is TypeObject target)
        {
            return When($"({TypeDiffers(target)}) AND to_regtype({L(SqlQuote.Qualified(renamed.Schema, renamed.Name + "__old"))}) IS NULL", sql);
        }

        if (sql.Contains(" ADD ATTRIBUTE ", StringComparison.Ordinal) && change.Object is TypeObject composite)
        {
            var name = AttributeName().Match(sql).Groups["name"].Value;
            return When($"NOT EXISTS (SELECT FROM pg_catalog.pg_attribute WHERE attrelid = (SELECT typrelid FROM pg_catalog.pg_type WHERE oid = to_regtype({L(composite.SqlName)})) AND attname = {L(Unquote(name))} AND NOT attisdropped)", sql);
        }

        if (sql.Contains(" DROP ATTRIBUTE ", StringComparison.Ordinal))
        {
            return sql.Replace(" DROP ATTRIBUTE ", " DROP ATTRIBUTE IF EXISTS ", StringComparison.Ordinal);
        }

        if (sql.StartsWith("ALTER EXTENSION ", StringComparison.Ordinal) && sql.Contains(" SET SCHEMA ", StringComparison.Ordinal) && change.Object is ExtensionObject extension)
        {
            return When($"(SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = {L(extension.Name)}) IS DISTINCT FROM {L(extension.Schema)}", sql);
        }

        if (sql.Contains(" RESTART WITH ", StringComparison.Ordinal))
        {
            return sql; // only written when the current value is outside the new bounds; runs once
        }

        // Everything else is idempotent as written: CREATE OR REPLACE, SET/DROP DEFAULT, SET/DROP NOT NULL, ALTER POLICY,
        // ALTER SEQUENCE options, OWNER TO, COMMENT, GRANT, REVOKE, RLS switches, VALIDATE CONSTRAINT, ALTER DEFAULT PRIVILEGES.
        return sql;
    }

    /// <summary>
    /// When a drop belongs to a replacement (the object is wanted again): the SQL that says it must go now — its
    /// definition differs from the wanted one, or the change that caused the replacement runs. Null for plain drops.
    /// </summary>
    private static string? ReplacementGuard(Change change, SchemaDiff diff)
    {
        if (change.Action != ChangeAction.Replace || change.Desired is null)
        {
            return null;
        }

        var own = Differs(change.Desired);
        var cause = Cause(change, diff);
        return (own, cause) switch
        {
            (null, null) => null,
            ({ } o, null) => o,
            (null, { } c) => c,
            ({ } o, { } c) => $"({o}) OR ({c})",
        };
    }

    /// <summary>The predicate of the change that caused this one (following causes to the root), or null.</summary>
    private static string? Cause(Change change, SchemaDiff diff)
    {
        var key = change.Key;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (diff.Causes.TryGetValue(key, out var cause) && seen.Add(cause))
        {
            key = cause;
            if (!diff.Causes.ContainsKey(key))
            {
                break;
            }
        }

        if (key == change.Key)
        {
            return null;
        }

        var root = diff.Desired.Objects.GetValueOrDefault(key);
        return root is null
            ? Exists(diff.Actual.Objects.GetValueOrDefault(key))
            : Differs(root) ?? Exists(diff.Actual.Objects.GetValueOrDefault(key));
    }

    /// <summary>SQL that is true when the object exists but not as wanted (null when no check is known).</summary>
    private static string? Differs(CatalogObject wanted) => wanted switch
    {
        ViewObject v => $"to_regclass({L(v.SqlName)}) IS NOT NULL AND pg_catalog.pg_get_viewdef(to_regclass({L(v.SqlName)})) IS DISTINCT FROM {L(v.Definition)}",
        IndexObject i => $"to_regclass({L(i.SqlName)}) IS NOT NULL AND pg_catalog.pg_get_indexdef(to_regclass({L(i.SqlName)})) IS DISTINCT FROM {L(i.Definition)}",
        ConstraintObject c => $"EXISTS (SELECT FROM pg_catalog.pg_constraint WHERE {(c.OnDomain ? $"contypid = to_regtype({L(c.Owning)})" : $"conrelid = to_regclass({L(c.Owning)})")} AND conname = {L(c.Name)} AND pg_catalog.pg_get_constraintdef(oid) IS DISTINCT FROM {L(c.Definition)})",
        TriggerObject t => $"EXISTS (SELECT FROM pg_catalog.pg_trigger WHERE tgrelid = to_regclass({L(t.Table)}) AND tgname = {L(t.Name)} AND pg_catalog.pg_get_triggerdef(oid) IS DISTINCT FROM {L(t.Definition)})",
        RoutineObject r => $"to_regprocedure({L(r.GrantName)}) IS NOT NULL AND (SELECT pg_catalog.pg_get_function_arguments(oid) || ' => ' || coalesce(pg_catalog.pg_get_function_result(oid), '') FROM pg_catalog.pg_proc WHERE oid = to_regprocedure({L(r.GrantName)})) IS DISTINCT FROM {L(r.Arguments + " => " + r.Result)}",
        ColumnObject c => $"(SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) || coalesce(' ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid), '') FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.attgenerated <> '' WHERE a.attrelid = to_regclass({L(c.Relation)}) AND a.attname = {L(c.Name)} AND NOT a.attisdropped) IS DISTINCT FROM {L(c.Type + (c.Generated is null ? "" : " " + c.Generated))}",
        DefaultObject d => $"(SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = to_regclass({L(d.Relation)}) AND a.attname = {L(d.Name)}) IS DISTINCT FROM {L(d.Expression)}",
        TypeObject t => TypeDiffers(t),
        TableObject t => $"to_regclass({L(t.SqlName)}) IS NOT NULL AND pg_catalog.pg_get_partkeydef(to_regclass({L(t.SqlName)})) IS DISTINCT FROM {(t.PartitionKey is null ? "NULL" : L(t.PartitionKey))}",
        _ => null,
    };

    private static string TypeDiffers(TypeObject t) => t.TypeKind switch
    {
        'e' => $"to_regtype({L(t.SqlName)}) IS NOT NULL AND ARRAY(SELECT enumlabel::text FROM pg_catalog.pg_enum WHERE enumtypid = to_regtype({L(t.SqlName)}) ORDER BY enumsortorder) IS DISTINCT FROM ARRAY[{string.Join(", ", t.Labels.Select(L))}]::text[]",
        'd' => $"to_regtype({L(t.SqlName)}) IS NOT NULL AND (SELECT pg_catalog.format_type(typbasetype, typtypmod) FROM pg_catalog.pg_type WHERE oid = to_regtype({L(t.SqlName)})) IS DISTINCT FROM {L(t.BaseType ?? "")}",
        'c' => $"to_regtype({L(t.SqlName)}) IS NOT NULL AND ARRAY(SELECT attname::text || ' ' || pg_catalog.format_type(atttypid, atttypmod) FROM pg_catalog.pg_attribute WHERE attrelid = (SELECT typrelid FROM pg_catalog.pg_type WHERE oid = to_regtype({L(t.SqlName)})) AND attnum > 0 AND NOT attisdropped ORDER BY attnum) IS DISTINCT FROM ARRAY[{string.Join(", ", t.AttributeNames.Zip(t.AttributeTypes, (n, ty) => L(n + " " + ty.Split(" COLLATE ")[0])))}]::text[]",
        _ => $"to_regtype({L(t.SqlName)}) IS NOT NULL",
    };

    private static string? Exists(CatalogObject? item) => item switch
    {
        null => null,
        TableObject or ViewObject or IndexObject or SequenceObject => $"to_regclass({L(item.SqlName)}) IS NOT NULL",
        TypeObject => $"to_regtype({L(item.SqlName)}) IS NOT NULL",
        RoutineObject r => $"to_regprocedure({L(r.GrantName)}) IS NOT NULL",
        ColumnObject c => $"EXISTS (SELECT FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass({L(c.Relation)}) AND attname = {L(c.Name)} AND NOT attisdropped)",
        _ => null,
    };

    /// <summary>A DO block that runs <paramref name="sql"/> only when <paramref name="condition"/> holds.</summary>
    public static string When(string condition, string sql) =>
        $"DO {SqlQuote.DollarQuoted($"\nBEGIN\n  IF {condition} THEN\n    {sql.Replace("\n", "\n    ", StringComparison.Ordinal)}\n  END IF;\nEND\n", "mt")};";

    private static string? Prefix(string sql, string prefix) => sql.StartsWith(prefix, StringComparison.Ordinal) ? sql[prefix.Length..] : null;

    private static string Unquote(string identifier) =>
        identifier.Length >= 2 && identifier[0] == '"' ? identifier[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : identifier;

    [GeneratedRegex(@"^(?<head>CREATE (?:UNLOGGED )?(?:TABLE|SEQUENCE|MATERIALIZED VIEW|(?:UNIQUE )?INDEX(?: CONCURRENTLY)?) )")]
    private static partial Regex CreateRelation();

    [GeneratedRegex(@"^(?<head>ALTER TABLE (?:""(?:[^""]|"""")*"")(?:\.""(?:[^""]|"""")*"")? ADD COLUMN )")]
    private static partial Regex AddColumn();

    [GeneratedRegex(@"^ALTER (?:TABLE|DOMAIN) (?:""(?:[^""]|"""")*"")(?:\.""(?:[^""]|"""")*"")? ADD CONSTRAINT ")]
    private static partial Regex AddConstraint();

    [GeneratedRegex(@"^(?<head>ALTER TYPE (?:""(?:[^""]|"""")*"")(?:\.""(?:[^""]|"""")*"")? ADD VALUE )")]
    private static partial Regex AddValue();

    [GeneratedRegex(@"^(?<head>DROP (?:TABLE|VIEW|MATERIALIZED VIEW|INDEX|SEQUENCE|TYPE|DOMAIN|SCHEMA|EXTENSION|COLLATION|FUNCTION|PROCEDURE|AGGREGATE) )")]
    private static partial Regex DropObject();

    [GeneratedRegex(@"^(?<head>ALTER (?:TABLE|DOMAIN) (?:""(?:[^""]|"""")*"")(?:\.""(?:[^""]|"""")*"")? (?:DROP CONSTRAINT|DROP COLUMN) )")]
    private static partial Regex DropSubObject();

    [GeneratedRegex(@"^ALTER TABLE (?:""(?:[^""]|"""")*"")(?:\.""(?:[^""]|"""")*"")? ALTER COLUMN ""(?:[^""]|"""")*"" TYPE ")]
    private static partial Regex AlterColumnType();

    [GeneratedRegex(@"^ALTER TABLE (?:""(?:[^""]|"""")*"")(?:\.""(?:[^""]|"""")*"")? (?<no>NO )?INHERIT (?<parent>(?:""(?:[^""]|"""")*"")(?:\.""(?:[^""]|"""")*"")?);$")]
    private static partial Regex InheritChange();

    [GeneratedRegex(@" ADD ATTRIBUTE (?<name>""(?:[^""]|"""")+""|\S+) ")]
    private static partial Regex AttributeName();
}
