using System.Globalization;
using System.Text.Json;
using MigrationTasks.Benchmarks.Measurement;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// <c>dotnet msbuild -t:Rehearse</c> on the sample production at scales 1 and 10: the whole process's wall time and
/// each step's duration from the run's receipt.json. There is no tool that does the same; the baseline of a step is
/// the same step at the smallest scale, which shows which steps grow with the data.
/// </summary>
public sealed class RehearseTargetScenario : IBenchmarkScenario
{
    public string Name => "rehearse-target";

    public IReadOnlyList<int> DefaultScales => [1, 10];

    public string Description => "dotnet msbuild -t:Rehearse at scales 1 and 10: total and per step";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        if (!RehearsalPipeline.Landed)
        {
            context.ReportNotRun("rehearse: total and per step", RehearsalPipeline.NotLanded);
            return;
        }

        var scales = context.Scales;
        Dictionary<string, double>? baseline = null;
        foreach (var scale in scales)
        {
            var run = await MSBuildRun.RunAsync("Rehearse", scale, cancellationToken);
            if (run.ExitCode != 0)
            {
                context.ReportNotRun($"rehearse: scale {scale}", $"dotnet msbuild -t:Rehearse failed with exit code {run.ExitCode}: {MemoryScenario.LastError(run.Log)}");
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
