using CliWrap;
using MigrationTasks.Common;
using MigrationTasks.Servers;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// An ephemeral cluster (ours: initdb, start, connect, stop, delete) against the same done by hand with
/// initdb + pg_ctl start/stop, which is what a script would do.
/// </summary>
public sealed class ServerStartScenario : IBenchmarkScenario
{
    public string Name => "server";

    public string Description => "ephemeral cluster start+stop vs initdb + pg_ctl by hand";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var installation = context.Server.Binaries;
        if (installation is null || !installation.HasServer)
        {
            Console.WriteLine("server | not run (no local PostgreSQL binaries)");
            return;
        }

        var root = Path.Combine(Path.GetTempPath(), "migrationtasks-bench-server");
        var (ours, baseline) = await context.MeasureAsync(
            async () =>
            {
                await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Installation = installation, Root = root }, NullEngineLog.Instance, cancellationToken);
            },
            async () => await ByHandAsync(installation, root, cancellationToken));
        context.Report("server: start + stop a throwaway cluster", ours, "initdb + pg_ctl", baseline);
    }

    private static async Task ByHandAsync(PostgresInstallation installation, string root, CancellationToken cancellationToken)
    {
        // As root the by-hand script must also run as postgres; the benchmark keeps it simple and runs both sides the same way.
        var directory = Path.Combine(root, "byhand-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var asRoot = Environment.IsPrivilegedProcess;
        if (asRoot)
        {
            await Cli.Wrap("chown").WithArguments(["postgres:", directory]).ExecuteAsync(cancellationToken);
        }

        Command As(string tool, params string[] arguments) => asRoot
            ? Cli.Wrap("setpriv").WithArguments(["--reuid", "postgres", "--regid", "postgres", "--init-groups", "--", installation.Tool(tool), .. arguments])
            : Cli.Wrap(installation.Tool(tool)).WithArguments(arguments);

        var data = Path.Combine(directory, "data");
        var port = LocalCluster.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await As("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync").ExecuteAsync(cancellationToken);
        await As("pg_ctl", "start", "-D", data, "-l", Path.Combine(directory, "log"), "-w", "-s", "-o", $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off").ExecuteAsync(cancellationToken);
        await As("pg_ctl", "stop", "-D", data, "-m", "fast", "-w", "-s").ExecuteAsync(cancellationToken);
        Directory.Delete(directory, recursive: true);
    }
}
