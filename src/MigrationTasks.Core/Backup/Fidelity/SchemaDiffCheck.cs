using MigrationTasks.Catalog;
using MigrationTasks.Catalog.Model;
using MigrationTasks.Diff;

namespace MigrationTasks.Backup.Fidelity;

/// <summary>
/// The differ's verdict on a clone: production's catalog (the live source) against the restored one must give an
/// empty diff. Independent of the fingerprint: it reads both databases with the differ's own catalog queries and
/// compares object by object, so a mismatch is reported as the statements that would fix it. Only for a clone:
/// a restore from a folder has no live source to read.
/// </summary>
public sealed class SchemaDiffCheck : IFidelityCheck
{
    public string Name => "schema-diff";

    public async Task<FidelityCheckResult> RunAsync(FidelityContext context, CancellationToken cancellationToken)
    {
        if (context.Source is null)
        {
            return new FidelityCheckResult(Name, true, "not applicable: no live source to compare with (a restore from a folder)", []);
        }

        return await CompareAsync(context.Source, context.Target, context.Selection, context.DataOnlySchemas, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Compares two live databases within a schema selection.</summary>
    public static async Task<FidelityCheckResult> CompareAsync(Connections.DatabaseConnection sourceDatabase, Connections.DatabaseConnection targetDatabase,
        Integrity.SchemaSelection selection, IReadOnlyCollection<string> dataOnlySchemas, CancellationToken cancellationToken)
    {
        const string name = "schema-diff";
        var source = await CatalogReader.ReadAsync(sourceDatabase, cancellationToken).ConfigureAwait(false);
        var target = await CatalogReader.ReadAsync(targetDatabase, cancellationToken).ConfigureAwait(false);

        // Schemas the backup left out, and schemas whose definitions the target kept, are taken as the target has them.
        bool OutOfScope(CatalogObject item)
        {
            var schema = item is SchemaObject named ? named.Name : item.Schema;
            return schema.Length > 0 && (!selection.Includes(schema) || dataOnlySchemas.Contains(schema));
        }

        var desired = source.Overlay(
            [.. source.Objects.Values.Where(OutOfScope).Select(o => o.Key)],
            target,
            [.. target.Objects.Values.Where(OutOfScope).Select(o => o.Key)]);
        var diff = SchemaDiffer.Compare(desired, target);
        if (diff.IsEmpty)
        {
            return new FidelityCheckResult(name, true, $"empty: {target.Objects.Count} catalog objects equal", []);
        }

        var details = diff.Changes.Take(50).Select(c => c.ToString()).ToList();
        return new FidelityCheckResult(name, false, $"{diff.Changes.Count} differences; first: {details[0]}", details);
    }
}
