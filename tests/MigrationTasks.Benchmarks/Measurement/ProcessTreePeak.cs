using System.Globalization;

namespace MigrationTasks.Benchmarks.Measurement;

/// <summary>
/// The peak working set (VmHWM in /proc/&lt;pid&gt;/status) of the dotnet processes of a process tree: the root
/// (<c>dotnet msbuild</c>) and its descendants (MSBuild worker nodes and the task host that runs our tasks, which
/// TaskHostFactory puts in a process of its own). PostgreSQL servers the tasks start are not dotnet and are left out.
/// Sampled every 100 ms until the root exits; VmHWM only grows, so a sample is a lower bound of the true peak that
/// misses at most the last interval.
/// </summary>
public sealed record ProcessTreePeak(long RootKilobytes, long LargestKilobytes, int Processes)
{
    public double RootMegabytes => RootKilobytes / 1024.0;

    /// <summary>The largest single dotnet process of the tree (the task host, in practice).</summary>
    public double LargestMegabytes => LargestKilobytes / 1024.0;

    public static async Task<ProcessTreePeak> SampleAsync(int root, Task running, CancellationToken cancellationToken)
    {
        var peaks = new Dictionary<int, long>();
        if (!OperatingSystem.IsLinux())
        {
            await running;
            return new ProcessTreePeak(0, 0, 0);
        }

        while (!running.IsCompleted)
        {
            foreach (var pid in DotnetTree(root))
            {
                if (HighWaterMark(pid) is { } kilobytes)
                {
                    peaks[pid] = Math.Max(peaks.GetValueOrDefault(pid), kilobytes);
                }
            }

            await Task.WhenAny(running, Task.Delay(100, cancellationToken));
        }

        return new ProcessTreePeak(peaks.GetValueOrDefault(root), peaks.Count == 0 ? 0 : peaks.Values.Max(), peaks.Count);
    }

    /// <summary>The root and its descendants whose command is dotnet.</summary>
    private static List<int> DotnetTree(int root)
    {
        var parents = new Dictionary<int, int>();
        var names = new Dictionary<int, string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so split at the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var close = stat.LastIndexOf(')');
                names[pid] = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..close];
                parents[pid] = int.Parse(stat[(close + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // the process exited meanwhile
            }
        }

        var tree = new List<int>();
        var pending = new Queue<int>([root]);
        while (pending.TryDequeue(out var pid))
        {
            if (names.TryGetValue(pid, out var name) && name == "dotnet")
            {
                tree.Add(pid);
            }

            foreach (var (child, parent) in parents)
            {
                if (parent == pid)
                {
                    pending.Enqueue(child);
                }
            }
        }

        return tree;
    }

    private static long? HighWaterMark(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
