using MigrationTasks.Templates;

namespace MigrationTasks.Diff.Align;

/// <summary>
/// Renders the align template (<c>Templates/align.sql.sbn</c>, or its replacement in an override folder)
/// without writing a migration file: the body NewMigration would write, for tests and callers that apply it directly.
/// </summary>
public static class AlignRenderer
{
    public static string Render(AlignModel model, string? overrideDirectory = null) =>
        new TemplateRenderer(overrideDirectory).Render("align.sql.sbn", model);
}
