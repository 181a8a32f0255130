using System.Globalization;

namespace MigrationTasks.Benchmarks.Measurement;

/// <summary>
/// The peak working set (VmHWM in /proc/&lt;pid&gt;/status) of the .NET processes of a process tree: the root
/// (<c>dotnet msbuild</c>) and its descendants (MSBuild worker nodes, and the task host that runs our tasks, which
/// TaskHostFactory puts in a process of its own, named MSBuild). PostgreSQL servers and client programs the tasks start
/// are left out.
/// Sampled every 100 ms until the root exits; VmHWM only grows, so a sample is a lower bound of the true peak that
/// misses at most the last interval.
/// </summary>
public sealed record ProcessTreePeak(long RootKilobytes, long LargestKilobytes, long TaskHostKilobytes, int Processes)
{
    public double RootMegabytes => RootKilobytes / 1024.0;

    /// <summary>The largest single .NET process of the tree.</summary>
    public double LargestMegabytes => LargestKilobytes / 1024.0;

    /// <summary>The task host (the MSBuild process that runs our tasks); 0 when none started.</summary>
    public double TaskHostMegabytes => TaskHostKilobytes / 1024.0;

    public static async Task<ProcessTreePeak> SampleAsync(int root, Task running, CancellationToken cancellationToken)
    {
        var peaks = new Dictionary<int, long>();
        var taskHosts = new HashSet<int>();
        if (!OperatingSystem.IsLinux())
        {
            await running;
            return new ProcessTreePeak(0, 0, 0, 0);
        }

        while (!running.IsCompleted)
        {
            foreach (var (pid, name) in DotnetTree(root))
            {
                if (name == "MSBuild")
                {
                    taskHosts.Add(pid);
                }

                if (HighWaterMark(pid) is { } kilobytes)
                {
                    peaks[pid] = Math.Max(peaks.GetValueOrDefault(pid), kilobytes);
                }
            }

            await Task.WhenAny(running, Task.Delay(100, cancellationToken));
        }

        return new ProcessTreePeak(peaks.GetValueOrDefault(root), peaks.Count == 0 ? 0 : peaks.Values.Max(),
            peaks.Where(p => taskHosts.Contains(p.Key)).Select(p => p.Value).DefaultIfEmpty(0).Max(), peaks.Count);
    }

    /// <summary>The root and its descendants whose command is dotnet or MSBuild (the apphost of the task host).</summary>
    private static List<(int Pid, string Name)> DotnetTree(int root)
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

        var tree = new List<(int, string)>();
        var pending = new Queue<int>([root]);
        while (pending.TryDequeue(out var pid))
        {
            if (names.TryGetValue(pid, out var name) && name is "dotnet" or "MSBuild")
            {
                tree.Add((pid, name));
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
