using Microsoft.Build.Framework;
using MigrationTasks.Backup;
using MigrationTasks.Migrations;
using MigrationTasks.Rehearsal;
using MigrationTasks.Sample;
using MigrationTasks.Servers;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:Rehearse</c>: the whole migration on a staging clone, never on production (see <see cref="RehearsalRunner"/>):
/// clone, diff, validate, apply, validate, the decisive schema check, policies, smoke flows, and a simulated failure
/// rolled back on a second clone. Writes <c>artifacts/rehearsal/&lt;UTC timestamp&gt;/report.md</c> and
/// <c>receipt.json</c>, and fails (MT0801) when the receipt does not pass. Without a configured production, the
/// bundled sample production is rehearsed, and the output says so.
/// </summary>
public sealed class RehearseMigration : RehearsingTask
{
    [Required]
    public string ArtifactsDirectory { get; set; } = "";

    /// <summary>Where rehearsals go (default <c>artifacts/rehearsal</c>); each run gets a folder named by its UTC start.</summary>
    public string? RehearsalDirectory { get; set; }

    public string? MigrationsDirectory { get; set; }

    /// <summary>The bundled sample's own align, data and cleanup migrations, rehearsed after MigrationsDirectory when production is the sample (empty: none).</summary>
    public string? SampleMigrationsDirectory { get; set; }

    /// <summary>Template overrides (<c>supabase/templates</c>), for the report too.</summary>
    public string? TemplatesDirectory { get; set; }

    public string? DiffConfig { get; set; }

    public string? DiffProfile { get; set; }

    /// <summary>pg_restore's parallel jobs; empty means one per core (2 to 8).</summary>
    public string? RestoreJobs { get; set; }

    /// <summary>Run the simulated failure and rollback (default true; the receipt does not pass without it).</summary>
    public string? RehearseFailureDrill { get; set; }

    /// <summary>Keep the clone databases on the staging server for inspection (default false).</summary>
    public string? KeepClones { get; set; }

    [Output]
    public string? ReceiptPath { get; private set; }

    [Output]
    public string? ReportPath { get; private set; }

    [Output]
    public bool Passed { get; private set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var backup = ReadBackupOptions("production");
        var restoreJobs = PropertyValues.Number(nameof(RestoreJobs), RestoreJobs, BackupOptions.DefaultJobs, 1, 64);
        var drill = PropertyValues.Flag(nameof(RehearseFailureDrill), RehearseFailureDrill, true);
        var keep = PropertyValues.Flag(nameof(KeepClones), KeepClones, false);
        var supabase = SupabaseDirectory ?? "";
        var migrations = string.IsNullOrWhiteSpace(MigrationsDirectory) ? Path.Combine(supabase, "migrations") : MigrationsDirectory;
        var diffConfig = Diff.Classification.DiffConfig.Load(DiffConfig);
        var dataValidation = DataValidation();
        var checks = Checks(onProduction: false);
        var staging = StagingConnection();
        var configured = ProductionConnection();
        if (staging is not null)
        {
            RestoreDatabase.RefuseProductionAsStaging(staging, configured);
            if (configured is not null && string.Equals(staging.Host, configured.Host, StringComparison.OrdinalIgnoreCase) && staging.Port == configured.Port)
            {
                EngineLog.Warning(Errors.RehearsalWarnings.StagingOnProductionServer,
                    $"{StagingUrlVariable} is on production's server ({staging.Host}:{staging.Port}): the rehearsal's clones, restores and migrations will load it. Point {StagingUrlVariable} at another server, or leave it unset for an ephemeral one.");
            }
        }

        if (configured is null)
        {
            // A bad scale or seed is an error before any server starts.
            _ = SampleProduction.ParseScale(SampleScale, nameof(SampleScale));
            _ = SampleProduction.ParseSeed(SampleSeed, nameof(SampleSeed));
        }

        // Staging first, then production (or the sample): the staging server is the newest PostgreSQL found, and the
        // restore refuses one older than production's.
        await using var server = staging is null
            ? await EphemeralServers.AcquireAsync(ServerRequest(), EngineLog, cancellationToken).ConfigureAwait(false)
            : null;
        var stagingServer = staging ?? server!.Connection;
        EngineLog.Info(server is null
            ? $"Staging: existing server {staging!.Describe()} ({StagingUrlVariable}); the clones are created beside it and dropped afterwards."
            : $"Staging: {server.Kind} {server.Connection.Describe()}, PostgreSQL {server.ServerVersion} ({StagingUrlVariable} is not set: an ephemeral server, deleted afterwards).");

        var (production, sampleServer) = await ProductionOrSampleAsync(cancellationToken).ConfigureAwait(false);
        await using var sample = sampleServer;
        var version = await ServerInfo.ReadVersionAsync(production, cancellationToken).ConfigureAwait(false);
        EngineLog.Info($"Production: {(sample is null ? production.Describe() : "the bundled sample production")}, PostgreSQL {version}; only read.");
        if (sample is not null && !string.IsNullOrWhiteSpace(SampleMigrationsDirectory) && !string.Equals(SampleMigrationsDirectory, "none", StringComparison.OrdinalIgnoreCase) && Directory.Exists(SampleMigrationsDirectory) && Directory.Exists(migrations))
        {
            migrations = SampleMigrations.Combine(migrations, SampleMigrationsDirectory, Path.Combine(ArtifactsDirectory, "cache", "sample-migrations"), EngineLog);
        }

        if (MigrationSet.Load(migrations, EngineLog).Files.Count == 0)
        {
            throw Errors.Errors.NoMigrations(migrations);
        }

        var result = await RehearsalRunner.RunAsync(new RehearsalOptions
        {
            Production = production,
            ProductionLabel = sample is null ? $"production ({production.Describe()})" : $"the bundled sample production (scale {SampleScale}, seed {SampleSeed})",
            ProductionIsSample = sample is not null,
            Staging = stagingServer,
            SupabaseDirectory = supabase,
            MigrationsDirectory = migrations,
            ReportDirectory = ReportFolders.New(RehearsalDirectory, Path.Combine(ArtifactsDirectory, "rehearsal")),
            CacheDirectory = Path.Combine(ArtifactsDirectory, "cache"),
            Backup = backup,
            RestoreJobs = restoreJobs,
            ShadowServer = ServerRequest(stagingServer),
            DiffProfile = Diff.Classification.DiffProfile.Named(DiffProfile),
            DiffConfig = diffConfig,
            DataValidation = dataValidation,
            Checks = checks,
            FailureDrill = drill,
            KeepClones = keep,
            TemplatesDirectory = string.IsNullOrWhiteSpace(TemplatesDirectory) ? Path.Combine(supabase, "templates") : TemplatesDirectory,
            RepositoryRoot = string.IsNullOrWhiteSpace(RepositoryRoot) ? null : RepositoryRoot,
        }, EngineLog, cancellationToken).ConfigureAwait(false);

        ReceiptPath = result.ReceiptPath;
        ReportPath = result.ReportPath;
        Passed = result.Receipt.Passed;
        if (Passed)
        {
            // The one line a default-verbosity build shows: what passed and where the evidence is.
            Log.LogMessage(MessageImportance.High, "Rehearsal passed: {0} steps on {1}. Report: {2} Receipt: {3}",
                result.Receipt.Steps.Count(s => s.Status == StepStatus.Passed), sample is null ? "a staging clone of production" : "a staging clone of the bundled sample production", ReportPath, ReceiptPath);
        }
        else
        {
            var failed = string.Join(", ", result.Receipt.Steps.Where(s => s.Status == StepStatus.Failed).Select(s => s.Name).DefaultIfEmpty("a required step did not run"));
            throw Errors.Errors.RehearsalFailed($"failed: {failed}", result.ReportPath);
        }
    }
}
