namespace MigrationTasks.Benchmarks;

/// <summary>One benchmark scenario: measures ours against a baseline and reports through the context.</summary>
public interface IBenchmarkScenario
{
    /// <summary>The name used on the command line, for example "diff" or "backup".</summary>
    string Name { get; }

    /// <summary>What it compares, for --list.</summary>
    string Description { get; }

    /// <summary>The scales <c>compare</c> measures when --scales is not given (<see cref="BenchmarkContext.Scales"/>).</summary>
    IReadOnlyList<int> DefaultScales => [1, 10];

    /// <summary>The command line of what compare leaves out of this scenario (too long for its half hour), or null.</summary>
    string? OnRequest => null;

    Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken);
}
