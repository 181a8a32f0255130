using System.IO.Compression;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Rehearsal;

namespace MigrationTasks.Tests.EndToEnd;

/// <summary>A secret given through the connection variable appears nowhere: not at diag verbosity, not in a binary log.</summary>
[TestClass]
[DoNotParallelize]
public sealed class SecretTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ThePasswordIsInNoLogLineAtDiagnosticVerbosityAndNotInTheBinaryLog()
    {
        await using var database = await RehearsalHarness.V3ProductionAsync(withUsers: true);
        var password = database.Connection.Password!;
        var folder = TestPaths.NewFolder("secrets");
        var binlog = Path.Combine(folder, "build.binlog");
        var connection = database.Connection;

        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Rehearse",
            environment: new Dictionary<string, string?>
            {
                ["PRODUCTION_DATABASE_URL"] = $"postgres://{connection.Username}:{Uri.EscapeDataString(password)}@{connection.Host}:{connection.Port}/{connection.Database}",
                ["STAGING_DATABASE_URL"] = TestServer.Server.Connection.ConnectionString,
                ["MSBUILDLOGALLENVIRONMENTVARIABLES"] = null,
            },
            extraArguments: ["-v:diag", $"-bl:{binlog}", $"-p:MigrationTasksArtifactsDirectory={folder}/artifacts/"],
            cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(result.Succeeded, result.Log);
        Assert.Contains("Production: ", result.Log, "the task really used the secret-bearing connection");
        Assert.Contains("Staging: existing server", result.Log);
        Assert.Contains("warning MT0818", result.Log, "staging on production's server is worth a warning");
        Assert.AreEqual(0, result.Count(password), "console log at -v:diag");
        var rehearsal = Directory.GetDirectories(Path.Combine(folder, "artifacts", "rehearsal")).Single();
        foreach (var file in Directory.EnumerateFiles(rehearsal, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(password, await File.ReadAllTextAsync(file, TestContext.CancellationToken), $"{file} holds no password");
        }

        var raw = await DecompressAsync(binlog);
        Assert.AreEqual(-1, raw.IndexOf(password, StringComparison.Ordinal), "raw binary log (UTF-8)");
        Assert.AreEqual(-1, Encoding.UTF8.GetString(Encoding.Convert(Encoding.Unicode, Encoding.UTF8, Encoding.Unicode.GetBytes(raw))).IndexOf(password, StringComparison.Ordinal));

        var replay = Path.Combine(folder, "replay.log");
        await Cli.Wrap("dotnet").WithArguments(["msbuild", binlog, "-noconlog", $"-flp:logfile={replay};verbosity=diagnostic"])
            .ExecuteBufferedAsync(TestContext.CancellationToken);
        var replayed = await File.ReadAllTextAsync(replay, TestContext.CancellationToken);
        Assert.Contains("Staging: existing server", replayed, "the replay holds the task's messages");
        Assert.DoesNotContain(password, replayed, "binary log replayed at diagnostic verbosity");
    }

    private static async Task<string> DecompressAsync(string binlog)
    {
        await using var file = File.OpenRead(binlog);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        await gzip.CopyToAsync(memory);
        // Latin-1 keeps every byte, so a UTF-8 secret (hex here) is found wherever its bytes occur.
        return Encoding.Latin1.GetString(memory.ToArray());
    }
}
