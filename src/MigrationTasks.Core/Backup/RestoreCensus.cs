using System.Text.RegularExpressions;
using System.Threading.Channels;
using MigrationTasks.Connections;
using MigrationTasks.Integrity;
using MigrationTasks.Servers;
using Npgsql;

namespace MigrationTasks.Backup;

/// <summary>
/// Counts and checksums the restored tables while pg_restore is still running: a table is measured as soon as
/// pg_restore reports its data finished ("finished item N TABLE DATA ..."), which is final, since the rest of a
/// restore (indexes, constraints, triggers, grants) changes no rows. The verification then overlaps the index builds
/// instead of following them. Tables pg_restore did not report (a serial restore) are measured at the end.
/// </summary>
internal sealed partial class RestoreCensus : IAsyncDisposable
{
    private readonly Channel<TableName> _queue = Channel.CreateUnbounded<TableName>();
    private readonly Dictionary<int, TableName> _byDumpId;
    private readonly Dictionary<TableName, ChecksumMethod?> _expected;
    private readonly HashSet<TableName> _queued = [];
    private readonly List<TableMeasurement> _results = [];
    private readonly List<NpgsqlConnection> _sessions = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];

    public RestoreCensus(BackupManifest manifest, ArchiveToc toc, IReadOnlySet<TableName> skipped)
    {
        _expected = manifest.Tables.Where(t => !skipped.Contains(t.Table)).ToDictionary(t => t.Table, t => TableContents.MethodOf(t.Checksum));
        _byDumpId = toc.Entries
            .Where(e => e.Description is "TABLE DATA" or "MATERIALIZED VIEW DATA")
            .Select(e => (e.DumpId, Table: new TableName(e.Namespace, WithoutOwner(e.Rest))))
            .Where(e => _expected.ContainsKey(e.Table))
            .ToDictionary(e => e.DumpId, e => e.Table);
    }

    /// <summary>Opens <paramref name="parallelism"/> sessions to the target and starts measuring as tables arrive.</summary>
    public async Task StartAsync(DatabaseConnection target, int parallelism, CancellationToken cancellationToken)
    {
        for (var i = 0; i < Math.Max(1, parallelism); i++)
        {
            var session = await ServerInfo.OpenAsync(target.With(b => b.Pooling = false), cancellationToken).ConfigureAwait(false);
            _sessions.Add(session);
            await CatalogSession.NormaliseAsync(session, cancellationToken).ConfigureAwait(false);
        }

        var token = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token).Token;
        _workers.AddRange(_sessions.Select(session => Task.Run(() => WorkAsync(session, token), token)));
    }

    /// <summary>A pg_restore output line; a finished table goes to the queue.</summary>
    public void OnLine(string line)
    {
        var match = FinishedItem().Match(line);
        if (match.Success && _byDumpId.TryGetValue(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), out var table))
        {
            Enqueue(table);
        }
    }

    /// <summary>After pg_restore: measures what was not reported yet, and returns every measurement.</summary>
    public async Task<IReadOnlyList<TableMeasurement>> FinishAsync()
    {
        foreach (var table in _expected.Keys)
        {
            Enqueue(table);
        }

        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
        lock (_results)
        {
            return [.. _results.OrderBy(r => r.Table)];
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_workers).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or NpgsqlException)
        {
            // stopped because the restore failed; that failure is the one reported
        }

        foreach (var session in _sessions)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private void Enqueue(TableName table)
    {
        lock (_queued)
        {
            if (_queued.Add(table))
            {
                _queue.Writer.TryWrite(table);
            }
        }
    }

    private async Task WorkAsync(NpgsqlConnection session, CancellationToken cancellationToken)
    {
        await foreach (var table in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var measured = await TableContents.MeasureOneAsync(session, table, _expected[table], insideTransaction: false, cancellationToken).ConfigureAwait(false);
                lock (_results)
                {
                    _results.Add(measured);
                }
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // not restored: the row-count check reports it missing
            }
        }
    }

    private static string WithoutOwner(string text)
    {
        var space = text.LastIndexOf(' ');
        return space > 0 ? text[..space] : text;
    }

    [GeneratedRegex(@"finished item (\d+) (?:TABLE DATA|MATERIALIZED VIEW DATA) ")]
    private static partial Regex FinishedItem();
}
