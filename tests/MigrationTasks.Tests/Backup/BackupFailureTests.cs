using System.Diagnostics;
using MigrationTasks.Backup;
using MigrationTasks.Errors;
using MigrationTasks.Servers;
using MigrationTasks.Tasks;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Tasks;

namespace MigrationTasks.Tests.Backup;

/// <summary>What goes wrong before a backup exists: missing or old client programs, a wrong password, a host that is not there.</summary>
[TestClass]
public sealed class BackupFailureTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task NoPgDumpInTheBinFolderIsMT0401NamingThePackage()
    {
        await using var source = await TestServer.CreateDatabaseAsync();
        var root = TestPaths.NewFolder("backups");
        var empty = TestPaths.NewFolder("empty-bin");

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            DatabaseBackup.CreateAsync(source.Connection, BackupFixtures.Options(root) with { BinDirectory = empty }, new RecordingLog(), TestContext.CancellationToken));

        var major = TestServer.Server.ServerVersion.Major;
        Assert.AreEqual("MT0401", error.Code);
        Assert.Contains("none was found", error.Message);
        Assert.Contains($"apt-get install postgresql-client-{major}", error.Hint);
        Assert.IsFalse(Directory.Exists(Path.Combine(root, "production")), "nothing was written");
    }

    [TestMethod]
    public async Task ATooOldPgDumpIsMT0401ThroughTheTaskProperty()
    {
        await using var source = await TestServer.CreateDatabaseAsync();
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Not run: the fake pg_dump is a shell script.");
        }

        var fake = TestPaths.NewFolder("old-bin");
        foreach (var tool in new[] { "pg_dump", "pg_dumpall", "pg_restore", "psql" })
        {
            var path = Path.Combine(fake, tool);
            await File.WriteAllTextAsync(path, $"#!/bin/sh\necho '{tool} (PostgreSQL) 9.6.24'\n", TestContext.CancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        using var production = TemporaryVariable.Set(source.Connection.ConnectionString);
        var engine = new FakeBuildEngine();
        var root = TestPaths.NewFolder("backups");
        var task = new BackupDatabase { BuildEngine = engine, ProductionUrlVariable = production.Name, PostgresBinDirectory = fake, BackupDirectory = root };

        Assert.IsFalse(task.Execute());
        var error = engine.Errors.Single();
        Assert.AreEqual("MT0401", error.Code, engine.AllText);
        Assert.Contains($"only older ones were found: 9.6 in {fake}", error.Message!);
        Assert.Contains($"postgresql-client-{TestServer.Server.ServerVersion.Major}", error.Message!);
        Assert.IsFalse(Directory.Exists(Path.Combine(root, "production")));
    }

    [TestMethod]
    public async Task AWrongPasswordIsMT0012InSecondsWithNoFolderAndNoPassword()
    {
        await using var source = await TestServer.CreateDatabaseAsync();
        const string wrong = "Wrong-Backup-Pw-8812";
        var root = TestPaths.NewFolder("backups");
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => DatabaseBackup.CreateAsync(
            source.Connection.With(b => b.Password = wrong), BackupFixtures.Options(root), new RecordingLog(), TestContext.CancellationToken));

        Assert.AreEqual("MT0012", error.Code);
        Assert.Contains("password", error.Message);
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.IsLessThan(15.0, watch.Elapsed.TotalSeconds, "fails fast, does not wait on a dump");
        Assert.IsFalse(Directory.Exists(Path.Combine(root, "production")), "no folder at all, so none can be taken for a backup");
    }

    [TestMethod]
    [DataRow("127.0.0.1", true)]
    [DataRow("no-such-host.invalid", false)]
    public async Task AnUnreachableHostIsMT0012InSecondsWithNoFolder(string host, bool closedPort)
    {
        var root = TestPaths.NewFolder("backups");
        var nowhere = TestServer.Server.Connection.With(b =>
        {
            b.Host = host;
            b.Port = closedPort ? LocalCluster.FreePort() : 5432;
            b.Timeout = 5;
        });
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            DatabaseBackup.CreateAsync(nowhere, BackupFixtures.Options(root), new RecordingLog(), TestContext.CancellationToken));

        Assert.AreEqual("MT0012", error.Code, error.ToString());
        Assert.IsLessThan(15.0, watch.Elapsed.TotalSeconds);
        Assert.IsFalse(Directory.Exists(Path.Combine(root, "production")));
    }

    [TestMethod]
    public void BadPropertyValuesAreMT0013()
    {
        using var production = TemporaryVariable.Set(TestServer.Server.Connection.ConnectionString);
        foreach (var (configure, property) in new (Action<BackupDatabase>, string)[]
                 {
                     (t => t.BackupFormat = "tar", "BackupFormat"),
                     (t => t.BackupJobs = "0", "BackupJobs"),
                     (t => t.SupabaseSchemas = "some", "SupabaseSchemas"),
                     (t => t.Database = "prod", "Database"),
                     (t => t.ChecksumTables = "-1", "ChecksumTables"),
                 })
        {
            var engine = new FakeBuildEngine();
            var task = new BackupDatabase { BuildEngine = engine, ProductionUrlVariable = production.Name, BackupDirectory = TestPaths.NewFolder("backups") };
            configure(task);
            Assert.IsFalse(task.Execute());
            Assert.AreEqual("MT0013", engine.Errors.Single().Code, engine.AllText);
            Assert.Contains(property, engine.Errors.Single().Message!);
        }
    }
}
