using MigrationTasks.Common;
using MigrationTasks.Errors;
using MigrationTasks.Servers;
using MigrationTasks.Tests.Infrastructure;
using Npgsql;

namespace MigrationTasks.Tests.Servers;

[TestClass]
public sealed class EphemeralServersTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task WithNoBinariesAndNoDockerTheErrorSaysWhatToInstall()
    {
        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => EphemeralServers.AcquireAsync(
            new ServerRequest { SearchDirectories = [TestPaths.NewFolder("empty")], AllowDocker = false },
            NullEngineLog.Instance, TestContext.CancellationToken));

        Assert.AreEqual("MT0101", error.Code);
        Assert.Contains("apt-get install postgresql-15", error.FullMessage);
        Assert.Contains("no PostgreSQL server binaries were found", error.Message);
    }

    [TestMethod]
    public async Task AConfiguredBinFolderWithoutTheServerIsACodedError()
    {
        var folder = TestPaths.NewFolder("nobin");
        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => EphemeralServers.AcquireAsync(
            new ServerRequest { BinDirectory = folder }, NullEngineLog.Instance, TestContext.CancellationToken));

        Assert.AreEqual("MT0102", error.Code);
        Assert.Contains(folder, error.Message);
    }

    [TestMethod]
    public async Task TooOldBinariesAreNotUsed()
    {
        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => EphemeralServers.AcquireAsync(
            new ServerRequest { MinimumMajorVersion = 99, AllowDocker = false }, NullEngineLog.Instance, TestContext.CancellationToken));

        Assert.AreEqual("MT0101", error.Code);
        Assert.Contains("older than 99", error.Message);
    }

    [TestMethod]
    public async Task AnExplicitUrlWinsAndIsNeverStopped()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var server = await EphemeralServers.AcquireAsync(new ServerRequest { Existing = database.Connection }, NullEngineLog.Instance, TestContext.CancellationToken);
        Assert.AreEqual("existing server", server.Kind);
        await server.DisposeAsync();

        Assert.AreEqual(1, await database.ScalarAsync<int>("select 1"), "the existing server still answers after dispose");
    }

    [TestMethod]
    public async Task LocalBinariesComeBeforeDocker()
    {
        await using var server = await EphemeralServers.AcquireAsync(new ServerRequest { ClusterRoot = TestPaths.NewFolder("order") }, NullEngineLog.Instance, TestContext.CancellationToken);
        Assert.AreEqual("local cluster", server.Kind);
        Assert.IsNotNull(server.Binaries);
        Assert.IsTrue(server.Binaries.HasClient, "the local cluster's bin folder also has pg_dump, pg_restore and psql");
    }

    [TestMethod]
    public async Task DiscoveryFindsTheMachinesInstallationWithItsVersion()
    {
        var installations = await PostgresInstallation.DiscoverAsync(PostgresInstallation.DefaultSearchDirectories(), TestContext.CancellationToken);
        var server = installations.First(i => i.HasServer);
        Assert.IsTrue(server.Major >= 13, server.ToString());
        Assert.IsTrue(File.Exists(server.Tool("pg_dump")));
    }

    [TestMethod]
    public async Task WrongPasswordIsACodedErrorWithoutTheSecret()
    {
        var wrong = TestServer.Server.Connection.With(b => b.Password = "not-the-password-4711");
        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => ServerInfo.ReadVersionAsync(wrong, TestContext.CancellationToken));
        Assert.AreEqual("MT0012", error.Code);
        Assert.Contains("password or user name was rejected", error.Message);
        Assert.DoesNotContain("not-the-password-4711", error.ToString());
    }

    [TestMethod]
    public async Task UnreachableHostIsACodedErrorWithinSeconds()
    {
        var closedPort = LocalCluster.FreePort();
        var nowhere = TestServer.Server.Connection.With(b => { b.Port = closedPort; b.Timeout = 5; });
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => ServerInfo.ReadVersionAsync(nowhere, TestContext.CancellationToken));
        Assert.AreEqual("MT0012", error.Code);
        Assert.IsLessThan(30, (DateTime.UtcNow - started).TotalSeconds);
    }
}
