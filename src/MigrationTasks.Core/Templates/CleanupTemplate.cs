using System.Globalization;
using MigrationTasks.Data;
using MigrationTasks.Data.Cleanup;
using MigrationTasks.Data.Spec;

namespace MigrationTasks.Templates;

/// <summary>
/// <c>-p:MigrationTemplate=cleanup</c>: drops the v1 objects the spec lists under <c>legacy:</c>, in dependency order,
/// each statement with a comment of what goes with it; rehearsed first in a rolled-back transaction on the catalog
/// (-p:Database, else the bundled sample production) so nothing v3 can disappear (MT0514).
/// </summary>
public sealed class CleanupTemplate : IMigrationTemplate
{
    public string Name => "cleanup";

    public string Description => "drops the v1 objects listed in supabase/v1_to_v3.yaml (legacy:), in dependency order, rehearsed so nothing v3 is dropped";

    public async Task<MigrationTemplateModel> BuildModelAsync(MigrationTemplateContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var specPath = DataMigrationTemplate.SpecPath(context);
        var spec = MappingSpecLoader.Load(specPath);
        await using var database = await DataMigrationTemplate.OpenAsync(context, cancellationToken).ConfigureAwait(false);
        context.Log.Info($"Checking the legacy objects of {Path.GetFileName(specPath)} against {database.Description}.");
        await using var session = await DataSession.OpenAsync(database.Connection, spec, "NewMigration (cleanup)", context.Log, cancellationToken).ConfigureAwait(false);
        var statements = await CleanupPlan.BuildAsync(spec, session.Connection, cancellationToken).ConfigureAwait(false);
        var dropped = await CleanupPlan.RehearseAsync(spec, statements, session.Connection, cancellationToken).ConfigureAwait(false);
        context.Log.Info($"Cleanup rehearsed on {database.Description} (rolled back): it drops {dropped.Count} objects, all v1 or the data migration's helpers.");
        var display = context.DescribeInput(specPath);
        return new MigrationTemplateModel(new Dictionary<string, object?>
        {
            ["spec_file"] = display.Split(" (", 2)[0],
            ["catalog"] = database.Description,
            ["dropped_count"] = dropped.Count.ToString(CultureInfo.InvariantCulture),
            ["statements"] = statements.Select(s => new Dictionary<string, object?> { ["comments"] = s.Comments.ToList(), ["sql"] = s.Sql }).ToList(),
        }, [display, $"rehearsed on {database.Description}"]);
    }
}
