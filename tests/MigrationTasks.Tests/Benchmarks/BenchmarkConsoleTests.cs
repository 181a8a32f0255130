using System.Text;
using System.Text.RegularExpressions;
using CliWrap;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Benchmarks;

/// <summary>
/// The benchmark console (tests/MigrationTasks.Benchmarks) as a user runs it, at a tiny scale: every figure is one
/// line (what | ours | baseline | ratio | cores), and peers that cannot be installed print "not run" with the reason
/// instead of failing the run. Real measurements belong to the console, not to the test suite.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed partial class BenchmarkConsoleTests
{
    public TestContext TestContext { get; set; } = null!;

    [GeneratedRegex(@"^[^|]+ \| ours (\d+(\.\d+)? \S+|not run) \| .+ \| ratio (\d+\.\d\d|n/a) \| \d+ cores$")]
    private static partial Regex FigureLine();

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task CompareAtATinyScalePrintsOneLinePerFigureAndThePeersAsNotRunWithoutNpm()
    {
        var missingNpm = Path.Combine(TestPaths.NewFolder("no-npm"), "npm");
        var output = new StringBuilder();
        var result = await Cli.Wrap("dotnet")
            .WithArguments([Path.Combine(AppContext.BaseDirectory, "MigrationTasks.Benchmarks.dll"), "compare", "peers", "--scales", "1", "--runs", "1", "--npm", missingNpm])
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = null, ["STAGING_DATABASE_URL"] = null })
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(output))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(TestContext.CancellationToken);
        var log = output.ToString();
        TestContext.WriteLine(log);

        Assert.AreEqual(0, result.ExitCode, log);
        var figures = log.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith("peers: ", StringComparison.Ordinal)).ToList();
        var cores = $"| {Environment.ProcessorCount} cores";
        foreach (var figure in figures.Where(f => f.Contains(" | ", StringComparison.Ordinal)))
        {
            Assert.MatchesRegex(FigureLine(), figure, $"Not a figure line: {figure}");
            Assert.EndsWith(cores, figure);
        }

        var expectedReason = $"not run (npm ({missingNpm}) is not installed)";
        Assert.IsTrue(figures.Any(f => f.Contains("| pg-delta " + expectedReason, StringComparison.Ordinal)), log);
        Assert.IsTrue(figures.Any(f => f.Contains("| migra " + expectedReason, StringComparison.Ordinal)), log);
        Assert.IsTrue(figures.Any(f => Regex.IsMatch(f, @"^peers: read \+ diff 100 tables \([\d,]+ objects, 5 drifted tables\) \| ours \d+\.\d+ s \|")), $"Our own figure is measured without the peers:\n{log}");
    }

    [TestMethod]
    public void NpmPackagesAreNeverDependenciesOfTheProduct()
    {
        // The peers are installed at run time into a temporary folder; nothing of npm may enter the product or the repository's build.
        var root = TestPaths.RepositoryRoot;
        string[] productFolders = ["src", "build", "supabase"];
        foreach (var folder in productFolders.Select(f => Path.Combine(root, f)))
        {
            var npmFiles = Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
                .Where(p => Path.GetFileName(p) is "package.json" or "package-lock.json" or "node_modules" or "npm-shrinkwrap.json")
                .ToList();
            Assert.IsEmpty(npmFiles, $"npm files in the product: {string.Join(", ", npmFiles)}");
        }

        var productFiles = productFolders.Select(f => Path.Combine(root, f))
            .SelectMany(f => Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories))
            .Where(p => Path.GetExtension(p) is ".csproj" or ".props" or ".targets" or ".proj" && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(Path.Combine(root, "Directory.Packages.props"))
            .Append(Path.Combine(root, "Directory.Build.props"))
            .ToList();
        foreach (var file in productFiles)
        {
            var text = File.ReadAllText(file);
            foreach (var peer in new[] { "pg-delta", "@pgkit", "npm install" })
            {
                Assert.DoesNotContain(peer, text, $"{file} mentions {peer}: the peers are benchmark-only and installed at run time.");
            }
        }

        // The benchmark installs with --prefix into the temporary folder, never into the repository.
        var install = File.ReadAllText(Path.Combine(root, "tests", "MigrationTasks.Benchmarks", "Peers", "PeerInstall.cs"));
        StringAssert.Contains(install, "\"install\", \"--prefix\", folder");
        StringAssert.Contains(install, "Path.Combine(Path.GetTempPath(), $\"migrationtasks-bench-peers-");
    }
}
