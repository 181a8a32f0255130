using System.Diagnostics;
using System.Text.Json;
using MigrationTasks.Catalog.Model;
using MigrationTasks.Connections;
using MigrationTasks.Servers;
using Npgsql;

namespace MigrationTasks.Catalog;

/// <summary>
/// Reads a database's schema into a <see cref="DatabaseCatalog"/>: one set-based query per object kind, all sent
/// as one batch on one connection, in a read-only repeatable-read transaction (one consistent snapshot), with an
/// empty search_path so that every expression, type and reference comes back schema-qualified.
/// </summary>
public static class CatalogReader
{
    /// <summary>The oldest server the queries support.</summary>
    public static readonly Version MinimumServerVersion = new(14, 0);

    public static async Task<DatabaseCatalog> ReadAsync(DatabaseConnection target, CancellationToken cancellationToken)
    {
        await using var connection = await ServerInfo.OpenAsync(target, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<DatabaseCatalog> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var version = await ServerInfo.ReadVersionAsync(connection, cancellationToken).ConfigureAwait(false);
        if (version < MinimumServerVersion)
        {
            throw Errors.Errors.ServerTooOldForDiff(connection.Database, version, MinimumServerVersion);
        }

        var results = new Dictionary<string, ResultSet>(StringComparer.Ordinal);
        string currentUser;
        int queries;
        await using (var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false))
        {
            await using (var setup = new NpgsqlCommand("SET TRANSACTION READ ONLY; SET LOCAL search_path = ''; SELECT current_user::text", connection, transaction))
            {
                currentUser = (string)(await setup.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var name in CatalogQueries.Names)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(CatalogQueries.Text(name)));
            }

            queries = batch.BatchCommands.Count + 2; // plus the version and the transaction setup

            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var name in CatalogQueries.Names)
                {
                    results[name] = await ResultSet.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        var builder = new CatalogBuilder(results);
        var (objects, dependencies) = builder.Build();
        stopwatch.Stop();
        var info = new CatalogInfo(connection.Database, currentUser, version, queries, stopwatch.Elapsed, builder.BuiltInPrivileges);
        return new DatabaseCatalog(objects, dependencies, info);
    }
}

/// <summary>One query's rows, buffered, with columns looked up by name.</summary>
internal sealed class ResultSet
{
    private readonly Dictionary<string, int> _ordinals;

    private ResultSet(Dictionary<string, int> ordinals, List<object?[]> rows)
    {
        _ordinals = ordinals;
        Rows = rows;
    }

    public List<object?[]> Rows { get; }

    public static async Task<ResultSet> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            ordinals[reader.GetName(i)] = i;
        }

        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return new ResultSet(ordinals, rows);
    }

    public Row this[int index] => new(this, Rows[index]);

    public IEnumerable<Row> All() => Rows.Select(r => new Row(this, r));

    public readonly struct Row(ResultSet set, object?[] values)
    {
        private object? Value(string column) => values[set._ordinals[column]];

        public string String(string column) => (string)Value(column)!;

        public string? NullableString(string column) => Value(column) as string;

        public uint Oid(string column) => Value(column) switch { uint u => u, null => 0, var other => Convert.ToUInt32(other, System.Globalization.CultureInfo.InvariantCulture) };

        public bool Bool(string column) => Value(column) is true;

        public char Char(string column) => Value(column) switch { char c => c, string { Length: > 0 } s => s[0], _ => '\0' };

        public int Int(string column) => Value(column) switch { null => 0, var v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) };

        public int? NullableInt(string column) => Value(column) switch { null => null, var v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) };

        public long Long(string column) => Convert.ToInt64(Value(column), System.Globalization.CultureInfo.InvariantCulture);

        public long? NullableLong(string column) => Value(column) switch { null => null, var v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) };

        public string[] Strings(string column) => Value(column) as string[] ?? [];

        public uint[] Oids(string column) => Value(column) as uint[] ?? [];

        public IReadOnlyDictionary<string, string?> Json(string column)
        {
            if (Value(column) is not string text)
            {
                return new Dictionary<string, string?>();
            }

            using var document = JsonDocument.Parse(text);
            return document.RootElement.EnumerateObject().ToDictionary(
                p => p.Name,
                p => p.Value.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.String => p.Value.GetString(),
                    _ => p.Value.GetRawText(),
                },
                StringComparer.Ordinal);
        }
    }
}
