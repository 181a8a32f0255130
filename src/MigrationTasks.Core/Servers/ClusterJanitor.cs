using System.Globalization;
using CliWrap;
using MigrationTasks.Common;

namespace MigrationTasks.Servers;

/// <summary>
/// Makes sure no ephemeral server outlives the process that started it, whatever way that process ends:
/// <list type="bullet">
/// <item>a detached watchdog per cluster stops the server and deletes its folder as soon as the owner process
/// is gone (a crash, kill -9, a cancelled build whose task host is torn down);</item>
/// <item>a sweep at every cluster start removes clusters whose owner and watchdog both died (a reboot, a killed
/// process group);</item>
/// <item>a process-exit hook stops the live clusters of a process that exits normally without disposing them.</item>
/// </list>
/// </summary>
internal static class ClusterJanitor
{
    public const string OwnerFileName = "owner.pid";

    // Runs detached (own session: Ctrl+C in the terminal does not reach it). Polls the owner once a second;
    // exits quietly when the cluster folder is removed by a normal stop.
    private const string WatchdogScript = """
        exec </dev/null >/dev/null 2>&1
        owner=$1; dir=$2
        while [ -d "$dir" ] && kill -0 "$owner" 2>/dev/null; do sleep 1; done
        [ -d "$dir" ] || exit 0
        pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null)
        # Only signal a process that really is this cluster's postmaster (pids are reused).
        if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && ! tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF "$dir"; then pid=""; fi
        if [ -n "$pid" ]; then
          kill -QUIT "$pid" 2>/dev/null
          i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
          kill -KILL "$pid" 2>/dev/null
        fi
        rm -rf "$dir"
        """;

    private static readonly Lock Gate = new();
    private static readonly HashSet<LocalCluster> Live = [];
    private static bool _hooked;

    /// <summary>Starts the watchdog for a cluster folder owned by process <paramref name="ownerPid"/>.</summary>
    public static async Task StartWatchdogAsync(int ownerPid, string clusterDirectory, CancellationToken cancellationToken)
    {
        var owner = ownerPid.ToString(CultureInfo.InvariantCulture);
        var useSetsid = File.Exists("/usr/bin/setsid") || File.Exists("/bin/setsid");
        var command = useSetsid
            ? Cli.Wrap("setsid").WithArguments(["-f", "sh", "-c", WatchdogScript, "watchdog", owner, clusterDirectory])
            : Cli.Wrap("sh").WithArguments(["-c", "sh -c \"$0\" watchdog \"$1\" \"$2\" &", WatchdogScript, owner, clusterDirectory]);
        await command.WithStandardOutputPipe(PipeTarget.Null).WithStandardErrorPipe(PipeTarget.Null)
            .ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes clusters under <paramref name="root"/> whose owner process is gone.</summary>
    public static void SweepOrphans(string root, IEngineLog log)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(root, "pg-*"))
        {
            try
            {
                var ownerFile = Path.Combine(directory, OwnerFileName);
                if (File.Exists(ownerFile))
                {
                    if (!int.TryParse(File.ReadAllText(ownerFile).Trim(), CultureInfo.InvariantCulture, out var owner) || Posix.IsAlive(owner))
                    {
                        continue;
                    }
                }
                else if (Directory.GetCreationTimeUtc(directory) > DateTime.UtcNow.AddHours(-1))
                {
                    continue; // being created right now by another process
                }

                StopPostmaster(directory);
                Directory.Delete(directory, recursive: true);
                log.Detail($"Removed an orphaned ephemeral cluster left by a process that ended: {directory}");
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                log.Detail($"Could not remove orphaned cluster {directory}: {exception.Message}");
            }
        }
    }

    /// <summary>Immediate shutdown of a cluster's postmaster, if it runs; waits up to 10 s for it to go.</summary>
    public static void StopPostmaster(string clusterDirectory)
    {
        var pidFile = Path.Combine(clusterDirectory, "data", "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        string firstLine;
        try
        {
            firstLine = File.ReadLines(pidFile).FirstOrDefault() ?? "";
        }
        catch (IOException)
        {
            return;
        }

        if (!int.TryParse(firstLine.Trim(), CultureInfo.InvariantCulture, out var pid) || !IsPostmasterOf(pid, clusterDirectory))
        {
            return;
        }

        Posix.Signal(pid, Posix.SigQuit);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Posix.IsAlive(pid) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }
    }

    public static void Track(LocalCluster cluster)
    {
        lock (Gate)
        {
            Live.Add(cluster);
            if (!_hooked)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAllLive();
                _hooked = true;
            }
        }
    }

    public static void Untrack(LocalCluster cluster)
    {
        lock (Gate)
        {
            Live.Remove(cluster);
        }
    }

    private static void StopAllLive()
    {
        LocalCluster[] clusters;
        lock (Gate)
        {
            clusters = [.. Live];
        }

        foreach (var cluster in clusters)
        {
            cluster.StopNow();
        }
    }

    private static bool IsPostmasterOf(int pid, string clusterDirectory)
    {
        var cmdline = $"/proc/{pid}/cmdline";
        if (!File.Exists(cmdline))
        {
            return Posix.IsAlive(pid) && !OperatingSystem.IsLinux();
        }

        return File.ReadAllText(cmdline).Contains(clusterDirectory, StringComparison.Ordinal);
    }
}
