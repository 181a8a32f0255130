namespace MigrationTasks.Templates;

/// <summary>The default: an empty migration to write by hand, as <c>supabase migration new</c> makes.</summary>
public sealed class EmptyMigrationTemplate : IMigrationTemplate
{
    public string Name => "empty";

    public string Description => "an empty migration to write by hand (the default)";

    public Task<MigrationTemplateModel> BuildModelAsync(MigrationTemplateContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new MigrationTemplateModel(new Dictionary<string, object?>(), []));
}
