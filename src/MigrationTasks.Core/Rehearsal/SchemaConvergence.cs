using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Diff;
using MigrationTasks.Diff.Desired;

namespace MigrationTasks.Rehearsal;

/// <summary>
/// The decisive check: once every migration is applied, the clone must equal the schema the migrations build (an
/// empty diff) and hold no legacy object. Otherwise the committed align, data, cleanup and index migrations do not
/// get production there, and the step says which differences are left and which NewMigration command covers them.
/// </summary>
public static class SchemaConvergence
{
    public static async Task CheckAsync(StepRecorder steps, StepResult step, DiffRequest request, bool hasDataMigration, IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(step);
        var result = await DiffRunner.RunAsync(request with { OnlyAppliedMigrations = false }, log, cancellationToken).ConfigureAwait(false);
        step.Reports.Add(steps.Link(result.MarkdownPath));
        step.Reports.Add(steps.Link(result.JsonPath));
        var changes = result.Report.Diff.Changes;
        var legacy = result.Report.Legacy;
        if (changes.Count == 0 && legacy.Count == 0)
        {
            step.Summary = "the migrated clone equals the schema the migrations build (empty diff) and no legacy object remains";
            return;
        }

        var commands = new List<string>();
        if (changes.Count > 0)
        {
            commands.Add("dotnet msbuild -t:NewMigration -p:MigrationName=align_schema -p:MigrationTemplate=align (after -t:Diff)");
        }

        if (legacy.Count > 0 && !hasDataMigration)
        {
            commands.Add("dotnet msbuild -t:NewMigration -p:MigrationName=migrate_v1_data -p:MigrationTemplate=data");
        }

        if (legacy.Count > 0)
        {
            commands.Add("dotnet msbuild -t:NewMigration -p:MigrationName=drop_v1 -p:MigrationTemplate=cleanup");
        }

        var lines = changes.Select(c => $"{c.Bucket.ToString().ToLowerInvariant()}: {c}")
            .Concat(legacy.Select(l => $"legacy: {l.Object.KindName} {l.Object.DisplayName} (rule {l.Rule})"))
            .ToList();
        var error = Errors.Errors.SchemaNotConverged(changes.Count, legacy.Count, string.Join("; ", lines.Take(3)) + (lines.Count > 3 ? $" (and {lines.Count - 3} more)" : ""),
            string.Join(", then ", commands));
        step.Summary = error.Message + " Cover them with: " + string.Join(", then ", commands) + ".";
        steps.Fail(step, error, lines);
    }
}
