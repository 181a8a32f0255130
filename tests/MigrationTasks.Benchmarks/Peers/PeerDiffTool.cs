using MigrationTasks.Conformance;
using MigrationTasks.Connections;

namespace MigrationTasks.Benchmarks.Peers;

/// <summary>A peer differ behind the driver, for the conformance oracle.</summary>
public sealed class PeerDiffTool(PeerDriver driver, string name) : ISchemaDiffTool
{
    public string Name => name;

    public Task<IReadOnlyList<ScriptFile>> PlanAsync(DatabaseConnection source, DatabaseConnection target, string fileBase, CancellationToken cancellationToken) =>
        driver.PlanAsync(name, source, target, fileBase, cancellationToken);
}
