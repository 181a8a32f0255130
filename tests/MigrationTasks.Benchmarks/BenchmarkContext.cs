using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using MigrationTasks.Benchmarks.Peers;
using MigrationTasks.Servers;

namespace MigrationTasks.Benchmarks;

/// <summary>What a scenario gets: a server, the run settings, and the measuring and reporting helpers.</summary>
public sealed class BenchmarkContext(IPostgresServer server, int runs, IReadOnlyList<int> scales, TextWriter output) : IDisposable
{
    private PeerInstall? _peers;

    /// <summary>A throwaway server for the whole benchmark run.</summary>
    public IPostgresServer Server { get; } = server;

    /// <summary>How many measured runs per side (the median is reported).</summary>
    public int Runs { get; } = runs;

    /// <summary>The sample scales to measure at: --scales, else the running scenario's <see cref="IBenchmarkScenario.DefaultScales"/>.</summary>
    public IReadOnlyList<int> Scales { get; set; } = scales;

    /// <summary>The npm program that installs the peers (--npm; "none" reports them as not run).</summary>
    public string Npm { get; init; } = "npm";

    /// <summary>At most this many corpus cases in the conformance scenario (--cases, for a quick run), or all.</summary>
    public int? CaseLimit { get; init; }

    /// <summary>Where the scenarios print.</summary>
    public TextWriter Output { get; } = output;

    /// <summary>The npm peers (pg-delta, @pgkit/migra), installed into a temporary folder on first use and deleted at the end.</summary>
    public async Task<PeerInstall> PeersAsync(CancellationToken cancellationToken) =>
        _peers ??= await PeerInstall.InstallAsync(Npm, Output, cancellationToken);

    public static string RepositoryRoot { get; } =
        typeof(BenchmarkContext).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>
    /// Runs <paramref name="ours"/> and <paramref name="baseline"/> alternately <see cref="Runs"/> times each (or
    /// <paramref name="runs"/>, for long measurements), after one warm-up of each unless <paramref name="warmUp"/> is
    /// false, and returns the median seconds of each side.
    /// </summary>
    public async Task<(double Ours, double Baseline)> MeasureAsync(Func<Task> ours, Func<Task> baseline, Func<Task>? reset = null, int? runs = null, bool warmUp = true)
    {
        var oursTimes = new List<double>();
        var baselineTimes = new List<double>();
        for (var run = warmUp ? -1 : 0; run < (runs ?? Runs); run++)
        {
            // Alternate which side goes first so caches and background noise are shared fairly.
            var order = run % 2 == 0 ? new[] { (ours, oursTimes), (baseline, baselineTimes) } : [(baseline, baselineTimes), (ours, oursTimes)];
            foreach (var (action, times) in order)
            {
                if (reset is not null)
                {
                    await reset();
                }

                var watch = Stopwatch.StartNew();
                await action();
                if (run >= 0)
                {
                    times.Add(watch.Elapsed.TotalSeconds);
                }
            }
        }

        return (Median(oursTimes), Median(baselineTimes));
    }

    /// <summary>Prints one figure: what, ours, the baseline, the ratio and the core count.</summary>
    public void Report(string what, double ours, string baselineName, double baseline, string unit = "s")
    {
        var ratio = baseline > 0 ? (ours / baseline).ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what} | ours {ours:0.###} {unit} | {baselineName} {baseline:0.###} {unit} | ratio {ratio} | {Environment.ProcessorCount} cores"));
    }

    /// <summary>Prints a figure whose baseline could not run, saying why (never as a result).</summary>
    public void ReportNotRun(string what, double? ours, string baselineName, string reason, string unit = "s") =>
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what} | ours {(ours is { } value ? value.ToString("0.###", CultureInfo.InvariantCulture) + " " + unit : "not run")} | {baselineName} not run ({reason}) | ratio n/a | {Environment.ProcessorCount} cores"));

    /// <summary>Prints a figure that could not be measured at all, saying why.</summary>
    public void ReportNotRun(string what, string reason) =>
        Output.WriteLine($"{what} | not run: {reason} | ratio n/a | {Environment.ProcessorCount} cores");

    public void Dispose() => _peers?.Dispose();

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? 0 : values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
