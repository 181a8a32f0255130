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

/// <summary>
/// What tables hold, computed in PostgreSQL: exact row counts (<c>count(*)</c>) and content checksums. A checksum
/// is the row count and the sum of a 64-bit hash of each row's text form (<c>hashtextextended(row::text, 0)</c>),
/// so row order does not matter and a changed, missing or extra row changes it. Row text depends on session
/// settings (time zone, date style, float digits), which are fixed while measuring, so the same rows give the
/// same checksum on another server.
/// </summary>
public static class TableContents
{
    /// <summary>Names the checksum so reports can say how it was computed (and never compare two different ones).</summary>
    public const string ChecksumAlgorithm = "count+sum(hashtextextended(row::text,0))";

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
    /// Counts the rows of every table (and checksums those in <paramref name="checksummed"/>), spreading the tables
    /// over <paramref name="sessions"/> (the caller's connections, left open), largest first so the sessions finish
    /// together. A caller that needs one consistent picture gives sessions on one snapshot.
    /// </summary>
    public static async Task<IReadOnlyList<TableMeasurement>> MeasureAsync(
        IReadOnlyList<NpgsqlConnection> sessions,
        IReadOnlyList<TableInfo> tables,
        IReadOnlySet<TableName> checksummed,
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

                    var measurement = await MeasureOneAsync(connection, next.Table, checksummed.Contains(next.Table), cancellationToken).ConfigureAwait(false);
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

    /// <summary>One table's exact row count, and its checksum when <paramref name="withChecksum"/>; one scan either way.</summary>
    public static async Task<TableMeasurement> MeasureOneAsync(NpgsqlConnection connection, TableName table, bool withChecksum, CancellationToken cancellationToken)
    {
        var sql = withChecksum
            ? $"SELECT count(*), coalesce(sum(pg_catalog.hashtextextended(ROW(r.*)::text, 0)), 0)::text FROM {table.Quoted} AS r"
            : $"SELECT count(*), NULL::text FROM {table.Quoted}";
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var rows = reader.GetInt64(0);
        var checksum = reader.IsDBNull(1) ? null : string.Create(CultureInfo.InvariantCulture, $"{rows}:{reader.GetString(1)}");
        return new TableMeasurement(table, rows, checksum);
    }
}
