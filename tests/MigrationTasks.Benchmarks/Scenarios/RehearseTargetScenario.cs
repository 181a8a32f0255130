using System.Globalization;
using System.Text.Json;
using MigrationTasks.Benchmarks.Measurement;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// <c>dotnet msbuild -t:Rehearse</c> on the sample production at scales 1, 10 and 100 (about 100,000 to 10 million
/// rows), one run per scale: the whole process's wall time, each step's duration from the run's receipt.json, and the
/// peak working set of the MSBuild process tree meanwhile. No other tool does the same, so the baseline of every figure
/// is the same figure at the smallest scale: steps that grow with the data show it, and memory must not (the data stays
/// in PostgreSQL; a memory ratio near 1 is the expected result).
/// compare measures scales 1 and 10: scale 100 alone takes about 14 minutes on 2 cores (the data migration 7, its
/// validation 3), which with everything else would pass compare's half hour; run it with <c>rehearse-target --scales 1,100</c>.
/// </summary>
public sealed class RehearseTargetScenario : IBenchmarkScenario
{
    public string Name => "rehearse-target";

    public IReadOnlyList<int> DefaultScales => [1, 10];

    public string? OnRequest => "rehearse-target --scales 1,100";

    public string Description => "dotnet msbuild -t:Rehearse at scales 1 and 10 (100: --scales 1,100): total, per step, peak working set vs the same at scale 1";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var scales = context.Scales;
        Dictionary<string, double>? baseline = null;
        ProcessTreePeak? firstPeak = null;
        foreach (var scale in scales)
        {
            var run = await MSBuildRun.RunAsync("Rehearse", scale, cancellationToken);
            if (run.ExitCode != 0)
            {
                context.ReportNotRun($"rehearse: scale {scale}", run.Failure);
                continue;
            }

            var steps = Steps(run.ArtifactsDirectory);
            steps["total (dotnet msbuild, wall)"] = run.Seconds;
            baseline ??= steps;
            foreach (var (step, seconds) in steps)
            {
                var what = string.Create(CultureInfo.InvariantCulture, $"rehearse: scale {scale}, {step}");
                if (baseline.TryGetValue(step, out var first))
                {
                    context.Report(what, seconds, $"scale {scales[0]}", first);
                }
                else
                {
                    context.ReportNotRun(what, seconds, $"scale {scales[0]}", "the step did not run there");
                }
            }

            firstPeak ??= run.Peak;
            run.ReportPeak(context, scales[0], firstPeak);
            Directory.Delete(run.ArtifactsDirectory, recursive: true);
        }
    }

    /// <summary>Each step's seconds from the newest receipt.json under the run's artifacts (steps[].name, steps[].durationSeconds).</summary>
    private static Dictionary<string, double> Steps(string artifacts)
    {
        var steps = new Dictionary<string, double>(StringComparer.Ordinal);
        var receipt = Directory.Exists(artifacts)
            ? Directory.EnumerateFiles(artifacts, "receipt.json", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        if (receipt is null)
        {
            return steps;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(receipt));
        if (json.RootElement.TryGetProperty("steps", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var step in list.EnumerateArray())
            {
                if (step.TryGetProperty("name", out var name) && step.TryGetProperty("durationSeconds", out var seconds) && seconds.ValueKind == JsonValueKind.Number)
                {
                    steps[name.GetString()!] = seconds.GetDouble();
                }
            }
        }

        return steps;
    }
}
