using System.Diagnostics;
using System.Globalization;
using MigrationTasks.Errors;
using Npgsql;

namespace MigrationTasks.Conformance;

/// <summary>One tool, one case, one direction.</summary>
public sealed record ToolCaseResult(string Tool, CorpusCase Case, string Direction, bool Passed, string Detail, double Seconds);

/// <summary>
/// Several differs over the corpus with one oracle: for each case both states are built once (seeded) and dumped;
/// each tool gets its own pristine copy of the source for each direction, plans against the pristine target, and
/// passes when its scripts apply, its own re-diff is empty, and the normalised <c>pg_dump --schema-only</c> of the
/// copy equals the target's. All copies are taken before any tool connects, so no tool sees another's work.
/// </summary>
public sealed class ToolConformance(CorpusDatabases databases, string workFolder)
{
    private int _counter;

    /// <summary>Runs the cases in scope (see <see cref="CorpusScope"/>); skipped cases are returned with their reason.</summary>
    public async Task<(IReadOnlyList<ToolCaseResult> Results, IReadOnlyList<(CorpusCase Case, string Reason)> Skipped)> RunAsync(
        IReadOnlyList<CorpusCase> cases, int serverMajor, IReadOnlyList<ISchemaDiffTool> tools, int parallelism, CancellationToken cancellationToken)
    {
        var skipped = cases.Select(c => (Case: c, Reason: CorpusScope.SkipReason(c, serverMajor))).Where(c => c.Reason is not null).Select(c => (c.Case, c.Reason!)).ToList();
        var toRun = cases.Where(c => CorpusScope.SkipReason(c, serverMajor) is null).ToList();
        var results = new List<ToolCaseResult>();
        await Parallel.ForEachAsync(toRun, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            var caseResults = await RunCaseAsync(item, tools, ct);
            lock (results)
            {
                results.AddRange(caseResults);
            }
        });
        return (results.OrderBy(r => r.Tool, StringComparer.Ordinal).ThenBy(r => r.Case.Name, StringComparer.Ordinal).ThenBy(r => r.Direction, StringComparer.Ordinal).ToList(), skipped);
    }

    private async Task<IReadOnlyList<ToolCaseResult>> RunCaseAsync(CorpusCase item, IReadOnlyList<ISchemaDiffTool> tools, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);
        var (a, b) = ($"peers_{id}_a", $"peers_{id}_b");
        var copies = tools.SelectMany((tool, index) => new[]
        {
            (Tool: tool, Direction: "a→b", Source: a, Target: b, Copy: $"peers_{id}_t{index}_ab"),
            (Tool: tool, Direction: "b→a", Source: b, Target: a, Copy: $"peers_{id}_t{index}_ba"),
        }).ToList();
        var results = new List<ToolCaseResult>();
        try
        {
            await databases.BuildAsync(a, item.StateA, item.SeedA, cancellationToken);
            await databases.BuildAsync(b, item.StateB, item.SeedB, cancellationToken);
            foreach (var copy in copies)
            {
                await databases.CopyAsync(copy.Source, copy.Copy, cancellationToken);
            }

            var dumps = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
            {
                [a] = await databases.NormalizedDumpAsync(a, cancellationToken),
                [b] = await databases.NormalizedDumpAsync(b, cancellationToken),
            };
            foreach (var copy in copies)
            {
                var watch = Stopwatch.StartNew();
                var detail = await ProveAsync(item, copy.Tool, copy.Direction, copy.Copy, copy.Target, dumps[copy.Target], cancellationToken);
                results.Add(new ToolCaseResult(copy.Tool.Name, item, copy.Direction, detail is null, detail ?? "", watch.Elapsed.TotalSeconds));
            }
        }
        catch (Exception exception) when (exception is MigrationTasksException or NpgsqlException)
        {
            // The case's own SQL failed to load: nobody can be measured on it; every tool fails it alike.
            results.AddRange(tools.Select(t => new ToolCaseResult(t.Name, item, "setup", false, exception.Message, 0)));
        }
        finally
        {
            foreach (var database in copies.Select(c => c.Copy).Append(a).Append(b))
            {
                await databases.DropAsync(database);
            }
        }

        return results;
    }

    /// <summary>Null when the tool's scripts apply, its re-diff is empty and the dump equals the target's; else why not.</summary>
    private async Task<string?> ProveAsync(CorpusCase item, ISchemaDiffTool tool, string direction, string copy, string target, IReadOnlyList<string> targetDump,
        CancellationToken cancellationToken)
    {
        var fileBase = Path.Combine(workFolder, $"{item.Name}.{tool.Name}.{(direction == "a→b" ? "a-to-b" : "b-to-a")}");
        IReadOnlyList<ScriptFile> scripts;
        try
        {
            scripts = await tool.PlanAsync(databases.Database(copy), databases.Database(target), fileBase, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return $"planning failed: {exception.Message}";
        }

        foreach (var script in scripts)
        {
            if (await databases.ApplyAsync(copy, script.Path, script.SingleTransaction, cancellationToken) is { } failure)
            {
                return $"applying {Path.GetFileName(script.Path)} failed: {failure}";
            }
        }

        IReadOnlyList<ScriptFile> again;
        try
        {
            again = await tool.PlanAsync(databases.Database(copy), databases.Database(target), fileBase + ".rediff", cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return $"re-diff failed: {exception.Message}";
        }

        if (again.Count > 0)
        {
            return $"re-diff not empty ({again[0].Path})";
        }

        var difference = SchemaDump.Difference(await databases.NormalizedDumpAsync(copy, cancellationToken), targetDump);
        return difference.Length == 0 ? null : difference;
    }

    /// <summary>Pass rate per tool over the directions run (a case's setup failure counts as two failed directions).</summary>
    public static IReadOnlyDictionary<string, (int Passed, int Total)> PassRates(IReadOnlyList<ToolCaseResult> results) =>
        results.GroupBy(r => r.Tool, StringComparer.Ordinal).ToDictionary(g => g.Key, g =>
        {
            var weight = g.Sum(r => r.Direction == "setup" ? 2 : 1);
            return (g.Count(r => r.Passed), weight);
        }, StringComparer.Ordinal);
}
