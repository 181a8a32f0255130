using MigrationTasks.Data.Spec;
using Npgsql;

namespace MigrationTasks.Data;

/// <summary>A column as the catalog has it; <see cref="Type"/> is schema-qualified where needed (read with search_path = '').</summary>
public sealed record CatalogColumn(string Name, string Type, bool NotNull, bool HasDefault, bool IsIdentity, bool IsGenerated);

/// <summary>A table or view with its columns (in order), unique keys and row-level security settings.</summary>
public sealed record CatalogRelation(
    string Schema,
    string Name,
    char Kind,
    string Owner,
    bool RowSecurity,
    bool ForceRowSecurity,
    IReadOnlyList<CatalogColumn> Columns,
    IReadOnlyList<IReadOnlyList<string>> UniqueKeys,
    IReadOnlyList<string>? PrimaryKey)
{
    public string Quoted => Sql.SqlQuote.Qualified(Schema, Name);

    public CatalogColumn? Column(string name) => Columns.FirstOrDefault(c => c.Name == name);

    public override string ToString() => $"{Schema}.{Name}";
}

/// <summary>A foreign key (every v3 one is checked for orphans after the migration).</summary>
public sealed record CatalogForeignKey(string Name, string Schema, string Table, IReadOnlyList<string> Columns, string ParentSchema, string ParentTable, IReadOnlyList<string> ParentColumns, bool Validated);

/// <summary>A trigger on a table, with its enabled state (O, D, R, A as pg_trigger.tgenabled).</summary>
public sealed record CatalogTrigger(string Schema, string Table, string Name, char Enabled);

/// <summary>
/// What the data migration, its validation and the cleanup need to know about a database: relations and their
/// columns, unique keys, foreign keys and triggers, in every non-system schema. One query per kind.
/// </summary>
public sealed class DataCatalog
{
    private readonly Dictionary<(string, string), CatalogRelation> _relations;

    private DataCatalog(Dictionary<(string, string), CatalogRelation> relations, IReadOnlyList<CatalogForeignKey> foreignKeys, IReadOnlyList<CatalogTrigger> triggers, string currentRole, bool bypassesRls)
    {
        _relations = relations;
        ForeignKeys = foreignKeys;
        Triggers = triggers;
        CurrentRole = currentRole;
        BypassesRls = bypassesRls;
    }

    public IReadOnlyList<CatalogForeignKey> ForeignKeys { get; }

    public IReadOnlyList<CatalogTrigger> Triggers { get; }

    public string CurrentRole { get; }

    /// <summary>Superuser or BYPASSRLS.</summary>
    public bool BypassesRls { get; }

    public IEnumerable<CatalogRelation> Relations => _relations.Values;

    public CatalogRelation? Relation(QualifiedName name) => _relations.GetValueOrDefault((name.Schema, name.Name));

    public CatalogRelation? Relation(string schema, string name) => _relations.GetValueOrDefault((schema, name));

    /// <summary>True when row-level security filters what the current role reads or writes in <paramref name="relation"/>.</summary>
    public bool RlsApplies(CatalogRelation relation) =>
        relation.RowSecurity && !BypassesRls && (relation.Owner != CurrentRole || relation.ForceRowSecurity);

    private const string SystemSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

    /// <summary>Reads the catalog; call it inside a transaction (search_path is emptied for it, transaction-locally, then restored).</summary>
    public static Task<DataCatalog> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        WithEmptySearchPathAsync(connection, () => ReadCoreAsync(connection, cancellationToken), cancellationToken);

    /// <summary>
    /// Runs <paramref name="read"/> with an empty search_path (format_type qualifies a type's schema only then), and
    /// restores the caller's search_path after it. Inside a transaction: the change is transaction-local.
    /// </summary>
    public static async Task<T> WithEmptySearchPathAsync<T>(NpgsqlConnection connection, Func<Task<T>> read, CancellationToken cancellationToken)
    {
        string searchPath;
        await using (var path = new NpgsqlCommand("SELECT pg_catalog.current_setting('search_path')", connection))
        {
            searchPath = (string)(await path.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await using (var empty = new NpgsqlCommand("SELECT pg_catalog.set_config('search_path', '', true)", connection))
        {
            await empty.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await read().ConfigureAwait(false);
        }
        finally
        {
            await using var reset = new NpgsqlCommand("SELECT pg_catalog.set_config('search_path', $1, true)", connection);
            reset.Parameters.AddWithValue(searchPath);
            await reset.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<DataCatalog> ReadCoreAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {

        var columns = new Dictionary<(string, string), List<CatalogColumn>>();
        var relationRows = new List<(string Schema, string Name, char Kind, string Owner, bool Rls, bool Force)>();
        await using (var command = new NpgsqlCommand($"""
            SELECT n.nspname, c.relname, c.relkind::text, pg_catalog.pg_get_userbyid(c.relowner), c.relrowsecurity, c.relforcerowsecurity,
                   a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef, a.attidentity <> '', a.attgenerated <> ''
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {SystemSchemas}
            ORDER BY n.nspname, c.relname, a.attnum
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = (reader.GetString(0), reader.GetString(1));
                if (!columns.TryGetValue(key, out var list))
                {
                    columns[key] = list = [];
                    relationRows.Add((key.Item1, key.Item2, reader.GetString(2)[0], reader.GetString(3), reader.GetBoolean(4), reader.GetBoolean(5)));
                }

                list.Add(new CatalogColumn(reader.GetString(6), reader.GetString(7), reader.GetBoolean(8), reader.GetBoolean(9), reader.GetBoolean(10), reader.GetBoolean(11)));
            }
        }

        var uniques = new Dictionary<(string, string), List<(IReadOnlyList<string> Columns, bool Primary)>>();
        await using (var command = new NpgsqlCommand($"""
            SELECT n.nspname, c.relname, i.indisprimary,
                   ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                         JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[]
            FROM pg_catalog.pg_index i
            JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL AND {SystemSchemas}
            ORDER BY n.nspname, c.relname, i.indisprimary DESC, i.indexrelid
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = (reader.GetString(0), reader.GetString(1));
                if (!uniques.TryGetValue(key, out var list))
                {
                    uniques[key] = list = [];
                }

                list.Add((reader.GetFieldValue<string[]>(3), reader.GetBoolean(2)));
            }
        }

        var relations = relationRows.ToDictionary(
            r => (r.Schema, r.Name),
            r =>
            {
                var keys = uniques.GetValueOrDefault((r.Schema, r.Name)) ?? [];
                return new CatalogRelation(r.Schema, r.Name, r.Kind, r.Owner, r.Rls, r.Force, columns[(r.Schema, r.Name)],
                    [.. keys.Select(k => k.Columns)], keys.FirstOrDefault(k => k.Primary).Columns);
            });

        var foreignKeys = new List<CatalogForeignKey>();
        await using (var command = new NpgsqlCommand($"""
            SELECT con.conname, n.nspname, c.relname,
                   ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord) JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[],
                   pn.nspname, pc.relname,
                   ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord) JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[],
                   con.convalidated
            FROM pg_catalog.pg_constraint con
            JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_class pc ON pc.oid = con.confrelid
            JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
            WHERE con.contype = 'f' AND {SystemSchemas}
            ORDER BY n.nspname, c.relname, con.conname
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                foreignKeys.Add(new CatalogForeignKey(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
                    reader.GetString(4), reader.GetString(5), reader.GetFieldValue<string[]>(6), reader.GetBoolean(7)));
            }
        }

        var triggers = new List<CatalogTrigger>();
        await using (var command = new NpgsqlCommand($"""
            SELECT n.nspname, c.relname, t.tgname, t.tgenabled::text
            FROM pg_catalog.pg_trigger t
            JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT t.tgisinternal AND {SystemSchemas}
            ORDER BY 1, 2, 3
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                triggers.Add(new CatalogTrigger(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)[0]));
            }
        }

        string role;
        bool bypass;
        await using (var command = new NpgsqlCommand("SELECT current_user::text, rolsuper OR rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = current_user", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            role = reader.GetString(0);
            bypass = reader.GetBoolean(1);
        }

        return new DataCatalog(relations, foreignKeys, triggers, role, bypass);
    }
}
