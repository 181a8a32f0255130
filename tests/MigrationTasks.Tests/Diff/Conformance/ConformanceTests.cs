using System.Diagnostics;
using MigrationTasks.Conformance;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Diff.Conformance;

/// <summary>
/// The pg-delta corpus in both directions against a real server: every case in scope must converge (empty
/// re-diff) and match the target in <c>pg_dump --schema-only</c>. Cases for newer servers, cases that need a
/// cluster of their own and object kinds left out on purpose are reported as skipped, never as passed.
/// </summary>
[TestClass]
public sealed class ConformanceTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(1_200_000, CooperativeCancellation = true)]
    public async Task EveryCaseInScopeConvergesInBothDirections()
    {
        var corpus = CorpusCase.Locate(TestPaths.RepositoryRoot);
        if (corpus is null)
        {
            Assert.Inconclusive("Not run: the conformance corpus (../shared/conformance/pg-delta-corpus, or MIGRATIONTASKS_CONFORMANCE_CORPUS) is not on this machine.");
        }

        if (TestServer.Server.Binaries is not { HasClient: true } binaries)
        {
            Assert.Inconclusive("Not run: psql and pg_dump matching the test server are not installed.");
            return;
        }

        // The scripts and the summary land in artifacts/conformance/ (git-ignored), to read after a run.
        var output = Path.Combine(TestPaths.RepositoryRoot, "artifacts", "conformance");
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        Directory.CreateDirectory(output);
        var stopwatch = Stopwatch.StartNew();
        var runner = new ConformanceRunner(TestServer.Server, binaries, output);
        var results = await runner.RunAsync(CorpusCase.Load(corpus), parallelism: 2, TestContext.CancellationToken);
        var failures = results.Where(r => r.Outcome == Outcome.Failed).ToList();
        var summary = ConformanceRunner.Summary(results) + $"wall time {stopwatch.Elapsed.TotalSeconds:F0} s, {Environment.ProcessorCount} cores, corpus {corpus}\n"
            + string.Concat(failures.Select(f => $"FAIL {f.Case.Name} {f.Direction}: {f.Detail}\n"));
        await File.WriteAllTextAsync(Path.Combine(output, "summary.txt"), summary, TestContext.CancellationToken);
        TestContext.WriteLine(summary);

        Assert.IsEmpty(failures, string.Join("\n", failures.Select(f => $"{f.Case.Name} {f.Direction}: {f.Detail}")));
        Assert.IsTrue(results.Any(r => r.Outcome == Outcome.Passed), "No case ran.");
    }
}
