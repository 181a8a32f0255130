using System.Globalization;
using MigrationTasks.Sql;
using Npgsql;

namespace MigrationTasks.Integrity;

/// <summary>A table, by schema and name (unquoted).</summary>
public sealed record TableName(string Schema, string Name) : IComparable<TableName>
{
    /// <summary>Both parts quoted, for SQL.</summary>
    public string Quoted => SqlQuote.Qualified(Schema, Name);

    public override string ToString() => $"{Schema}.{Name}";

    public int CompareTo(TableName? other) =>
        other is null ? 1 : string.CompareOrdinal(Schema, other.Schema) is var bySchema and not 0 ? bySchema : string.CompareOrdinal(Name, other.Name);
}

/// <summary>A table's exact row count and, when asked for, its content checksum.</summary>
public sealed record TableMeasurement(TableName Table, long Rows, string? Checksum);

/// <summary>A table found in the catalog, with the size estimate used to choose a checksum sample.</summary>
public sealed record TableInfo(TableName Table, long EstimatedBytes);

/// <summary>How a table's content checksum is computed; the method is part of the checksum text, so two are only compared when it agrees.</summary>
public enum ChecksumMethod
{
    /// <summary>
    /// <see cref="RowHash"/> where every column's hash depends on its value alone and has an extended hash function,
    /// else <see cref="RowText"/> (enums and OID types hash OIDs, which differ between servers).
    /// </summary>
    Auto,

    /// <summary><c>hash_record_extended(row, 0)</c> (PostgreSQL 14+): the type's own hash of each value (stable across servers: hash partitioning relies on it).</summary>
    RowHash,

    /// <summary><c>hashtextextended(row::text, 0)</c>: the row's text form, for tables with a column type that has no hash (json, tsvector, xml).</summary>
    RowText,
}

/// <summary>
/// What tables hold, computed in PostgreSQL: exact row counts (<c>count(*)</c>) and content checksums. A checksum is
/// the row count and the sum of a 64-bit hash of every row (<see cref="ChecksumMethod"/>), so row order does not
/// matter and a changed, missing or extra row changes it. Row text depends on session settings (time zone, date
/// style, float digits), which are fixed while measuring, so the same rows give the same checksum on another server.
/// </summary>
public static class TableContents
{
    /// <summary>Names the checksum so reports can say how it was computed.</summary>
    public const string ChecksumAlgorithm = "<method>:<count(*)>:<sum of 64-bit row hashes>; rowhash = hash_record_extended(row, 0), rowtext = hashtextextended(row::text, 0)";

    /// <summary>The method a checksum text was computed with, or null when it is not a checksum.</summary>
    public static ChecksumMethod? MethodOf(string? checksum) =>
        checksum?.Split(':')[0] switch
        {
            "rowhash" => ChecksumMethod.RowHash,
            "rowtext" => ChecksumMethod.RowText,
            _ => null,
        };

    /// <summary>
    /// The tables holding data in the covered schemas (ordinary tables, partitions and populated materialized views;
    /// not partitioned parents, which hold no rows themselves, nor extension members), in name order.
    /// </summary>
    public static async Task<IReadOnlyList<TableInfo>> ListTablesAsync(NpgsqlConnection connection, SchemaSelection selection, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT n.nspname, c.relname, pg_catalog.pg_table_size(c.oid)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE (c.relkind = 'r' OR c.relkind = 'm' AND c.relispopulated) AND {selection.SqlPredicate("n.nspname")}
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend ext WHERE ext.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ext.objid = c.oid AND ext.deptype = 'e')
            """;
        var tables = new List<TableInfo>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tables.Add(new TableInfo(new TableName(reader.GetString(0), reader.GetString(1)), reader.IsDBNull(2) ? 0 : reader.GetInt64(2)));
        }

        tables.Sort((a, b) => a.Table.CompareTo(b.Table));
        return tables;
    }

    /// <summary>
    /// Up to <paramref name="count"/> tables to checksum, spread evenly over the tables ordered by size and always
    /// including the largest (where data loss hurts most); all of them when <paramref name="count"/> is at least their number.
    /// </summary>
    public static IReadOnlyList<TableName> ChooseSample(IReadOnlyList<TableInfo> tables, int count)
    {
        if (count <= 0 || tables.Count == 0)
        {
            return [];
        }

        var bySize = tables.OrderByDescending(t => t.EstimatedBytes).ThenBy(t => t.Table).Select(t => t.Table).ToList();
        if (count >= bySize.Count)
        {
            return [.. bySize.Order()];
        }

        var step = (double)bySize.Count / count;
        return [.. Enumerable.Range(0, count).Select(i => bySize[(int)(i * step)]).Distinct().Order()];
    }

    /// <summary>
    /// Counts the rows of every table (and checksums those in <paramref name="checksums"/>, with the method given),
    /// spreading the tables over <paramref name="sessions"/> (the caller's connections, left open), largest first so
    /// the sessions finish together. A caller that needs one consistent picture gives sessions on one snapshot, and
    /// says so with <paramref name="insideTransaction"/> (a failed hash then rolls back to a savepoint).
    /// </summary>
    public static async Task<IReadOnlyList<TableMeasurement>> MeasureAsync(
        IReadOnlyList<NpgsqlConnection> sessions,
        IReadOnlyList<TableInfo> tables,
        IReadOnlyDictionary<TableName, ChecksumMethod> checksums,
        bool insideTransaction,
        CancellationToken cancellationToken)
    {
        var queue = new Queue<TableInfo>(tables.OrderByDescending(t => t.EstimatedBytes));
        var results = new List<TableMeasurement>();
        var gate = new object();

        async Task WorkAsync(NpgsqlConnection connection)
        {
            await CatalogSession.NormaliseAsync(connection, cancellationToken).ConfigureAwait(false);
            try
            {
                while (true)
                {
                    TableInfo? next;
                    lock (gate)
                    {
                        if (!queue.TryDequeue(out next))
                        {
                            return;
                        }
                    }

                    var method = checksums.TryGetValue(next.Table, out var m) ? m : (ChecksumMethod?)null;
                    var measurement = await MeasureOneAsync(connection, next.Table, method, insideTransaction, cancellationToken).ConfigureAwait(false);
                    lock (gate)
                    {
                        results.Add(measurement);
                    }
                }
            }
            finally
            {
                await CatalogSession.ResetAsync(connection).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(sessions.Select(WorkAsync)).ConfigureAwait(false);
        results.Sort((a, b) => a.Table.CompareTo(b.Table));
        return results;
    }

    /// <summary>
    /// One table's exact row count, and its checksum when <paramref name="checksum"/> is given; one scan. With
    /// <see cref="ChecksumMethod.Auto"/>, a table whose columns cannot all be hashed falls back to
    /// <see cref="ChecksumMethod.RowText"/>. The session's settings must be normalised (<see cref="MeasureAsync"/> does).
    /// </summary>
    public static async Task<TableMeasurement> MeasureOneAsync(NpgsqlConnection connection, TableName table, ChecksumMethod? checksum, bool insideTransaction,
        CancellationToken cancellationToken)
    {
        if (checksum is null)
        {
            return new TableMeasurement(table, await ScalarAsync<long>(connection, $"SELECT count(*) FROM {table.Quoted}", cancellationToken).ConfigureAwait(false), null);
        }

        if (checksum == ChecksumMethod.Auto && !await RowHashIsPortableAsync(connection, table, cancellationToken).ConfigureAwait(false))
        {
            checksum = ChecksumMethod.RowText;
        }

        if (checksum == ChecksumMethod.RowText)
        {
            return await ChecksumAsync(connection, table, ChecksumMethod.RowText, cancellationToken).ConfigureAwait(false);
        }

        if (insideTransaction)
        {
            await ExecuteAsync(connection, "SAVEPOINT mt_checksum", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var measured = await ChecksumAsync(connection, table, ChecksumMethod.RowHash, cancellationToken).ConfigureAwait(false);
            if (insideTransaction)
            {
                await ExecuteAsync(connection, "RELEASE SAVEPOINT mt_checksum", cancellationToken).ConfigureAwait(false);
            }

            return measured;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedFunction && checksum == ChecksumMethod.Auto)
        {
            // A column type without an extended hash function (json, tsvector, xml, point): hash the row's text instead.
            if (insideTransaction)
            {
                await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT mt_checksum", cancellationToken).ConfigureAwait(false);
            }

            return await ChecksumAsync(connection, table, ChecksumMethod.RowText, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether every column's hash depends on its value alone. An enum hashes its label's OID and an OID-typed value
    /// (regclass, oid, ...) is an OID: both differ on another server for the same data, so such tables (and those
    /// with composite columns, which may hide one) are hashed by their text form instead.
    /// </summary>
    private static async Task<bool> RowHashIsPortableAsync(NpgsqlConnection connection, TableName table, CancellationToken cancellationToken)
    {
        var sql = $"""
            WITH RECURSIVE types(oid) AS (
                SELECT a.atttypid FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = {Sql.SqlQuote.Literal(table.Quoted)}::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped
                UNION
                SELECT CASE WHEN t.typtype = 'd' THEN t.typbasetype
                            WHEN t.typtype = 'r' THEN (SELECT r.rngsubtype FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid)
                            ELSE t.typelem END
                FROM types JOIN pg_catalog.pg_type t ON t.oid = types.oid
                WHERE t.typtype IN ('d', 'r') OR t.typcategory = 'A' AND t.typelem <> 0
            )
            SELECT NOT EXISTS (
                SELECT 1 FROM types JOIN pg_catalog.pg_type t ON t.oid = types.oid
                WHERE t.typtype IN ('e', 'c', 'p') OR t.typcategory = 'U' AND t.typname IN ('oid', 'xid', 'cid', 'tid', 'xid8')
                   OR t.typname LIKE 'reg%' AND t.typnamespace = 'pg_catalog'::pg_catalog.regnamespace)
            """;
        return await ScalarAsync<bool>(connection, sql, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<TableMeasurement> ChecksumAsync(NpgsqlConnection connection, TableName table, ChecksumMethod method, CancellationToken cancellationToken)
    {
        var (name, hash) = method == ChecksumMethod.RowHash
            ? ("rowhash", "pg_catalog.hash_record_extended(ROW(r.*), 0)")
            : ("rowtext", "pg_catalog.hashtextextended(ROW(r.*)::text, 0)");
        await using var command = new NpgsqlCommand($"SELECT count(*), coalesce(sum({hash}), 0)::text FROM {table.Quoted} AS r", connection) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var rows = reader.GetInt64(0);
        return new TableMeasurement(table, rows, string.Create(CultureInfo.InvariantCulture, $"{name}:{rows}:{reader.GetString(1)}"));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return (T)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
