using MigrationTasks.Migrations;
using Npgsql;

namespace MigrationTasks.Indexes;

/// <summary>A user table: where it lives, how big it is (from ANALYZE), whether RLS is on.</summary>
public sealed record CatalogTable(uint Oid, string Schema, string Name, long Rows, long TotalBytes, bool RowSecurity)
{
    public string QualifiedName => $"{Schema}.{Name}";
}

/// <summary>A column with what the proposals need: its type's category (A array, R range, ...) and name, and its distinct count from pg_stats.</summary>
public sealed record CatalogColumn(uint TableOid, short Number, string Name, string Type, char TypeCategory, string TypeName, double DistinctValues)
{
    /// <summary>Few distinct values (a flag, a status): an index on it alone rarely helps.</summary>
    public bool IsLowCardinality => DistinctValues is > 0 and <= 10;
}

/// <summary>An index: its keys as pg_get_indexdef prints them, its predicate, and whether it is valid, unique, used.</summary>
public sealed record CatalogIndex(
    uint Oid, uint TableOid, string Name, string Method, bool IsUnique, bool IsPrimary, bool IsValid, bool BacksConstraint,
    IReadOnlyList<short> KeyColumns, IReadOnlyList<string> KeyDefinitions, string? Predicate, string Definition, long Bytes, long Scans)
{
    /// <summary>The leading key column's number, or 0 when the first key is an expression.</summary>
    public short LeadingColumn => KeyColumns.Count > 0 ? KeyColumns[0] : (short)0;
}

/// <summary>A foreign key of a user table.</summary>
public sealed record CatalogForeignKey(string Name, uint TableOid, IReadOnlyList<short> Columns, uint ReferencedTableOid);

/// <summary>A column an RLS policy's expressions read (recorded by PostgreSQL in pg_depend).</summary>
public sealed record CatalogPolicyColumn(uint TableOid, short Column, string Policy, uint PolicyTableOid);

/// <summary>
/// What the index analysis reads from the catalog, one set-based query per kind, over the user's tables (not
/// PostgreSQL's, not Supabase's managed schemas, not tables that belong to an extension).
/// </summary>
public sealed class IndexCatalog
{
    /// <summary>Schemas the analysis never looks at: PostgreSQL's and the ones Supabase manages (as its linter skips them).</summary>
    public static readonly IReadOnlyList<string> ManagedSchemas =
    [
        "pg_catalog", "information_schema", "pg_toast", "auth", "storage", "realtime", "_realtime", "_analytics", "_supavisor", "vault",
        "extensions", "graphql", "graphql_public", "cron", "net", "pgsodium", "pgsodium_masks", "pgbouncer", "supabase_functions",
        "supabase_migrations", "pgtle", "repack", "tiger", "tiger_data", "topology",
    ];

    private IndexCatalog()
    {
    }

    public IReadOnlyDictionary<uint, CatalogTable> Tables { get; private init; } = new Dictionary<uint, CatalogTable>();

    public IReadOnlyList<CatalogColumn> Columns { get; private init; } = [];

    public IReadOnlyList<CatalogIndex> Indexes { get; private init; } = [];

    public IReadOnlyList<CatalogForeignKey> ForeignKeys { get; private init; } = [];

    public IReadOnlyList<CatalogPolicyColumn> PolicyColumns { get; private init; } = [];

    /// <summary>Where pg_trgm's gin_trgm_ops lives (schema), or null when the extension is not installed.</summary>
    public string? TrigramSchema { get; private init; }

    /// <summary>
    /// The table of that name; EXPLAIN without VERBOSE prints no schema, so with a null schema the table in
    /// public wins over a namesake elsewhere.
    /// </summary>
    public CatalogTable? FindTable(string? schema, string name) =>
        Tables.Values.Where(t => t.Name == name && (schema is null || t.Schema == schema)).OrderBy(t => t.Schema == "public" ? 0 : 1).ThenBy(t => t.Schema, StringComparer.Ordinal).FirstOrDefault();

    public CatalogColumn? FindColumn(uint table, string name) => Columns.FirstOrDefault(c => c.TableOid == table && c.Name == name);

    public CatalogColumn? FindColumn(uint table, short number) => Columns.FirstOrDefault(c => c.TableOid == table && c.Number == number);

    public IEnumerable<CatalogIndex> IndexesOf(uint table) => Indexes.Where(i => i.TableOid == table);

    /// <summary>True when a valid index of the table starts with this column (so lookups by it need no scan).</summary>
    public bool HasLeadingIndex(uint table, short column) => IndexesOf(table).Any(i => i.IsValid && i.LeadingColumn == column);

    /// <summary>True when a valid index of the table starts with exactly these columns, in any order (a foreign key's columns).</summary>
    public bool HasLeadingIndex(uint table, IReadOnlyList<short> columns) =>
        IndexesOf(table).Any(i => i.IsValid && i.KeyColumns.Count >= columns.Count && i.KeyColumns.Take(columns.Count).Order().SequenceEqual(columns.Order()));

    public static async Task<IndexCatalog> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var session = new SqlSession(connection);
        var managed = ManagedSchemas.ToArray();
        var tables = await session.QueryAsync("""
            SELECT c.oid, n.nspname, c.relname, greatest(c.reltuples, 0)::bigint, pg_catalog.pg_total_relation_size(c.oid), c.relrowsecurity
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT (n.nspname = ANY ($1)) AND n.nspname NOT LIKE 'pg\_temp%' AND n.nspname NOT LIKE 'pg\_toast%'
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            """, r => new CatalogTable(r.GetFieldValue<uint>(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetBoolean(5)),
            cancellationToken, (object)managed).ConfigureAwait(false);
        // Passed as bigint[] and cast: Npgsql has no default mapping for uint[].
        var oids = tables.Select(t => (long)t.Oid).ToArray();

        var columns = await session.QueryAsync("""
            SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), t.typcategory, t.typname, coalesce(s.n_distinct, 0)::float8
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname AND NOT s.inherited
            WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
            """, r => new CatalogColumn(r.GetFieldValue<uint>(0), r.GetInt16(1), r.GetString(2), r.GetString(3), r.GetChar(4), r.GetString(5), r.GetDouble(6)),
            cancellationToken, oids).ConfigureAwait(false);

        var indexes = await session.QueryAsync("""
            SELECT i.indexrelid, i.indrelid, ic.relname, am.amname, i.indisunique, i.indisprimary, i.indisvalid,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x')),
                   (i.indkey::int2[])[0:i.indnkeyatts - 1],
                   ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k),
                   pg_catalog.pg_get_expr(i.indpred, i.indrelid, true),
                   pg_catalog.pg_get_indexdef(i.indexrelid),
                   pg_catalog.pg_relation_size(i.indexrelid),
                   coalesce(s.idx_scan, 0)
            FROM pg_catalog.pg_index i
            JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_catalog.pg_am am ON am.oid = ic.relam
            LEFT JOIN pg_catalog.pg_stat_all_indexes s ON s.indexrelid = i.indexrelid
            WHERE i.indrelid = ANY ($1::oid[])
            ORDER BY ic.relname
            """, r => new CatalogIndex(r.GetFieldValue<uint>(0), r.GetFieldValue<uint>(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), r.GetBoolean(5),
                r.GetBoolean(6), r.GetBoolean(7), r.GetFieldValue<short[]>(8), r.GetFieldValue<string[]>(9), r.IsDBNull(10) ? null : r.GetString(10),
                r.GetString(11), r.GetInt64(12), r.GetInt64(13)),
            cancellationToken, oids).ConfigureAwait(false);

        var foreignKeys = await session.QueryAsync("""
            SELECT k.conname, k.conrelid, k.conkey::int2[], k.confrelid
            FROM pg_catalog.pg_constraint k
            WHERE k.contype = 'f' AND k.conrelid = ANY ($1::oid[])
            ORDER BY k.conname
            """, r => new CatalogForeignKey(r.GetString(0), r.GetFieldValue<uint>(1), r.GetFieldValue<short[]>(2), r.GetFieldValue<uint>(3)),
            cancellationToken, oids).ConfigureAwait(false);

        // PostgreSQL records every column a policy's USING and WITH CHECK expressions read, sub-selects included.
        var policyColumns = await session.QueryAsync("""
            SELECT DISTINCT d.refobjid, d.refobjsubid::int2, p.polname, p.polrelid
            FROM pg_catalog.pg_depend d
            JOIN pg_catalog.pg_policy p ON p.oid = d.objid
            WHERE d.classid = 'pg_catalog.pg_policy'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
              AND d.refobjsubid > 0 AND d.refobjid = ANY ($1::oid[])
            ORDER BY 1, 2, 3
            """, r => new CatalogPolicyColumn(r.GetFieldValue<uint>(0), r.GetInt16(1), r.GetString(2), r.GetFieldValue<uint>(3)),
            cancellationToken, oids).ConfigureAwait(false);

        var trigram = await session.QueryAsync("""
            SELECT n.nspname FROM pg_catalog.pg_opclass o JOIN pg_catalog.pg_namespace n ON n.oid = o.opcnamespace
            WHERE o.opcname = 'gin_trgm_ops' LIMIT 1
            """, r => r.GetString(0), cancellationToken).ConfigureAwait(false);

        return new IndexCatalog
        {
            Tables = tables.ToDictionary(t => t.Oid),
            Columns = columns,
            Indexes = indexes,
            ForeignKeys = foreignKeys,
            PolicyColumns = policyColumns,
            TrigramSchema = trigram.FirstOrDefault(),
        };
    }
}
