using Microsoft.Build.Framework;
using MigrationTasks.Data;
using MigrationTasks.Migrations;
using MigrationTasks.Sample;
using MigrationTasks.Tasks.Infrastructure;
using MigrationTasks.Templates;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:NewMigration -p:MigrationName=&lt;name&gt; [-p:MigrationTemplate=&lt;template&gt;]</c>: writes
/// supabase/migrations/&lt;14-digit UTC&gt;_&lt;name&gt;.sql from a template, as <c>supabase migration new</c> names it.
/// Templates that read a catalog (data, cleanup) check their spec against <c>-p:Database=staging|production</c>, or,
/// without it, against the bundled sample production on an ephemeral server.
/// </summary>
public sealed class GenerateMigration : DatabaseTask
{
    /// <summary>staging or production: the catalog the data and cleanup templates check against; empty: the sample production.</summary>
    public string? Database { get; set; }

    /// <summary>The sample production's seed when no Database is given.</summary>
    public string? SampleSeed { get; set; }

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
            OpenDatabase = OpenDatabaseAsync,
        }, EngineLog, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The database a template checks its spec against (only opened when a template asks).</summary>
    private async Task<TemplateDatabase> OpenDatabaseAsync(CancellationToken cancellationToken)
    {
        var target = DatabaseTarget.Parse(Database);
        if (target == DatabaseTarget.Ephemeral)
        {
            EngineLog.Info("Database is not set: checking against the bundled sample production (scale 1) on an ephemeral server, with the pending schema migrations applied; -p:Database=staging|production checks against a real database.");
            var stage = await SampleStage.StartAsync(ServerRequest(), SupabaseDirectory,
                string.IsNullOrWhiteSpace(MigrationsDirectory) ? Path.Combine(SupabaseDirectory, "migrations") : MigrationsDirectory,
                1, SampleProduction.ParseSeed(SampleSeed, "SampleSeed"), EngineLog, cancellationToken).ConfigureAwait(false);
            return new TemplateDatabase(stage.Connection, stage.Description, stage);
        }

        var connection = NamedConnection(target);
        return new TemplateDatabase(connection, $"{target} ({connection.Describe()})");
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
