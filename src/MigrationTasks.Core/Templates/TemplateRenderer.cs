using System.Reflection;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace MigrationTasks.Templates;

/// <summary>
/// Renders Scriban templates: the engine's embedded ones (<c>Templates/*.sbn</c>), each replaceable by a file of the
/// same name in an override folder (<c>supabase/templates/</c>). Strict: an unknown variable is an error, not an
/// empty string. A model's members appear in snake_case (<c>TableName</c> is <c>table_name</c>); <c>sql.ident</c>,
/// <c>sql.qualified</c>, <c>sql.literal</c> and <c>sql.dollar_quoted</c> quote what goes into SQL; <c>sql.comment</c> what goes into a comment.
/// </summary>
public sealed class TemplateRenderer
{
    private const string ResourcePrefix = "MigrationTasks.Templates.";

    private readonly string? _overrideDirectory;

    /// <param name="overrideDirectory">Where files that replace built-in templates live (null: none).</param>
    public TemplateRenderer(string? overrideDirectory) => _overrideDirectory = overrideDirectory;

    /// <summary>The built-in template files (e.g. <c>empty.sql.sbn</c>).</summary>
    public static IReadOnlyList<string> BuiltIn { get; } =
        [.. typeof(TemplateRenderer).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Select(n => n[ResourcePrefix.Length..]).Order(StringComparer.Ordinal)];

    /// <summary>The override file for a template, when the override folder has one.</summary>
    public string? OverrideFile(string fileName) =>
        _overrideDirectory is not null && File.Exists(Path.Combine(_overrideDirectory, fileName)) ? Path.Combine(_overrideDirectory, fileName) : null;

    /// <summary>True when the template exists, built in or in the override folder.</summary>
    public bool Exists(string fileName) => OverrideFile(fileName) is not null || BuiltIn.Contains(fileName);

    /// <summary>Renders <paramref name="fileName"/> with the model's members (and <paramref name="globals"/>) as variables.</summary>
    public string Render(string fileName, object model, IReadOnlyDictionary<string, object?>? globals = null)
    {
        var (text, path) = Load(fileName) ?? throw Errors.Errors.TemplateNotFound(fileName, string.Join(", ", BuiltIn));
        var template = Template.Parse(text, path);
        if (template.HasErrors)
        {
            var message = template.Messages.First(m => m.Type == ParserMessageType.Error);
            throw Errors.Errors.TemplateFailed(fileName, message.Message, path, message.Span.Start.Line + 1, message.Span.Start.Column + 1);
        }

        var variables = new ScriptObject();
        if (model is IDictionary<string, object?> dictionary)
        {
            foreach (var (key, value) in dictionary)
            {
                variables[key] = value;
            }
        }
        else
        {
            variables.Import(model);
        }

        var sql = new ScriptObject();
        sql.Import(typeof(SqlTemplateFunctions));
        variables["sql"] = sql;
        foreach (var (key, value) in globals ?? new Dictionary<string, object?>())
        {
            variables[key] = value;
        }

        var context = new TemplateContext
        {
            StrictVariables = true,
            TemplateLoader = new Loader(this),
            LoopLimit = int.MaxValue, // a diff can have thousands of changes; the default stops at 1000
            RecursiveLimit = 100,
        };
        context.PushGlobal(variables);
        try
        {
            return template.Render(context);
        }
        catch (ScriptRuntimeException exception)
        {
            throw Errors.Errors.TemplateFailed(fileName, exception.OriginalMessage, exception.Span.FileName ?? path, exception.Span.Start.Line + 1, exception.Span.Start.Column + 1);
        }
    }

    /// <summary>The template's text and where it came from (an override file, or the built-in resource's name).</summary>
    private (string Text, string Path)? Load(string fileName)
    {
        if (OverrideFile(fileName) is { } file)
        {
            return (File.ReadAllText(file), file);
        }

        using var stream = typeof(TemplateRenderer).Assembly.GetManifestResourceStream(ResourcePrefix + fileName);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return (reader.ReadToEnd(), "built-in " + fileName);
    }

    /// <summary>Lets templates include others (<c>{{ include 'header.sql.sbn' }}</c>), overrides first.</summary>
    private sealed class Loader(TemplateRenderer renderer) : ITemplateLoader
    {
        public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName) =>
            renderer.Exists(templateName) ? templateName : throw new ScriptRuntimeException(callerSpan, $"There is no template '{templateName}' to include.");

        public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) => renderer.Load(templatePath)!.Value.Text;

        public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) => ValueTask.FromResult<string?>(Load(context, callerSpan, templatePath));
    }
}
