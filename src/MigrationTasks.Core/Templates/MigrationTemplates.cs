namespace MigrationTasks.Templates;

/// <summary>
/// The migration templates: every <see cref="IMigrationTemplate"/> class of the engine (found by reflection, so a
/// new template needs no registration), plus templates that exist only as <c>supabase/templates/&lt;name&gt;.sql.sbn</c>
/// and render MigrationTemplateParameters as their model.
/// </summary>
public static class MigrationTemplates
{
    private static readonly IReadOnlyList<IMigrationTemplate> BuiltIn =
        [.. typeof(IMigrationTemplate).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IMigrationTemplate).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IMigrationTemplate)Activator.CreateInstance(t)!)
            .OrderBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>The names a user can pass, built-in and from the override folder.</summary>
    public static IReadOnlyList<string> Names(string? overrideDirectory) =>
        [.. BuiltIn.Select(t => t.Name)
            .Concat(overrideDirectory is not null && Directory.Exists(overrideDirectory)
                ? Directory.EnumerateFiles(overrideDirectory, "*.sql.sbn").Select(f => Path.GetFileName(f)[..^".sql.sbn".Length])
                : [])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The template of that name, or null: a built-in one, or a file-only one from the override folder.</summary>
    public static IMigrationTemplate? Find(string name, string? overrideDirectory) =>
        BuiltIn.FirstOrDefault(t => t.Name == name)
        ?? (overrideDirectory is not null && File.Exists(Path.Combine(overrideDirectory, name + ".sql.sbn")) ? new ParametersTemplate(name) : null);

    /// <summary>A template that is only a file in supabase/templates: its model is the parameters.</summary>
    private sealed class ParametersTemplate(string name) : IMigrationTemplate
    {
        public string Name => name;

        public string Description => $"supabase/templates/{name}.sql.sbn (parameters from MigrationTemplateParameters)";

        public Task<MigrationTemplateModel> BuildModelAsync(MigrationTemplateContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new MigrationTemplateModel(
                new Dictionary<string, object?> { ["parameters"] = context.Parameters.ToDictionary(p => p.Key, p => (object?)p.Value) },
                [.. context.Parameters.Keys.Order(StringComparer.Ordinal).Select(k => $"parameter {k}")]));
    }
}
