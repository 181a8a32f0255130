using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;
using MigrationTasks.Common;
using MigrationTasks.Connections;

namespace MigrationTasks.Servers;

/// <summary>
/// A throwaway PostgreSQL cluster: initdb in a temporary folder, postgres started as a child of this process on a free 127.0.0.1 port with
/// settings for speed over durability (fsync off), run as the 'postgres' user when this process is root,
/// stopped and deleted on dispose. <see cref="ClusterJanitor"/> makes sure it never outlives its owner.
/// </summary>
public sealed class LocalCluster : IPostgresServer
{
    private const string Superuser = "postgres";
    private const int PortAttempts = 5;

    // Throwaway clusters trade durability for speed; nothing here survives the run anyway.
    private static readonly Dictionary<string, string> ThrowawaySettings = new()
    {
        ["listen_addresses"] = "127.0.0.1",
        ["unix_socket_directories"] = "''",
        ["fsync"] = "off",
        ["synchronous_commit"] = "off",
        ["full_page_writes"] = "off",
        ["max_connections"] = "200",
        ["max_wal_size"] = "2GB",
        ["max_locks_per_transaction"] = "256",
        ["log_min_messages"] = "warning",
        // Memory for bulk work (a scale-100 sample, its clone and data migration): the defaults (128MB buffers, 4MB
        // work_mem) made the scale-100 data migration of -t:Rehearse 670 s; these 439 s. Dynamic shared memory in files under the data
        // folder rather than /dev/shm, which containers often cap at 64MB (parallel hash joins use it by work_mem).
        ["shared_buffers"] = SharedBuffers(),
        ["work_mem"] = "64MB",
        ["maintenance_work_mem"] = "512MB",
        ["dynamic_shared_memory_type"] = "mmap",
    };

    /// <summary>An eighth of the machine's memory, from 128MB (PostgreSQL's default) to 1GB.</summary>
    private static string SharedBuffers()
    {
        var megabytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (8L * 1024 * 1024);
        return string.Create(CultureInfo.InvariantCulture, $"{Math.Clamp(megabytes, 128, 1024)}MB");
    }

    private CommandTask<CommandResult> _process;
    private LocalClusterOptions? _options;
    private int _stopped;

    private LocalCluster(string directory, PostgresInstallation installation, CommandTask<CommandResult> process, DatabaseConnection connection)
    {
        Directory = directory;
        Binaries = installation;
        _process = process;
        Connection = connection;
    }

    public string Kind => "local cluster";

    /// <summary>The cluster's folder (data directory in <c>data/</c>, server log in <c>server.log</c>).</summary>
    public string Directory { get; }

    public DatabaseConnection Connection { get; }

    public Version ServerVersion { get; private set; } = new(0, 0);

    public PostgresInstallation Binaries { get; }

    public int Port => Connection.Port;

    /// <summary>The server log, worth reading when something went wrong.</summary>
    public string ServerLogFile => Path.Combine(Directory, "server.log");

    /// <summary>Creates and starts a cluster; on any failure nothing is left behind.</summary>
    public static async Task<LocalCluster> StartAsync(LocalClusterOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        var installation = options.Installation;
        if (!installation.HasServer)
        {
            throw Errors.Errors.BinariesNotFound(installation.BinDirectory, "initdb, pg_ctl and postgres");
        }

        var runAs = Posix.IsRoot ? Superuser : null;
        if (runAs is not null && !await Posix.UserExistsAsync(runAs, cancellationToken).ConfigureAwait(false))
        {
            throw Errors.Errors.NoPostgresUser();
        }

        var root = options.Root ?? LocalClusterOptions.DefaultRoot;
        EnsureRoot(root);
        ClusterJanitor.SweepOrphans(root, log);

        var directory = Path.Combine(root, $"pg-{options.OwnerProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        File.WriteAllText(Path.Combine(directory, ClusterJanitor.OwnerFileName), options.OwnerProcessId.ToString(CultureInfo.InvariantCulture));
        LocalCluster? cluster = null;
        try
        {
            if (runAs is not null)
            {
                await Posix.ChownAsync(directory, runAs, cancellationToken).ConfigureAwait(false);
            }

            if (options.Watchdog)
            {
                await ClusterJanitor.StartWatchdogAsync(options.OwnerProcessId, directory, cancellationToken).ConfigureAwait(false);
            }

            var started = DateTime.UtcNow;
            await InitdbAsync(installation, directory, runAs, password, cancellationToken).ConfigureAwait(false);
            log.Detail($"initdb {installation.Version} in {(DateTime.UtcNow - started).TotalSeconds:0.0} s: {directory}");

            var (port, process) = await StartServerAsync(options, installation, directory, runAs, cancellationToken).ConfigureAwait(false);
            cluster = new LocalCluster(directory, installation, process, DatabaseConnection.Create("127.0.0.1", port, Superuser, password, "postgres")) { _options = options };
            ClusterJanitor.Track(cluster);
            cluster.ServerVersion = await ServerInfo.ReadVersionAsync(cluster.Connection, cancellationToken).ConfigureAwait(false);
            log.Detail($"Ephemeral PostgreSQL {cluster.ServerVersion} listening on 127.0.0.1:{port} ({(DateTime.UtcNow - started).TotalSeconds:0.0} s)");
            return cluster;
        }
        catch
        {
            if (cluster is not null)
            {
                cluster.StopNow();
            }
            else
            {
                ClusterJanitor.StopPostmaster(directory);
                TryDelete(directory);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            // A fast shutdown ends sessions and returns in well under a second.
            await StopProcessAsync(Directory, _process).ConfigureAwait(false);
        }
        finally
        {
            ClusterJanitor.StopPostmaster(Directory);
            TryDelete(Directory);
            ClusterJanitor.Untrack(this);
        }
    }

    /// <summary>
    /// Kills the server as a crash would: SIGKILL to the postmaster and every one of its processes at once, no
    /// shutdown checkpoint. The data directory stays as the crash left it; <see cref="RestartAsync"/> recovers it.
    /// For tests that prove crash safety.
    /// </summary>
    public async Task KillAsync()
    {
        var postmaster = _process.ProcessId;
        var children = ChildProcesses(postmaster);
        Posix.Signal(postmaster, Posix.SigKill);
        foreach (var child in children)
        {
            Posix.Signal(child, Posix.SigKill);
        }

        await Task.WhenAny(_process.Task, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false);
        for (var wait = 0; wait < 200 && children.Any(Posix.IsAlive); wait++)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Starts the server again on the same data directory and port, after <see cref="KillAsync"/> (crash recovery runs first).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        var options = (_options ?? throw new InvalidOperationException("This cluster was not started by StartAsync.")) with { Port = Port };

        // The killed postmaster's lock file still says "ready"; readiness must be read from the new one.
        File.Delete(Path.Combine(Directory, "data", "postmaster.pid"));
        var (_, process) = await StartServerAsync(options, Binaries, Directory, Posix.IsRoot ? Superuser : null, cancellationToken).ConfigureAwait(false);
        _process = process;
    }

    /// <summary>The processes whose parent is <paramref name="parent"/> (from /proc; empty where there is none).</summary>
    private static List<int> ChildProcesses(int parent)
    {
        var children = new List<int>();
        if (!System.IO.Directory.Exists("/proc"))
        {
            return children;
        }

        foreach (var entry in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(entry, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
                {
                    children.Add(pid);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // the process ended while we looked
            }
        }

        return children;
    }

    /// <summary>Synchronous immediate stop, for process exit and failed starts.</summary>
    internal void StopNow()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        Posix.Signal(_process.ProcessId, Posix.SigQuit);
        _process.Task.Wait(TimeSpan.FromSeconds(10));
        ClusterJanitor.StopPostmaster(Directory);
        TryDelete(Directory);
        ClusterJanitor.Untrack(this);
    }

    private static void EnsureRoot(string root)
    {
        if (System.IO.Directory.Exists(root))
        {
            return;
        }

        // Shared by every user of the machine (like /tmp): world-writable with the sticky bit.
        System.IO.Directory.CreateDirectory(root);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("1777", 8));
        }
    }

    private static async Task InitdbAsync(PostgresInstallation installation, string directory, string? runAs, string password, CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(directory, "pwfile");
        File.WriteAllText(passwordFile, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        if (runAs is not null)
        {
            await Posix.ChownAsync(passwordFile, runAs, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            BufferedCommandResult? result = null;
            // C.UTF-8 where the C library has it (Linux); plain C elsewhere.
            foreach (var locale in new[] { "C.UTF-8", "C" })
            {
                TryDelete(Path.Combine(directory, "data"));
                result = await Posix.AsUser(runAs, installation.Tool("initdb"),
                    ["-D", Path.Combine(directory, "data"), "-U", Superuser, "--pwfile", passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256",
                     "-E", "UTF8", "--locale", locale, "--no-sync"])
                    .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
                if (result.ExitCode == 0)
                {
                    return;
                }
            }

            throw Errors.Errors.InitdbFailed(Tail(result!.StandardError + result.StandardOutput, 20));
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>
    /// Runs postgres as a child of this process (not daemonised by pg_ctl), so this process reaps it when it
    /// exits and no zombie is left to init; the log goes to server.log in the cluster folder.
    /// </summary>
    private static async Task<(int Port, CommandTask<CommandResult> Process)> StartServerAsync(LocalClusterOptions options, PostgresInstallation installation, string directory, string? runAs, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string>(ThrowawaySettings);
        foreach (var (name, value) in options.Settings)
        {
            settings[name] = value;
        }

        var logFile = Path.Combine(directory, "server.log");
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : FreePort();
            var arguments = new List<string> { "-c", "exec \"$0\" \"$@\" >>\"$LOG\" 2>&1 </dev/null", installation.Tool("postgres"), "-D", Path.Combine(directory, "data"), "-p", port.ToString(CultureInfo.InvariantCulture) };
            foreach (var (name, value) in settings)
            {
                arguments.AddRange(["-c", $"{name}={(value == "''" ? "" : value)}"]);
            }

            var process = Posix.AsUser(runAs, "sh", arguments)
                .WithEnvironmentVariables(new Dictionary<string, string?> { ["LOG"] = logFile })
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(CancellationToken.None);
            if (await WaitUntilReadyAsync(directory, process, options.StartTimeout, cancellationToken).ConfigureAwait(false))
            {
                return (port, process);
            }

            await StopProcessAsync(directory, process).ConfigureAwait(false);
            var serverLog = File.Exists(logFile) ? File.ReadAllText(logFile) : "";
            if (serverLog.Contains("already in use", StringComparison.Ordinal) || serverLog.Contains("could not create any TCP/IP sockets", StringComparison.Ordinal))
            {
                if (options.Port != 0)
                {
                    throw Errors.Errors.PortInUse(options.Port);
                }

                if (attempt < PortAttempts)
                {
                    File.Delete(logFile);
                    continue; // another process took the port between our check and the bind
                }
            }

            throw Errors.Errors.ServerStartFailed(Tail(serverLog, 20));
        }
    }

    /// <summary>Waits for the postmaster to report "ready" in postmaster.pid, as pg_ctl -w does; false if it exits first.</summary>
    private static async Task<bool> WaitUntilReadyAsync(string directory, CommandTask<CommandResult> process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(directory, "data", "postmaster.pid");
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.Task.IsCompleted)
            {
                return false;
            }

            try
            {
                var lines = File.Exists(pidFile) ? File.ReadAllLines(pidFile) : [];
                if (lines.Length >= 8 && lines[7].Trim() == "ready")
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // being written right now
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL; reaps the process.</summary>
    private static async Task StopProcessAsync(string directory, CommandTask<CommandResult> process)
    {
        foreach (var (signal, wait) in new[] { (Posix.SigInt, 15), (Posix.SigQuit, 10), (Posix.SigKill, 5) })
        {
            if (process.Task.IsCompleted)
            {
                break;
            }

            Posix.Signal(process.ProcessId, signal);
            await Task.WhenAny(process.Task, Task.Delay(TimeSpan.FromSeconds(wait))).ConfigureAwait(false);
        }

        ClusterJanitor.StopPostmaster(directory);
    }

    /// <summary>A port the OS considers free right now (the bind can still race; the caller retries).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Tail(string text, int lines) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(lines));

    private static void TryDelete(string directory)
    {
        for (var attempt = 0; attempt < 5 && System.IO.Directory.Exists(directory); attempt++)
        {
            try
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100); // a backend may still be writing its last file
            }
        }
    }
}
