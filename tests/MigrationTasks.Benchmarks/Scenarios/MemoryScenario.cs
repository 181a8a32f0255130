using MigrationTasks.Benchmarks.Measurement;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// The peak working set of the MSBuild process tree (the largest dotnet process: the task host that runs our tasks)
/// for <c>dotnet msbuild -t:Diff</c> on the sample production at scales 1, 10 and 100 (about 100,000 to 10 million
/// rows). The data stays in PostgreSQL, so memory must not grow with it: the baseline of each figure is the same target
/// at scale 1, and a ratio near 1 is the expected result. The rehearsal's memory comes from the rehearse-target
/// scenario, which measures it in the runs that time its steps (at scale 100 on request: that run is 14 minutes long).
/// </summary>
public sealed class MemoryScenario : IBenchmarkScenario
{
    public string Name => "memory";

    public IReadOnlyList<int> DefaultScales => [1, 10, 100];

    public string Description => "peak working set of dotnet msbuild -t:Diff at scales 1, 10, 100 vs the same at scale 1 (-t:Rehearse: rehearse-target)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var scales = context.Scales;
        ProcessTreePeak? first = null;
        foreach (var scale in scales)
        {
            var run = await MSBuildRun.RunAsync("Diff", scale, cancellationToken);
            if (run.ExitCode != 0)
            {
                context.ReportNotRun($"memory: -t:Diff scale {scale}", run.Failure);
                continue;
            }

            first ??= run.Peak;
            run.ReportPeak(context, scales[0], first);
            Directory.Delete(run.ArtifactsDirectory, recursive: true);
        }
    }
}
