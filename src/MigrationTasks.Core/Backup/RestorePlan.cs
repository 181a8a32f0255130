using System.Text;
using MigrationTasks.Integrity;
using MigrationTasks.Sql;
using Npgsql;

namespace MigrationTasks.Backup;

/// <summary>
/// How a restore treats the target database, decided from its catalog and the archive's table of contents:
/// <list type="bullet">
/// <item>user schemas (everything but <c>public</c> and the Supabase-managed ones) and objects in <c>public</c> make it
/// "not empty"; with Overwrite they are dropped first (one transaction), so what remains is what the backup restores;</item>
/// <item>a Supabase-managed schema the target already has (auth, storage, ... on a Supabase project) keeps its
/// definitions and receives the backup's rows only, as the Supabase CLI's restore does; with Overwrite its tables are
/// emptied first. When the restoring user may drop it (a plain PostgreSQL staging server), Overwrite drops it and
/// restores it whole instead;</item>
/// <item>schemas holding extensions that the backup left out (<c>extensions</c> in the default mode) are created, so
/// <c>CREATE EXTENSION ... WITH SCHEMA</c> works on a plain server.</item>
/// </list>
/// </summary>
public sealed record RestorePlan
{
    public required IReadOnlyList<string> NotEmptyBecause { get; init; }

    public required IReadOnlyList<string> SchemasToDrop { get; init; }

    /// <summary>
    /// Overwrite: extensions the target has and the backup's source did not (a migration created them since); a restore
    /// leaves extensions alone otherwise, so without this the result would not equal the backup.
    /// </summary>
    public IReadOnlyList<string> ExtensionsToDrop { get; init; } = [];

    /// <summary>The non-extension objects in <c>public</c> to drop (as DROP statements).</summary>
    public required IReadOnlyList<string> PublicObjectDrops { get; init; }

    public required IReadOnlyList<string> DataOnlySchemas { get; init; }

    public required IReadOnlyList<TableName> TablesToTruncate { get; init; }

    public required IReadOnlyList<string> SchemasToCreate { get; init; }

    /// <summary>Rows the backup holds that this restore leaves out (the Supabase services' own migration tables, in data-only schemas).</summary>
    public required IReadOnlyList<TableName> SkippedTables { get; init; }

    /// <summary>Schemas that exist in the target once cleared (their CREATE SCHEMA is skipped).</summary>
    public required IReadOnlySet<string> SchemasRemaining { get; init; }

    /// <summary>Extensions the target already has (their CREATE and COMMENT are skipped).</summary>
    public required IReadOnlySet<string> ExistingExtensions { get; init; }

    /// <summary>Triggers and policies on the data-only schemas' tables the target already has, as "table name" (pg_restore's tag).</summary>
    public required IReadOnlySet<string> ExistingTriggersAndPolicies { get; init; }

    /// <summary>
    /// Rows go into tables whose triggers already exist (data-only schemas), so the load runs with
    /// session_replication_role = replica, as the Supabase CLI's restore does: a sign-up trigger must not fire again.
    /// </summary>
    public bool LoadsIntoExistingTables => DataOnlySchemas.Count > 0;

    public bool IsEmpty => NotEmptyBecause.Count == 0;

    /// <summary>The archive entries to restore into this target; null when every entry applies.</summary>
    public string? FilterToc(ArchiveToc toc)
    {
        var dataOnly = DataOnlySchemas.ToHashSet(StringComparer.Ordinal);
        var skipped = SkippedTables.ToHashSet();
        bool Keep(TocEntry entry)
        {
            if (entry.SchemaName is { } schema && SchemasRemaining.Contains(schema))
            {
                return false;
            }

            if (entry.SchemaTarget is { } target && dataOnly.Contains(target))
            {
                return false;
            }

            if (entry.Description == "EXTENSION" && ExistingExtensions.Contains(WithoutOwner(entry.Rest)))
            {
                return false;
            }

            if (entry.Description == "COMMENT" && entry.Rest.StartsWith("EXTENSION ", StringComparison.Ordinal) &&
                ExistingExtensions.Contains(WithoutOwner(entry.Rest["EXTENSION ".Length..])))
            {
                return false;
            }

            if (dataOnly.Contains(entry.Namespace))
            {
                // Rows, and the user's own triggers and policies on the service's tables (a sign-up trigger on
                // auth.users, policies on storage.objects) when the target lacks them; the service's definitions stay.
                return entry.IsData
                    ? !skipped.Contains(new TableName(entry.Namespace, WithoutOwner(entry.Rest)))
                    : entry.Description is "TRIGGER" or "POLICY" && !ExistingTriggersAndPolicies.Contains(WithoutOwner(entry.Rest));
            }

            return true;
        }

        var kept = toc.Entries.Count(Keep);
        return kept == toc.Entries.Count ? null : toc.Filtered(Keep);
    }

    /// <summary>The SQL that clears the target for Overwrite, in one transaction; empty when there is nothing to clear.</summary>
    public string ClearSql()
    {
        if (SchemasToDrop.Count == 0 && PublicObjectDrops.Count == 0 && TablesToTruncate.Count == 0 && ExtensionsToDrop.Count == 0)
        {
            return "";
        }

        var sql = new StringBuilder("BEGIN;\n");
        foreach (var extension in ExtensionsToDrop)
        {
            sql.Append("DROP EXTENSION IF EXISTS ").Append(SqlQuote.Identifier(extension)).Append(" CASCADE;\n");
        }

        foreach (var schema in SchemasToDrop)
        {
            sql.Append("DROP SCHEMA ").Append(SqlQuote.Identifier(schema)).Append(" CASCADE;\n");
        }

        foreach (var drop in PublicObjectDrops)
        {
            sql.Append(drop).Append(";\n");
        }

        // Default privileges in public outlive its objects; left in place they would grant themselves onto every object
        // the restore recreates, before the archive's own DEFAULT ACL entries are applied (the result would not equal
        // the backup). Schema-level entries only add to the built-in defaults, so revoking them is a clean slate.
        sql.Append(ClearPublicDefaultPrivileges);

        if (TablesToTruncate.Count > 0)
        {
            sql.Append("TRUNCATE ").Append(string.Join(", ", TablesToTruncate.Select(t => t.Quoted))).Append(" CASCADE;\n");
        }

        return sql.Append("COMMIT;\n").ToString();
    }

    private const string ClearPublicDefaultPrivileges = """
        DO $clear$
        DECLARE
          entry record;
        BEGIN
          FOR entry IN
            SELECT a.defaclrole::regrole::text AS owner, CASE a.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES' WHEN 'n' THEN 'SCHEMAS' END AS kind,
                   CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(x.grantee::regrole::text) END AS grantee
            FROM pg_catalog.pg_default_acl a
            CROSS JOIN LATERAL aclexplode(a.defaclacl) x
            WHERE a.defaclnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = 'public') AND pg_catalog.pg_has_role(a.defaclrole, 'MEMBER')
            GROUP BY 1, 2, 3
          LOOP
            EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %s IN SCHEMA public REVOKE ALL ON %s FROM %s', entry.owner, entry.kind, entry.grantee);
          END LOOP;
        END
        $clear$;

        """;

    /// <summary>Reads the target's catalog and decides; <paramref name="overwrite"/> turns "not empty" into "clear first".</summary>
    public static async Task<RestorePlan> DecideAsync(NpgsqlConnection target, ArchiveToc toc, BackupManifest manifest, bool overwrite, CancellationToken cancellationToken)
    {
        var schemas = await ReadSchemasAsync(target, cancellationToken).ConfigureAwait(false);
        var present = schemas.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var archiveNamespaces = toc.Entries.Select(e => e.SchemaName ?? e.Namespace).Where(n => n.Length > 0 && n != "-").ToHashSet(StringComparer.Ordinal);

        var userSchemas = schemas.Where(s => s.Name != "public" && !s.ExtensionOwned && !SupabaseSchemas.IsManaged(s.Name)).Select(s => s.Name).ToList();
        var managedInBoth = schemas.Where(s => SupabaseSchemas.IsManaged(s.Name) && archiveNamespaces.Contains(s.Name)).ToList();
        var droppedManaged = overwrite ? managedInBoth.Where(s => s.Droppable).Select(s => s.Name).ToList() : [];
        var dataOnly = managedInBoth.Select(s => s.Name).Except(droppedManaged).Order(StringComparer.Ordinal).ToList();

        var skipped = SupabaseSchemas.ServiceMigrationTables.Where(t => dataOnly.Contains(t.Schema)).ToList();
        var dataOnlyTables = toc.Entries.Where(e => e.Description == "TABLE DATA" && dataOnly.Contains(e.Namespace))
            .Select(e => new TableName(e.Namespace, WithoutOwner(e.Rest))).Where(t => !skipped.Contains(t)).ToList();
        var tablesWithRows = await TablesWithRowsAsync(target, dataOnlyTables, cancellationToken).ConfigureAwait(false);
        var publicDrops = present.Contains("public") ? await PublicObjectDropsAsync(target, cancellationToken).ConfigureAwait(false) : [];

        var reasons = new List<string>();
        if (userSchemas.Count > 0)
        {
            reasons.Add($"schemas {string.Join(", ", userSchemas.Take(10))}{(userSchemas.Count > 10 ? ", ..." : "")}");
        }

        if (publicDrops.Count > 0)
        {
            reasons.Add($"{publicDrops.Count} objects in public");
        }

        if (tablesWithRows.Count > 0)
        {
            reasons.Add($"rows in {string.Join(", ", tablesWithRows.Take(5))}");
        }

        var dropped = overwrite ? userSchemas.Concat(droppedManaged).ToList() : [];
        var remaining = present.Except(dropped).ToHashSet(StringComparer.Ordinal);
        var selection = new SchemaSelection(manifest.ExcludedSchemas);
        var archiveExtensions = toc.Entries.Where(e => e.Description == "EXTENSION").Select(e => WithoutOwner(e.Rest)).ToHashSet(StringComparer.Ordinal);
        var existingExtensions = await ReadExtensionsAsync(target, cancellationToken).ConfigureAwait(false);
        var existingTriggersAndPolicies = await ReadTriggersAndPoliciesAsync(target, dataOnly, cancellationToken).ConfigureAwait(false);
        var toCreate = manifest.Extensions
            .Where(e => archiveExtensions.Contains(e.Name) && !existingExtensions.Contains(e.Name) && !selection.Includes(e.Schema) && !remaining.Contains(e.Schema) && e.Schema != "pg_catalog")
            .Select(e => e.Schema).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        return new RestorePlan
        {
            NotEmptyBecause = reasons,
            SchemasToDrop = dropped,
            ExtensionsToDrop = overwrite && manifest.Extensions is { Count: > 0 }
                ? [.. existingExtensions.Where(e => e != "plpgsql" && !manifest.Extensions.Any(m => m.Name == e)).Order(StringComparer.Ordinal)]
                : [],
            PublicObjectDrops = overwrite ? publicDrops : [],
            DataOnlySchemas = dataOnly,
            TablesToTruncate = overwrite ? tablesWithRows : [],
            SchemasToCreate = toCreate,
            SkippedTables = skipped,
            SchemasRemaining = remaining,
            ExistingExtensions = existingExtensions,
            ExistingTriggersAndPolicies = existingTriggersAndPolicies,
        };
    }

    private sealed record SchemaState(string Name, bool Droppable, bool ExtensionOwned);

    private static async Task<List<SchemaState>> ReadSchemasAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT n.nspname, pg_catalog.pg_has_role(current_user, n.nspowner, 'MEMBER'),
                   EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND d.objid = n.oid AND d.deptype = 'e')
            FROM pg_catalog.pg_namespace n
            WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
            """;
        var schemas = new List<SchemaState>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            schemas.Add(new SchemaState(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2)));
        }

        return schemas;
    }

    private static async Task<HashSet<string>> ReadExtensionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT extname FROM pg_catalog.pg_extension", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task<HashSet<string>> ReadTriggersAndPoliciesAsync(NpgsqlConnection connection, IReadOnlyList<string> schemas, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (schemas.Count == 0)
        {
            return names;
        }

        const string sql = """
            SELECT c.relname || ' ' || t.tgname FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND c.relnamespace::regnamespace::text = ANY ($1)
            UNION ALL
            SELECT c.relname || ' ' || p.polname FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
            WHERE c.relnamespace::regnamespace::text = ANY ($1)
            """;
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = schemas.Select(SqlQuote.Identifier).Concat(schemas).ToArray() } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>DROP statements for everything in public that is not part of an extension: relations first, then routines, then types.</summary>
    private static async Task<List<string>> PublicObjectDropsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT 1, CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' WHEN 'c' THEN 'TYPE' ELSE 'TABLE' END,
                   pg_catalog.quote_ident(c.relname)
            FROM pg_catalog.pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c') AND NOT c.relispartition
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                              AND (d.deptype = 'e' OR c.relkind = 'S' AND d.deptype IN ('a', 'i')))
            UNION ALL
            SELECT 2, 'ROUTINE', pg_catalog.quote_ident(p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'
            FROM pg_catalog.pg_proc p
            WHERE p.pronamespace = 'public'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            UNION ALL
            SELECT 3, CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, pg_catalog.quote_ident(t.typname)
            FROM pg_catalog.pg_type t
            WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'r')
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
            ORDER BY 1, 3
            """;
        var drops = new List<string>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            drops.Add($"DROP {reader.GetString(1)} IF EXISTS public.{reader.GetString(2)} CASCADE");
        }

        return drops;
    }

    private static async Task<List<TableName>> TablesWithRowsAsync(NpgsqlConnection connection, IReadOnlyList<TableName> tables, CancellationToken cancellationToken)
    {
        var withRows = new List<TableName>();
        foreach (var table in tables)
        {
            // The table may be missing from the target (an older service version): FROM would fail, so ask first.
            await using var exists = new NpgsqlCommand($"SELECT pg_catalog.to_regclass({SqlQuote.Literal(table.Quoted)}) IS NOT NULL", connection);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                continue;
            }

            await using var command = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {table.Quoted})", connection);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                withRows.Add(table);
            }
        }

        return withRows;
    }

    /// <summary>A list entry's tag without its owner, the last word (extensions have an empty owner: "pgcrypto ").</summary>
    private static string WithoutOwner(string text)
    {
        var space = text.LastIndexOf(' ');
        return space > 0 ? text[..space] : text;
    }
}
