using System.Globalization;
using System.Net.Sockets;
using CliWrap;
using MigrationTasks.Connections;
using MigrationTasks.Servers;

namespace MigrationTasks.Tests.Infrastructure;

/// <summary>
/// A real PgBouncer (Debian's <c>pgbouncer</c>) on a free 127.0.0.1 port in front of a PostgreSQL server, for one test:
/// run as <c>postgres</c> when the tests run as root (PgBouncer refuses root, as PostgreSQL does), its password file
/// mode 600 in a folder of its own, stopped on dispose, and watched by a detached watchdog that kills it as soon as the
/// test process is gone, so it never outlives the test.
/// </summary>
public sealed class PgBouncer : IAsyncDisposable
{
    // Detached (own session); polls the owner once a second; exits when the folder is removed by a normal stop.
    private const string WatchdogScript = """
        exec </dev/null >/dev/null 2>&1
        owner=$1; pid=$2; dir=$3
        while [ -d "$dir" ] && kill -0 "$owner" 2>/dev/null; do sleep 1; done
        [ -d "$dir" ] || exit 0
        # Only a process that really is this PgBouncer (pids are reused).
        if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF "$dir"; then kill -KILL "$pid"; fi
        rm -rf "$dir"
        """;

    private readonly CommandTask<CommandResult> _process;
    private readonly DatabaseConnection _server;

    private PgBouncer(string directory, int port, DatabaseConnection server, CommandTask<CommandResult> process)
    {
        Directory = directory;
        Port = port;
        _server = server;
        _process = process;
    }

    public string Directory { get; }

    public int Port { get; }

    public string LogFile => Path.Combine(Directory, "pgbouncer.log");

    /// <summary>The server's connection with host and port replaced by PgBouncer's: same user, password, database.</summary>
    public DatabaseConnection Connection => _server.With(b =>
    {
        b.Host = "127.0.0.1";
        b.Port = Port;
    });

    /// <summary>The PgBouncer binary, or null when it is not installed.</summary>
    public static string? Executable =>
        new[] { "/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer" }.FirstOrDefault(File.Exists)
        ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "pgbouncer")).FirstOrDefault(File.Exists);

    /// <summary>Starts PgBouncer in <paramref name="poolMode"/> with <paramref name="poolSize"/> server connections per user and database.</summary>
    public static async Task<PgBouncer> StartAsync(DatabaseConnection server, string poolMode, int poolSize, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new AssertInconclusiveException("Not run: the PgBouncer tests run on Linux and macOS.");
        }

        var executable = Executable ?? throw new AssertInconclusiveException("Not run: PgBouncer is not installed (apt-get install pgbouncer; .ci/run installs it).");
        var runAs = Posix.IsRoot ? "postgres" : null;
        var directory = TestPaths.NewFolder("pgbouncer");
        var port = LocalCluster.FreePort();

        var users = Path.Combine(directory, "userlist.txt");
        await File.WriteAllTextAsync(users, $"{Quote(server.Username)} {Quote(server.Password ?? "")}\n", cancellationToken);
        File.SetUnixFileMode(users, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var ini = Path.Combine(directory, "pgbouncer.ini");
        await File.WriteAllTextAsync(ini, string.Create(CultureInfo.InvariantCulture, $"""
            [databases]
            * = host={server.Host} port={server.Port}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = scram-sha-256
            auth_file = {users}
            admin_users = {server.Username}
            pool_mode = {poolMode}
            default_pool_size = {poolSize}
            min_pool_size = 0
            reserve_pool_size = 0
            max_db_connections = {poolSize}
            max_client_conn = 200
            query_wait_timeout = 60
            ignore_startup_parameters = extra_float_digits
            logfile = {Path.Combine(directory, "pgbouncer.log")}
            pidfile = {Path.Combine(directory, "pgbouncer.pid")}
            """), cancellationToken);
        if (runAs is not null)
        {
            await Posix.ChownAsync(directory, runAs, cancellationToken);
        }

        var process = Posix.AsUser(runAs, executable, [ini])
            .WithStandardOutputPipe(PipeTarget.Null)
            .WithStandardErrorPipe(PipeTarget.Null)
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(CancellationToken.None);
        var bouncer = new PgBouncer(directory, port, server, process);
        await Cli.Wrap("setsid").WithArguments(["-f", "sh", "-c", WatchdogScript, "watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), process.ProcessId.ToString(CultureInfo.InvariantCulture), directory])
            .ExecuteAsync(cancellationToken);
        try
        {
            await bouncer.WaitUntilListeningAsync(cancellationToken);
            return bouncer;
        }
        catch
        {
            await bouncer.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM is PgBouncer's immediate shutdown (SIGINT would wait for clients); SIGKILL if even that hangs.
        Posix.Signal(_process.ProcessId, Posix.SigTerm);
        if (await Task.WhenAny(_process.Task, Task.Delay(TimeSpan.FromSeconds(5))) != _process.Task)
        {
            Posix.Signal(_process.ProcessId, Posix.SigKill);
        }

        await _process;
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // the watchdog removes it
        }
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.Task.IsCompleted)
            {
                throw new InvalidOperationException("PgBouncer exited at start: " + (File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile, cancellationToken) : "no log"));
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new TimeoutException("PgBouncer did not listen within 15 s: " + (File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile, cancellationToken) : "no log"));
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
