using System.Diagnostics;
using System.Globalization;
using MigrationTasks.Benchmarks;
using MigrationTasks.Common;
using MigrationTasks.Servers;

// Scenarios register themselves here, in the order `compare` runs them; each lives in Scenarios/<Name>Scenario.cs.
IBenchmarkScenario[] scenarios =
[
    new ServerStartScenario(),
    new DiffScenario(),
    new PeersScenario(),
    new ConformanceScenario(),
    new SampleScenario(),
    new MigrationsScenario(),
    new BackupScenario(),
    new DataScenario(),
    new PoliciesScenario(),
    new IndexesScenario(),
    new SmokeScenario(),
    new RehearseScenario(),
    new MemoryScenario(),
    new RehearseTargetScenario(),
];

var selected = new List<string>();
int? runsGiven = null;
var compare = false;
IReadOnlyList<int>? scales = null;
int? cases = null;
var npm = Environment.GetEnvironmentVariable("MIGRATIONTASKS_BENCH_NPM") ?? "npm";
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs":
            runsGiven = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--scales":
            scales = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
            break;
        case "--cases":
            cases = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--npm":
            npm = args[++i];
            break;
        case "--list":
            Console.WriteLine($"{"compare",-16} every scenario below, at its default scales (the documented command; BENCHMARKS.md)");
            foreach (var scenario in scenarios)
            {
                Console.WriteLine($"{scenario.Name,-16} {scenario.Description}");
            }

            return 0;
        case "compare" or "all":
            compare = true;
            break;
        default:
            selected.Add(args[i]);
            break;
    }
}

var unknown = selected.Except(scenarios.Select(s => s.Name)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"Unknown scenario(s): {string.Join(", ", unknown)}. Use --list.");
    return 2;
}

// Everything printed is also kept in artifacts/benchmarks/run-<UTC time>.txt (git-ignored), the source of BENCHMARKS.md.
var transcriptFolder = Path.Combine(BenchmarkContext.RepositoryRoot, "artifacts", "benchmarks");
Directory.CreateDirectory(transcriptFolder);
await using var transcript = new StreamWriter(Path.Combine(transcriptFolder, $"run-{DateTime.UtcNow:yyyyMMdd-HHmmss}.txt")) { AutoFlush = true };
var console = Console.Out;
Console.SetOut(new TeeWriter(console, transcript));
Console.WriteLine($"$ dotnet run -c Release --project tests/MigrationTasks.Benchmarks -- {string.Join(' ', args)}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"started {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
// compare fits every scenario into half an hour on 2 cores with 3 runs per side; a single scenario gets 5.
var runs = runsGiven ?? (compare ? 3 : 5);
var total = Stopwatch.StartNew();
await using var server = await EphemeralServers.AcquireAsync(new ServerRequest(), NullEngineLog.Instance, CancellationToken.None);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"MigrationTasks benchmarks: {Environment.ProcessorCount} cores, {MachineMemory()}, PostgreSQL {server.ServerVersion}, {runs} runs per side, scales {(scales is null ? "per scenario" : string.Join(",", scales))}"));
Console.WriteLine("Each line: what | ours | the baseline | ratio (ours / baseline) | cores");
using var context = new BenchmarkContext(server, runs, scales ?? [1, 10], Console.Out) { Npm = npm, CaseLimit = cases };
foreach (var scenario in scenarios.Where(s => selected.Count == 0 || selected.Contains(s.Name)))
{
    Console.WriteLine($"# {scenario.Name}: {scenario.Description}");
    context.Scales = scales ?? scenario.DefaultScales;
    var watch = Stopwatch.StartNew();
    await scenario.RunAsync(context, CancellationToken.None);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# {scenario.Name} took {watch.Elapsed.TotalMinutes:0.0} min"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# total {total.Elapsed.TotalMinutes:0.0} min"));
if (compare && scales is null)
{
    Console.WriteLine("# not in compare (each would pass its half hour; BENCHMARKS.md has their latest figures): " +
        string.Join(", ", scenarios.Select(s => s.OnRequest).OfType<string>()));
}

Console.SetOut(console);
return 0;

// "23.4 GB memory" from /proc/meminfo, where there is one.
static string MachineMemory()
{
    var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
    return line is null
        ? "memory unknown"
        : string.Create(CultureInfo.InvariantCulture, $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / (1024.0 * 1024):0.0} GB memory");
}
