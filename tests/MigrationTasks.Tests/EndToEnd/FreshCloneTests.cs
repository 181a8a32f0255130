using CliWrap;
using CliWrap.Buffered;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.EndToEnd;

/// <summary>
/// A fresh clone builds its task assembly before first use, and after a code change the new assembly is used even
/// though MSBuild kept its worker node alive (node reuse, as on developers' machines).
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class FreshCloneTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task AFreshCloneBuildsItsTasksAndAReusedNodeRunsTheChangedCode()
    {
        var clone = await CloneAsync();
        var marker = Guid.NewGuid().ToString("N");
        var environment = new Dictionary<string, string?>
        {
            ["MSBUILDNOINPROCNODE"] = "1", // build in worker nodes, which node reuse keeps alive
            ["MIGRATIONTASKS_TEST_NODE"] = marker, // so this test stops its own nodes and nobody else's
        };
        try
        {
            var first = await MSBuildRunner.RunAsync(clone, "Rehearse", environment: environment, useTestTaskAssembly: false, nodeReuse: true, cancellationToken: TestContext.CancellationToken);
            // The sample's rehearsal fails its schema check until its align/data/cleanup migrations are committed; what
            // matters here is that the freshly built task ran (its report is written either way).
            Assert.IsTrue(first.Succeeded || first.Count("error MT0801") == 1, first.Log);
            Assert.IsTrue(File.Exists(Path.Combine(clone, "src/MigrationTasks/bin/Debug/net10.0/MigrationTasks.dll")), "the task assembly was built on first use");
            Assert.AreEqual(1, first.Count("Staging: local cluster"), first.Log);
            Assert.IsNotEmpty(ReusableNodes(marker), "a worker node stayed alive for reuse");

            var source = Path.Combine(clone, "src/MigrationTasks/RehearseMigration.cs");
            var code = await File.ReadAllTextAsync(source, TestContext.CancellationToken);
            await File.WriteAllTextAsync(source, code.Replace("$\"Staging: {", "$\"Staging (changed code): {", StringComparison.Ordinal), TestContext.CancellationToken);

            var second = await MSBuildRunner.RunAsync(clone, "Rehearse", environment: environment, useTestTaskAssembly: false, nodeReuse: true, cancellationToken: TestContext.CancellationToken);
            Assert.IsTrue(second.Succeeded || second.Count("error MT0801") == 1, second.Log);
            Assert.AreEqual(1, second.Count("Staging (changed code): local cluster"), second.Log);
        }
        finally
        {
            foreach (var node in ReusableNodes(marker))
            {
                try
                {
                    System.Diagnostics.Process.GetProcessById(node).Kill();
                }
                catch (ArgumentException)
                {
                    // already gone
                }
            }
        }
    }

    /// <summary>MSBuild worker nodes kept for reuse that were started by this test's builds.</summary>
    private static IReadOnlyList<int> ReusableNodes(string marker) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .Where(pid =>
            {
                try
                {
                    var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
                    return cmdline.Contains("/nodemode:1", StringComparison.Ordinal) && cmdline.Contains("/nodeReuse:true", StringComparison.Ordinal)
                        && File.ReadAllText($"/proc/{pid}/environ").Contains($"MIGRATIONTASKS_TEST_NODE={marker}", StringComparison.Ordinal);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    return false;
                }
            })];

    /// <summary>The repository's files as a clone would have them: no bin, obj or artifacts.</summary>
    private async Task<string> CloneAsync()
    {
        var clone = TestPaths.NewFolder("clone");
        var files = await Cli.Wrap("git").WithArguments(["ls-files", "--cached", "--others", "--exclude-standard", "-z"])
            .WithWorkingDirectory(TestPaths.RepositoryRoot).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(TestContext.CancellationToken);
        IEnumerable<string> paths = files.ExitCode == 0
            ? files.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            : Directory.EnumerateFiles(TestPaths.RepositoryRoot, "*", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(TestPaths.RepositoryRoot, p))
                .Where(p => !p.Split('/').Any(part => part is "bin" or "obj" or "artifacts" or ".git" or "TestResults"));
        foreach (var relative in paths.Where(p => File.Exists(Path.Combine(TestPaths.RepositoryRoot, p))))
        {
            var target = Path.Combine(clone, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(TestPaths.RepositoryRoot, relative), target);
        }

        return clone;
    }
}
