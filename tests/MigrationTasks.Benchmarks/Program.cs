using System.Globalization;
using MigrationTasks.Benchmarks;
using MigrationTasks.Common;
using MigrationTasks.Servers;

// Scenarios register themselves here; each lives in Scenarios/<Name>Scenario.cs.
IBenchmarkScenario[] scenarios =
[
    new ServerStartScenario(),
    new BackupScenario(),
    new DiffScenario(),
    new SampleScenario(),
    new MigrationsScenario(),
    new PoliciesScenario(),
    new DataScenario(),
    new IndexesScenario(),
    new SmokeScenario(),
    new RehearseScenario(),
];

var selected = new List<string>();
var runs = 5;
IReadOnlyList<int> scales = [1, 10];
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs":
            runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--scales":
            scales = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
            break;
        case "--list":
            foreach (var scenario in scenarios)
            {
                Console.WriteLine($"{scenario.Name,-16} {scenario.Description}");
            }

            return 0;
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

Console.WriteLine($"MigrationTasks benchmarks: {Environment.ProcessorCount} cores, {runs} runs per side, scales {string.Join(",", scales)}");
await using var server = await EphemeralServers.AcquireAsync(new ServerRequest(), NullEngineLog.Instance, CancellationToken.None);
var context = new BenchmarkContext(server, runs, scales, Console.Out);
foreach (var scenario in scenarios.Where(s => selected.Count == 0 || selected.Contains(s.Name)))
{
    Console.WriteLine($"# {scenario.Name}: {scenario.Description}");
    await scenario.RunAsync(context, CancellationToken.None);
}

return 0;
