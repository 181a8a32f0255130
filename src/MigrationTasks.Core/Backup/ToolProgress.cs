using System.Diagnostics;
using MigrationTasks.Common;

namespace MigrationTasks.Backup;

/// <summary>
/// Follows a verbose pg_dump or pg_restore: every line goes to the detailed log, tables finished are counted, and
/// every <c>interval</c> one line at normal verbosity says how far it is (tables done, bytes written, time).
/// </summary>
internal sealed class ToolProgress : IDisposable
{
    private readonly IEngineLog _log;
    private readonly string _what;
    private readonly Func<long>? _bytes;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Timer _timer;
    private int _finishedItems;
    private int _startedTables;
    private bool _disposed;

    public ToolProgress(IEngineLog log, string what, Func<long>? bytes, TimeSpan interval)
    {
        _log = log;
        _what = what;
        _bytes = bytes;
        _timer = new Timer(_ => Report(), null, interval, interval);
    }

    /// <summary>How many tables there are, once known (0 until then).</summary>
    public int TotalTables { get; set; }

    /// <summary>Tables whose data is done: parallel runs say "finished item N TABLE DATA"; serial ones only say when a table starts.</summary>
    public int TablesDone => _finishedItems > 0 ? _finishedItems : Math.Max(0, _startedTables - 1);

    public void OnLine(string line)
    {
        _log.Detail(line);
        if (line.Contains("finished item", StringComparison.Ordinal) && line.Contains(" TABLE DATA ", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _finishedItems);
        }
        else if (line.Contains("dumping contents of table", StringComparison.Ordinal) || line.Contains("processing data for table", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _startedTables);
        }
    }

    public void Dispose()
    {
        // After Dispose returns no report may be logged: the task may have finished, and MSBuild refuses late messages.
        lock (_watch)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    private void Report()
    {
        lock (_watch)
        {
            if (!_disposed)
            {
                ReportNow();
            }
        }
    }

    private void ReportNow()
    {
        var tables = TotalTables > 0 ? $"{Math.Min(TablesDone, TotalTables)} of {TotalTables} tables" : $"{TablesDone} tables";
        var bytes = _bytes is null ? "" : $", {Sizes.Describe(SafeBytes())} written";
        _log.Info($"{_what}: {tables}{bytes}, {_watch.Elapsed:hh\\:mm\\:ss} elapsed");
    }

    private long SafeBytes()
    {
        try
        {
            return _bytes!();
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

/// <summary>Byte counts for people.</summary>
internal static class Sizes
{
    public static string Describe(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.00} GB",
    };

    /// <summary>The total size of the files under <paramref name="path"/> (a file or a folder).</summary>
    public static long Of(string path) =>
        File.Exists(path) ? new FileInfo(path).Length
        : Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
        : 0;
}
