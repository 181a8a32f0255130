using MigrationTasks.Diff.Align;

namespace MigrationTasks.Templates;

/// <summary>
/// <c>-p:MigrationTemplate=align</c>: the drift and security fixes of the last diff (<c>artifacts/diff/diff.json</c>,
/// or the file named by the template parameter <c>diff</c>), each statement in its guarded form, so the migration
/// fixes production and changes nothing on a database the migrations built. Legacy objects are not in it. The
/// NewMigration target runs the Diff first when this template is asked for.
/// </summary>
public sealed class AlignMigrationTemplate : IMigrationTemplate
{
    public string Name => "align";

    public string Description => "the drift and security fixes found by the last diff (artifacts/diff/diff.json), guarded and idempotent";

    public Task<MigrationTemplateModel> BuildModelAsync(MigrationTemplateContext context, CancellationToken cancellationToken)
    {
        var report = context.Parameters.TryGetValue("diff", out var path) && path.Length > 0
            ? Path.GetFullPath(path)
            : Path.Combine(context.ArtifactsDirectory, "diff", "diff.json");
        var model = AlignModel.FromReport(report);
        return Task.FromResult(new MigrationTemplateModel(model, [$"{context.DescribeInput(report)}: {model.From} against {model.To}"]));
    }
}
