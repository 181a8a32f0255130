using System.Globalization;
using System.Text;
using MigrationTasks.Benchmarks.Peers;
using MigrationTasks.Conformance;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// The pass rate of ours, pg-delta and @pgkit/migra over the pg-delta corpus (../shared/conformance/pg-delta-corpus),
/// both directions, with one oracle for all (MigrationTasks.Conformance.ToolConformance): the tool's scripts apply,
/// its own re-diff is empty, and the normalised <c>pg_dump --schema-only</c> equals the target's. The cases run are
/// those in MigrationTasks' scope on this server (the same set for every tool); the others are listed as skipped.
/// Per-case results land in artifacts/benchmarks/conformance.tsv.
/// </summary>
public sealed class ConformanceScenario : IBenchmarkScenario
{
    public string Name => "conformance";

    public string Description => "pass rate over the pg-delta corpus (apply, empty re-diff, equal pg_dump): ours vs pg-delta and @pgkit/migra";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        if (CorpusCase.Locate(BenchmarkContext.RepositoryRoot) is not { } corpus)
        {
            context.ReportNotRun("conformance", "the corpus (../shared/conformance/pg-delta-corpus or MIGRATIONTASKS_CONFORMANCE_CORPUS) is not on this machine");
            return;
        }

        if (context.Server.Binaries is not { HasClient: true } binaries)
        {
            context.ReportNotRun("conformance", "psql and pg_dump for the benchmark server are not installed");
            return;
        }

        var peers = await context.PeersAsync(cancellationToken);
        var work = Path.Combine(Path.GetTempPath(), $"migrationtasks-bench-conformance-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        await using var driver = peers.NotRunReason is null ? PeerDriver.Start(peers, context.Server.Connection) : null;
        var tools = new List<ISchemaDiffTool> { new OurDiffTool() };
        if (driver is not null)
        {
            tools.Add(new PeerDiffTool(driver, "pg-delta"));
            tools.Add(new PeerDiffTool(driver, "migra"));
        }

        try
        {
            var all = CorpusCase.Load(corpus);
            var cases = context.CaseLimit is { } limit ? all.Take(limit).ToList() : all;
            var runner = new ToolConformance(new CorpusDatabases(context.Server, binaries), work);
            var (results, skipped) = await runner.RunAsync(cases, context.Server.ServerVersion.Major, tools, parallelism: 2, cancellationToken);
            var rates = ToolConformance.PassRates(results);
            var (passed, total) = rates["ours"];
            var what = string.Create(CultureInfo.InvariantCulture,
                $"conformance: pass rate, {cases.Count - skipped.Count} of {cases.Count} cases in scope x 2 directions ({skipped.Count} skipped)");
            var seconds = results.GroupBy(r => r.Tool, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => r.Seconds), StringComparer.Ordinal);
            foreach (var peer in new[] { "pg-delta", "migra" })
            {
                if (rates.TryGetValue(peer, out var rate))
                {
                    context.Report(what, Percent(passed, total), peer, Percent(rate.Passed, rate.Total), "%");
                    context.Report("conformance: time to plan, apply, re-diff and dump every direction (sum)", seconds["ours"], peer, seconds[peer]);
                }
                else
                {
                    context.ReportNotRun(what, Percent(passed, total), peer, peers.NotRunReason ?? "not installed", "%");
                }
            }

            await WriteResultsAsync(results, skipped, cancellationToken);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static double Percent(int passed, int total) => total == 0 ? 0 : 100.0 * passed / total;

    /// <summary>One line per tool, case and direction (tab-separated), then the skipped cases with their reason.</summary>
    private static async Task WriteResultsAsync(IReadOnlyList<ToolCaseResult> results, IReadOnlyList<(CorpusCase Case, string Reason)> skipped, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(BenchmarkContext.RepositoryRoot, "artifacts", "benchmarks");
        Directory.CreateDirectory(folder);
        var text = new StringBuilder("tool\tcase\tdirection\tresult\tseconds\tdetail\n");
        foreach (var result in results)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{result.Tool}\t{result.Case.Name}\t{result.Direction}\t{(result.Passed ? "pass" : "fail")}\t{result.Seconds:0.000}\t{result.Detail.ReplaceLineEndings(" ")}\n");
        }

        foreach (var (item, reason) in skipped)
        {
            text.Append(CultureInfo.InvariantCulture, $"all\t{item.Name}\tboth\tskipped\t0\t{reason}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "conformance.tsv"), text.ToString(), cancellationToken);
    }
}
