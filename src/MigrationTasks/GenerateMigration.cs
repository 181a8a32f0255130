using Microsoft.Build.Framework;
using MigrationTasks.Migrations;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:NewMigration -p:MigrationName=&lt;name&gt; [-p:MigrationTemplate=&lt;template&gt;]</c>: writes
/// supabase/migrations/&lt;14-digit UTC&gt;_&lt;name&gt;.sql from a template, as <c>supabase migration new</c> names it.
/// </summary>
public sealed class GenerateMigration : MigrationTask
{
    public string? MigrationName { get; set; }

    public string? MigrationTemplate { get; set; }

    /// <summary>key=value pairs separated by '|' (on the command line MSBuild itself splits -p values at ';' and ','), for templates that take parameters.</summary>
    public string? MigrationTemplateParameters { get; set; }

    /// <summary>An explicit version instead of the current UTC time.</summary>
    public string? MigrationVersion { get; set; }

    [Required]
    public string SupabaseDirectory { get; set; } = "";

    public string? MigrationsDirectory { get; set; }

    public string? TemplatesDirectory { get; set; }

    [Required]
    public string ArtifactsDirectory { get; set; } = "";

    [Output]
    public string? GeneratedFile { get; private set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        GeneratedFile = await MigrationGenerator.GenerateAsync(new GenerateOptions
        {
            Name = MigrationName?.Trim() ?? "",
            Template = string.IsNullOrWhiteSpace(MigrationTemplate) ? "empty" : MigrationTemplate.Trim(),
            SupabaseDirectory = SupabaseDirectory,
            MigrationsDirectory = string.IsNullOrWhiteSpace(MigrationsDirectory) ? null : MigrationsDirectory,
            TemplatesDirectory = string.IsNullOrWhiteSpace(TemplatesDirectory) ? null : TemplatesDirectory,
            ArtifactsDirectory = ArtifactsDirectory,
            Version = string.IsNullOrWhiteSpace(MigrationVersion) ? null : MigrationVersion.Trim(),
            Parameters = ParseParameters(MigrationTemplateParameters),
        }, EngineLog, cancellationToken).ConfigureAwait(false);
    }

    private static Dictionary<string, string> ParseParameters(string? text)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (text ?? "").Split(['|', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Errors.Errors.InvalidProperty(nameof(MigrationTemplateParameters), pair, "key=value pairs separated by '|', e.g. -p:MigrationTemplateParameters=\"table=bookings|column=notes\"");
            }

            parameters[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
        }

        return parameters;
    }
}
