using Microsoft.Build.Framework;
using MigrationTasks.Connections;
using MigrationTasks.Diff;
using MigrationTasks.Diff.Classification;
using MigrationTasks.Diff.Desired;
using MigrationTasks.Sample;
using MigrationTasks.Servers;
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

    /// <summary>Scale of the bundled sample production, diffed when production is not configured.</summary>
    public string? SampleScale { get; set; }

    public string? SampleSeed { get; set; }

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
        var to = string.IsNullOrWhiteSpace(DiffTo) ? "migrations" : DiffTo.Trim();
        var fromMigrations = string.Equals(to, "migrations", StringComparison.OrdinalIgnoreCase);
        var desiredDatabase = fromMigrations ? null : RequireConnection(nameof(DiffTo), to, "desired database (DiffTo)");
        var from = ResolveConnection(nameof(DiffFrom), fromVariable);
        string fromLabel;
        IPostgresServer? sampleServer = null;
        try
        {
            if (from is not null)
            {
                fromLabel = $"{fromVariable} ({from.Describe()})";
            }
            else if (fromVariable == ProductionUrlVariable)
            {
                // No production configured: the bundled sample production stands in, and the output says so.
                var scale = SampleProduction.ParseScale(SampleScale, nameof(SampleScale));
                var seed = SampleProduction.ParseSeed(SampleSeed, nameof(SampleSeed));
                EngineLog.Info($"{ProductionUrlVariable} is not set: diffing the bundled sample production (scale {scale}, seed {seed}) on an ephemeral server.");
                sampleServer = await EphemeralServers.AcquireAsync(ServerRequest(), EngineLog, cancellationToken).ConfigureAwait(false);
                from = await SampleProduction.CreateAsync(sampleServer, SupabaseDirectory, scale, seed, EngineLog, cancellationToken).ConfigureAwait(false);
                fromLabel = $"the sample production (scale {scale}, seed {seed})";
            }
            else
            {
                throw Errors.Errors.VariableNotSet(fromVariable, "database to diff (DiffFrom)");
            }

            await DiffAsync(from, fromLabel, desiredDatabase, fromMigrations ? Shadow(sampleServer) : null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (sampleServer is not null)
            {
                await sampleServer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task DiffAsync(DatabaseConnection from, string fromLabel, DatabaseConnection? desiredDatabase, ShadowRequest? shadow, CancellationToken cancellationToken)
    {
        var request = new DiffRequest
        {
            From = from,
            FromLabel = fromLabel,
            ToDatabase = desiredDatabase,
            ToMigrations = shadow,
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

    /// <summary>The shadow database's request: on the sample's server when there is one (no second server start).</summary>
    private ShadowRequest Shadow(IPostgresServer? sampleServer)
    {
        var layer = Path.Combine(SupabaseDirectory, "sample", "supabase_layer.sql");
        return new ShadowRequest
        {
            MigrationsDirectory = Path.Combine(SupabaseDirectory, "migrations"),
            LayerScript = File.Exists(layer) ? layer : null,
            Server = sampleServer is null ? ServerRequest() : ServerRequest() with { Existing = sampleServer.Connection },
            CacheDirectory = Path.Combine(ArtifactsDirectory, "cache"),
        };
    }
}
