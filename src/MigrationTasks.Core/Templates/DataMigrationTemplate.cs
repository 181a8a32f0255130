using MigrationTasks.Data;
using MigrationTasks.Data.Spec;

namespace MigrationTasks.Templates;

/// <summary>
/// <c>-p:MigrationTemplate=data</c>: the v1 to v3 data migration from the mapping spec (supabase/v1_to_v3.yaml, or
/// <c>-p:MigrationTemplateParameters="spec=path"</c>), checked against a real catalog first (-p:Database, else the
/// bundled sample production): a spec error stops it before any file is written.
/// </summary>
public sealed class DataMigrationTemplate : IMigrationTemplate
{
    public const string DefaultSpec = "v1_to_v3.yaml";

    public string Name => "data";

    public string Description => "the v1 to v3 data migration from supabase/v1_to_v3.yaml (key maps, quarantine, idempotent loads in foreign-key order)";

    public async Task<MigrationTemplateModel> BuildModelAsync(MigrationTemplateContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var specPath = SpecPath(context);
        var spec = MappingSpecLoader.Load(specPath);
        await using var database = await OpenAsync(context, cancellationToken).ConfigureAwait(false);
        context.Log.Info($"Checking {Path.GetFileName(specPath)} against {database.Description}.");
        await using var session = await DataSession.OpenAsync(database.Connection, spec, "NewMigration (data)", context.Log, cancellationToken).ConfigureAwait(false);
        var display = context.DescribeInput(specPath);
        var model = DataMigrationModel.From(session.Plan, display.Split(" (", 2)[0]);
        return new MigrationTemplateModel(model, [display, $"catalog checked on {database.Description}"]);
    }

    /// <summary>The spec: the parameter spec=..., relative to the repository root (supabase/..), or supabase/v1_to_v3.yaml.</summary>
    public static string SpecPath(MigrationTemplateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Parameters.TryGetValue("spec", out var given) && !string.IsNullOrWhiteSpace(given)
            ? Path.GetFullPath(Path.IsPathRooted(given) ? given : Path.Combine(context.SupabaseDirectory, "..", given))
            : Path.Combine(context.SupabaseDirectory, DefaultSpec);
    }

    internal static Task<TemplateDatabase> OpenAsync(MigrationTemplateContext context, CancellationToken cancellationToken) =>
        context.OpenDatabase is { } open
            ? open(cancellationToken)
            : throw Errors.Errors.InvalidProperty("Database", "", "a database to check the spec against: this caller offers none (NewMigration does)");
}
