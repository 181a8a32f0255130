using Microsoft.Build.Framework;
using MigrationTasks.Diff;
using MigrationTasks.Diff.Classification;
using MigrationTasks.Diff.Desired;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:Diff</c>: compares a database (DiffFrom, production by default) with the desired schema (DiffTo: the
/// migrations applied to a shadow database, or another database) and writes the SQL that turns one into the
/// other (prod_diff.sql), diff.md (drift, security differences, legacy objects, each change with its hazards)
/// and diff.json.
/// </summary>
public sealed class DiffSchema : DatabaseTask
{
    /// <summary>Name of the variable holding the database to change; empty means ProductionUrlVariable.</summary>
    public string? DiffFrom { get; set; }

    /// <summary>"migrations" (default), or the name of a variable holding the desired database's URL.</summary>
    public string? DiffTo { get; set; }

    /// <summary>The SQL script to write; diff.md and diff.json go next to it.</summary>
    [Required]
    public string DiffOut { get; set; } = "";

    /// <summary>The supabase/ folder: migrations/ and the compatibility layer (sample/supabase_layer.sql).</summary>
    [Required]
    public string SupabaseDirectory { get; set; } = "";

    /// <summary>Where the desired-schema cache lives (artifacts/).</summary>
    [Required]
    public string ArtifactsDirectory { get; set; } = "";

    /// <summary>The repository root: paths in reports are relative to it.</summary>
    public string? RepositoryRoot { get; set; }

    /// <summary>The diff configuration (legacy patterns and objects, ignored schemas); a missing file means none.</summary>
    public string? DiffConfig { get; set; }

    /// <summary>supabase (default: leave what Supabase manages alone) or none.</summary>
    public string? DiffProfile { get; set; }

    public bool AllowDestructive { get; set; }

    public bool FailOnDrift { get; set; }

    /// <summary>Build indexes on existing tables with CREATE INDEX CONCURRENTLY, after the transaction.</summary>
    public bool DiffConcurrentIndexes { get; set; }

    [Output]
    public string? ScriptFile { get; private set; }

    [Output]
    public string? ReportFile { get; private set; }

    [Output]
    public int DriftCount { get; private set; }

    [Output]
    public int SecurityCount { get; private set; }

    [Output]
    public int LegacyCount { get; private set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var fromVariable = string.IsNullOrWhiteSpace(DiffFrom) ? ProductionUrlVariable : DiffFrom.Trim();
        var from = RequireConnection(nameof(DiffFrom), fromVariable, "database to diff (DiffFrom)");
        var to = string.IsNullOrWhiteSpace(DiffTo) ? "migrations" : DiffTo.Trim();
        var request = new DiffRequest
        {
            From = from,
            FromLabel = $"{fromVariable} ({from.Describe()})",
            ToDatabase = string.Equals(to, "migrations", StringComparison.OrdinalIgnoreCase) ? null : RequireConnection(nameof(DiffTo), to, "desired database (DiffTo)"),
            ToMigrations = string.Equals(to, "migrations", StringComparison.OrdinalIgnoreCase) ? Shadow() : null,
            Options = new DiffOptions { AllowDestructive = AllowDestructive, ConcurrentIndexes = DiffConcurrentIndexes },
            Profile = Diff.Classification.DiffProfile.Named(DiffProfile),
            Config = Diff.Classification.DiffConfig.Load(DiffConfig),
            ScriptPath = DiffOut,
            BaseDirectory = RepositoryRoot,
        };

        var result = await DiffRunner.RunAsync(request, EngineLog, cancellationToken).ConfigureAwait(false);
        ScriptFile = result.ScriptPath;
        ReportFile = result.MarkdownPath;
        DriftCount = result.Report.Drift.Count;
        SecurityCount = result.Report.Security.Count;
        LegacyCount = result.Report.Legacy.Count;
        Log.LogMessage(MessageImportance.High, "Diff: {0} unexpected drift, {1} security differences, {2} legacy objects. Script: {3}; report: {4}",
            DriftCount, SecurityCount, LegacyCount, result.ScriptPath, result.MarkdownPath);
        if (FailOnDrift && !result.Report.Passed)
        {
            throw Errors.Errors.DriftFound(DriftCount, SecurityCount, result.MarkdownPath);
        }
    }

    private ShadowRequest Shadow()
    {
        var layer = Path.Combine(SupabaseDirectory, "sample", "supabase_layer.sql");
        return new ShadowRequest
        {
            MigrationsDirectory = Path.Combine(SupabaseDirectory, "migrations"),
            LayerScript = File.Exists(layer) ? layer : null,
            Server = ServerRequest(),
            CacheDirectory = Path.Combine(ArtifactsDirectory, "cache"),
        };
    }
}
