using System.IO.Compression;
using System.Text;
using MigrationTasks.Backup;
using MigrationTasks.Tests.Backup;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.EndToEnd;

/// <summary>
/// -t:Backup, -t:Restore and -t:Clone as a user runs them, from the repository root, with password-bearing connections
/// at diagnostic verbosity and with binary logs: the targets work, and the password is in no output and no file.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class BackupTargetsTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task BackupRestoreAndCloneWorkAndThePasswordIsInNoOutputOrFile()
    {
        await using var production = await BackupFixtures.CreateRichDatabaseAsync();
        await using var staging = await TestServer.CreateDatabaseAsync();
        var password = production.Connection.Password!;
        var c = production.Connection;
        var artifacts = TestPaths.NewFolder("artifacts") + "/";
        var logs = TestPaths.NewFolder("logs");
        var environment = new Dictionary<string, string?>
        {
            ["PRODUCTION_DATABASE_URL"] = $"postgres://{c.Username}:{Uri.EscapeDataString(password)}@{c.Host}:{c.Port}/{c.Database}",
            ["STAGING_DATABASE_URL"] = staging.Connection.ConnectionString,
            ["MSBUILDLOGALLENVIRONMENTVARIABLES"] = null,
        };
        var outputs = new List<string>();

        async Task<MSBuildResult> RunAsync(string target, Dictionary<string, string> properties, IReadOnlyDictionary<string, string?>? env = null)
        {
            properties["MigrationTasksArtifactsDirectory"] = artifacts;
            var binlog = Path.Combine(logs, $"{target}-{outputs.Count}.binlog");
            var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, target, properties, env ?? environment, ["-v:diag", $"-bl:{binlog}"],
                cancellationToken: TestContext.CancellationToken);
            outputs.Add(result.Log);
            outputs.Add(await DecompressAsync(binlog));
            return result;
        }

        var backup = await RunAsync("Backup", []);
        Assert.IsTrue(backup.Succeeded, backup.Log);
        var folder = Directory.GetDirectories(Path.Combine(artifacts, "backups", "production")).Single();
        Assert.IsTrue(BackupManifest.Read(folder).Passed);
        Assert.AreEqual(1, backup.Count("Backup verified ("), backup.Log);

        var restore = await RunAsync("Restore", new() { ["BackupPath"] = folder });
        Assert.IsTrue(restore.Succeeded, restore.Log);
        Assert.AreEqual(1, restore.Count("passed row-counts: equal"), restore.Log);
        Assert.AreEqual(400L, await staging.ScalarAsync<long>("select count(*) from app.users"));

        var again = await RunAsync("Restore", new() { ["BackupPath"] = folder });
        Assert.IsFalse(again.Succeeded);
        Assert.Contains("error MT0406", again.Log, "staging is not empty now");

        var overwrite = await RunAsync("Restore", new() { ["BackupPath"] = Path.Combine(artifacts, "backups", "production"), ["Overwrite"] = "true" });
        Assert.IsTrue(overwrite.Succeeded, overwrite.Log);

        var unconfirmed = await RunAsync("Restore", new() { ["BackupPath"] = folder, ["Database"] = "production" });
        Assert.IsFalse(unconfirmed.Succeeded);
        Assert.Contains("error MT0407", unconfirmed.Log);
        Assert.Contains($"-p:ConfirmProduction={production.Name}", unconfirmed.Log);

        var clone = await RunAsync("Clone", [], new Dictionary<string, string?>(environment) { ["STAGING_DATABASE_URL"] = null });
        Assert.IsTrue(clone.Succeeded, clone.Log);
        Assert.AreEqual(1, clone.Count("is faithful (3 checks passed)"), clone.Log);
        Assert.Contains("ephemeral server and is gone", clone.Log);
        Assert.IsTrue(Directory.GetFiles(Path.Combine(artifacts, "clones"), "clone.json", SearchOption.AllDirectories).Length == 1);

        // The password: not in any console log or binary log, not in any file the targets wrote.
        for (var i = 0; i < outputs.Count; i++)
        {
            Assert.AreEqual(-1, outputs[i].IndexOf(password, StringComparison.Ordinal), $"output {i} holds the password");
        }

        var written = Directory.GetFiles(artifacts, "*", SearchOption.AllDirectories);
        Assert.IsGreaterThan(10, written.Length);
        foreach (var file in written)
        {
            var text = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file, TestContext.CancellationToken));
            Assert.AreEqual(-1, text.IndexOf(password, StringComparison.Ordinal), $"{file} holds the password");
        }
    }

    private static async Task<string> DecompressAsync(string binlog)
    {
        await using var file = File.OpenRead(binlog);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        await gzip.CopyToAsync(memory);
        var bytes = memory.ToArray();
        // Latin-1 keeps every byte (a UTF-8 secret is found wherever its bytes are); UTF-16 catches strings stored wide.
        return Encoding.Latin1.GetString(bytes) + Encoding.Unicode.GetString(bytes);
    }
}
