using MigrationTasks.Catalog;
using MigrationTasks.Connections;
using MigrationTasks.Diff;
using MigrationTasks.Diff.Sql;

namespace MigrationTasks.Conformance;

/// <summary>Our differ as a user runs it: read both catalogs, compare, render prod_diff.sql (drops allowed).</summary>
public sealed class OurDiffTool : ISchemaDiffTool
{
    public string Name => "ours";

    public async Task<IReadOnlyList<ScriptFile>> PlanAsync(DatabaseConnection source, DatabaseConnection target, string fileBase, CancellationToken cancellationToken)
    {
        var desired = await CatalogReader.ReadAsync(target, cancellationToken);
        var actual = await CatalogReader.ReadAsync(source, cancellationToken);
        var diff = SchemaDiffer.Compare(desired, actual, new DiffOptions { AllowDestructive = true });
        if (diff.IsEmpty)
        {
            return [];
        }

        var path = fileBase + ".sql";
        await File.WriteAllTextAsync(path, ScriptRenderer.Render(diff.Steps, Path.GetFileName(fileBase)), cancellationToken);
        return [new ScriptFile(path, SingleTransaction: false)];
    }
}
