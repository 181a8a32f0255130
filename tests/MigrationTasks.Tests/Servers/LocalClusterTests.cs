using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MigrationTasks.Common;
using MigrationTasks.Errors;
using MigrationTasks.Servers;
using MigrationTasks.Tests.Infrastructure;
using Npgsql;

namespace MigrationTasks.Tests.Servers;

[TestClass]
public sealed class LocalClusterTests
{
    public TestContext TestContext { get; set; } = null!;

    private static async Task<PostgresInstallation> InstallationAsync()
    {
        var installations = await PostgresInstallation.DiscoverAsync(PostgresInstallation.DefaultSearchDirectories(), CancellationToken.None);
        return installations.FirstOrDefault(i => i.HasServer)
            ?? throw new AssertFailedException("No PostgreSQL server binaries on this machine; .ci/run installs postgresql-15.");
    }

    [TestMethod]
    public async Task StartsAcceptsConnectionsThenStopsAndDeletesItsFolder()
    {
        var root = TestPaths.NewFolder("cluster");
        var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Installation = await InstallationAsync(), Root = root }, NullEngineLog.Instance, TestContext.CancellationToken);
        var postmaster = ReadPostmasterPid(cluster.Directory);

        await using (var connection = new NpgsqlConnection(cluster.Connection.ConnectionString))
        {
            await connection.OpenAsync(TestContext.CancellationToken);
            await using var command = new NpgsqlCommand("select current_setting('fsync') || ' ' || current_user", connection);
            Assert.AreEqual("off postgres", await command.ExecuteScalarAsync(TestContext.CancellationToken));
        }

        Assert.IsTrue(cluster.ServerVersion.Major >= 13, cluster.ServerVersion.ToString());
        await cluster.DisposeAsync();

        Assert.IsFalse(Directory.Exists(cluster.Directory), "the cluster folder is deleted");
        Assert.IsFalse(IsAlive(postmaster), "the postmaster is stopped");
    }

    [TestMethod]
    public async Task BulkWorkGetsMemoryAndDynamicSharedMemoryStaysOutOfDevShm()
    {
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Installation = await InstallationAsync(), Root = TestPaths.NewFolder("memory") }, NullEngineLog.Instance, TestContext.CancellationToken);
        await using var connection = new NpgsqlConnection(cluster.Connection.ConnectionString);
        await connection.OpenAsync(TestContext.CancellationToken);
        await using var command = new NpgsqlCommand(
            "select current_setting('work_mem') || ' ' || current_setting('maintenance_work_mem') || ' ' || current_setting('dynamic_shared_memory_type'), " +
            "pg_size_bytes(current_setting('shared_buffers'))", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.CancellationToken);
        Assert.IsTrue(await reader.ReadAsync(TestContext.CancellationToken));
        Assert.AreEqual("64MB 512MB mmap", reader.GetString(0));
        Assert.IsTrue(reader.GetInt64(1) is >= 128L << 20 and <= 1L << 30, $"shared_buffers {reader.GetInt64(1)} bytes");
    }

    [TestMethod]
    public async Task ServerProcessNeverRunsAsRoot()
    {
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Installation = await InstallationAsync(), Root = TestPaths.NewFolder("uid") }, NullEngineLog.Instance, TestContext.CancellationToken);
        var status = await File.ReadAllLinesAsync($"/proc/{ReadPostmasterPid(cluster.Directory)}/status", TestContext.CancellationToken);
        var uid = status.Single(line => line.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.AreNotEqual("0", uid, "PostgreSQL refuses root; the cluster must run as 'postgres' when the tests run as root");
    }

    [TestMethod]
    public async Task TwoClustersAtOnceListenOnDifferentPorts()
    {
        var installation = await InstallationAsync();
        var root = TestPaths.NewFolder("two");
        var starts = Enumerable.Range(0, 2).Select(_ => LocalCluster.StartAsync(new LocalClusterOptions { Installation = installation, Root = root }, NullEngineLog.Instance, TestContext.CancellationToken));
        var clusters = await Task.WhenAll(starts);
        try
        {
            Assert.AreNotEqual(clusters[0].Port, clusters[1].Port);
        }
        finally
        {
            foreach (var cluster in clusters)
            {
                await cluster.DisposeAsync();
            }
        }

        Assert.IsEmpty(Directory.GetDirectories(root));
    }

    [TestMethod]
    public async Task AnExplicitPortInUseIsACodedErrorAndLeavesNothingBehind()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var root = TestPaths.NewFolder("clash");

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            LocalCluster.StartAsync(new LocalClusterOptions { Installation = InstallationAsync().Result, Root = root, Port = port }, NullEngineLog.Instance, TestContext.CancellationToken));

        Assert.AreEqual("MT0105", error.Code, error.ToString());
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.IsEmpty(Directory.GetDirectories(root), "a failed start removes its folder");
    }

    [TestMethod]
    public async Task TheWatchdogStopsTheServerWhenItsOwnerDies()
    {
        using var owner = Process.Start("sleep", "600");
        var root = TestPaths.NewFolder("watchdog");
        var cluster = await LocalCluster.StartAsync(
            new LocalClusterOptions { Installation = await InstallationAsync(), Root = root, OwnerProcessId = owner.Id },
            NullEngineLog.Instance, TestContext.CancellationToken);
        var postmaster = ReadPostmasterPid(cluster.Directory);

        owner.Kill(); // as a crash or kill -9 of the build would
        await owner.WaitForExitAsync(TestContext.CancellationToken);

        Assert.IsTrue(await EventuallyAsync(() => !IsAlive(postmaster) && !Directory.Exists(cluster.Directory)),
            "the watchdog stops the postmaster and deletes the cluster within seconds of the owner's death");
        ClusterJanitorForget(cluster);
    }

    [TestMethod]
    public async Task TheNextStartSweepsAwayAnOrphanEvenWithoutItsWatchdog()
    {
        using var owner = Process.Start("sleep", "600");
        var root = TestPaths.NewFolder("sweep");
        var installation = await InstallationAsync();
        var orphan = await LocalCluster.StartAsync(
            new LocalClusterOptions { Installation = installation, Root = root, OwnerProcessId = owner.Id, Watchdog = false },
            NullEngineLog.Instance, TestContext.CancellationToken);
        var postmaster = ReadPostmasterPid(orphan.Directory);
        owner.Kill();
        await owner.WaitForExitAsync(TestContext.CancellationToken);
        Assert.IsTrue(IsAlive(postmaster), "without a watchdog the orphan keeps running until someone sweeps");

        await using (await LocalCluster.StartAsync(new LocalClusterOptions { Installation = installation, Root = root }, NullEngineLog.Instance, TestContext.CancellationToken))
        {
            Assert.IsFalse(IsAlive(postmaster), "the sweep stopped the orphan's postmaster");
            Assert.IsFalse(Directory.Exists(orphan.Directory), "the sweep deleted the orphan's folder");
        }

        ClusterJanitorForget(orphan);
    }

    internal static int ReadPostmasterPid(string clusterDirectory) =>
        int.Parse(File.ReadLines(Path.Combine(clusterDirectory, "data", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    internal static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    internal static async Task<bool> EventuallyAsync(Func<bool> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return condition();
    }

    // The cluster object is still tracked for process exit; disposing it now is a harmless no-op on a gone folder.
    private static void ClusterJanitorForget(LocalCluster cluster) => cluster.DisposeAsync().AsTask().Wait();
}
