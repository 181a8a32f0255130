using MigrationTasks.Connections;

namespace MigrationTasks.Conformance;

/// <summary>A script a differ produced, and whether it must run in one transaction.</summary>
public sealed record ScriptFile(string Path, bool SingleTransaction);

/// <summary>
/// A schema differ under test: ours or a peer (pg-delta, @pgkit/migra). The oracle is the same for all of them:
/// apply the scripts, re-diff with the same tool (must be empty), compare normalised pg_dump with the target.
/// </summary>
public interface ISchemaDiffTool
{
    /// <summary>The name in reports: "ours", "pg-delta", "migra".</summary>
    string Name { get; }

    /// <summary>
    /// The scripts, in order, that turn <paramref name="source"/> into <paramref name="target"/>; none when the tool
    /// sees no difference. Files are written next to <paramref name="fileBase"/> (a path without extension).
    /// </summary>
    Task<IReadOnlyList<ScriptFile>> PlanAsync(DatabaseConnection source, DatabaseConnection target, string fileBase, CancellationToken cancellationToken);
}
