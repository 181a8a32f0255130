using Scriban;
using Scriban.Runtime;

namespace MigrationTasks.Diff.Align;

/// <summary>
/// Renders the embedded <c>Templates/align.sql.sbn</c> with an <see cref="AlignModel"/> (strict: an unknown
/// variable is an error). The migration generator (NewMigration) renders the same template through its own
/// template mechanism; this is the engine's direct path, used where no migration file is wanted.
/// </summary>
public static class AlignRenderer
{
    public static string Render(AlignModel model)
    {
        using var stream = typeof(AlignRenderer).Assembly.GetManifestResourceStream("MigrationTasks.Templates.align.sql.sbn")
            ?? throw new InvalidOperationException("The align template is not embedded.");
        using var reader = new StreamReader(stream);
        var template = Template.Parse(reader.ReadToEnd(), "align.sql.sbn");
        if (template.HasErrors)
        {
            throw new InvalidOperationException("The built-in align template does not parse: " + string.Join("; ", template.Messages));
        }

        var variables = new ScriptObject();
        variables.Import(model);
        var context = new TemplateContext { StrictVariables = true, LoopLimit = int.MaxValue };
        context.PushGlobal(variables);
        return template.Render(context);
    }
}
