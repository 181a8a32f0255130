using System.Diagnostics;
using System.Globalization;
using System.Text;
using CliWrap;

namespace MigrationTasks.Benchmarks.Measurement;

/// <summary>What one <c>dotnet msbuild -t:X</c> run did: exit code, wall time, the MSBuild process tree's peak memory, its artifacts.</summary>
public sealed record MSBuildRunResult(string Target, int Scale, int ExitCode, double Seconds, ProcessTreePeak Peak, string ArtifactsDirectory, string Log)
{
    /// <summary>Why the run failed: the exit code and the log's last line that mentions an error.</summary>
    public string Failure =>
        $"dotnet msbuild -t:{Target} failed with exit code {ExitCode}: " +
        (Log.Split('\n', StringSplitOptions.TrimEntries).LastOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? "see the log");

    /// <summary>The memory line of this run: its peak working set against the same target's at <paramref name="baselineScale"/>.</summary>
    public void ReportPeak(BenchmarkContext context, int baselineScale, ProcessTreePeak baseline) =>
        context.Report(
            string.Create(CultureInfo.InvariantCulture, $"memory: -t:{Target} scale {Scale}, peak working set of the largest MSBuild process ({Peak.Processes} .NET processes, {Seconds:0} s; the task host alone {Peak.TaskHostMegabytes:0} MB)"),
            Peak.LargestMegabytes, string.Create(CultureInfo.InvariantCulture, $"scale {baselineScale}"), baseline.LargestMegabytes, "MB");
}

/// <summary>
/// Runs a MigrationTasks target as a user would (<c>dotnet msbuild supabase/trvl-social.proj -t:Diff -p:SampleScale=N</c>,
/// no production configured, so the bundled sample production is built at that scale), with the task assembly
/// built next to the benchmark, and samples the peak working set of every dotnet process of its tree meanwhile.
/// </summary>
public static class MSBuildRun
{
    public static async Task<MSBuildRunResult> RunAsync(string target, int scale, CancellationToken cancellationToken)
    {
        var artifacts = Path.Combine(Path.GetTempPath(), $"migrationtasks-bench-msbuild-{Environment.ProcessId}-{target}-{scale}");
        if (Directory.Exists(artifacts))
        {
            Directory.Delete(artifacts, recursive: true);
        }

        string[] arguments =
        [
            "msbuild", Path.Combine(BenchmarkContext.RepositoryRoot, "supabase", "trvl-social.proj"), $"-t:{target}", "-nologo", "-v:m",
            $"-p:SampleScale={scale.ToString(CultureInfo.InvariantCulture)}",
            $"-p:MigrationTasksAssembly={Path.Combine(AppContext.BaseDirectory, "MigrationTasks.dll")}",
            $"-p:MigrationTasksArtifactsDirectory={artifacts}/",
        ];
        var log = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var task = Cli.Wrap("dotnet")
            .WithArguments(arguments)
            .WithWorkingDirectory(BenchmarkContext.RepositoryRoot)
            .WithEnvironmentVariables(new Dictionary<string, string?>
            {
                // The benchmark's own server must not leak into the child as its production or staging.
                ["PRODUCTION_DATABASE_URL"] = null,
                ["STAGING_DATABASE_URL"] = null,
                ["MSBUILDDISABLENODEREUSE"] = "1",
                ["DOTNET_CLI_UI_LANGUAGE"] = "en",
                ["MSBUILDTERMINALLOGGER"] = "off",
            })
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(log))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(log))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(stop.Token);
        var peak = await ProcessTreePeak.SampleAsync(task.ProcessId, task.Task, cancellationToken);
        var result = await task;
        return new MSBuildRunResult(target, scale, result.ExitCode, watch.Elapsed.TotalSeconds, peak, artifacts, log.ToString());
    }
}
