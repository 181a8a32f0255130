using System.Globalization;
using Microsoft.Build.Framework;
using MigrationTasks.Connections;
using MigrationTasks.Indexes;
using MigrationTasks.Migrations;
using MigrationTasks.Sample;
using MigrationTasks.Servers;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:AnalyzeIndexes [-p:Database=staging]</c>: explains the workload (supabase/tests/workload.sql) on the migrated
/// staging clone, finds what lacks an index, tries each proposal on the clone and keeps those that help; writes
/// artifacts/indexes/indexes.json and report.md, which <c>-p:MigrationTemplate=indexes</c> turns into a migration.
/// Without Database it analyses the bundled sample production, built on an ephemeral server and migrated with every
/// pending migration, and says so. Never production (MT0707): the trials create indexes.
/// </summary>
public sealed class AnalyzeIndexes : DatabaseTask
{
    /// <summary>staging (STAGING_DATABASE_URL) or empty (the bundled sample on an ephemeral server).</summary>
    public string? Database { get; set; }

    [Required]
    public string WorkloadFile { get; set; } = "";

    [Required]
    public string SupabaseDirectory { get; set; } = "";

    [Required]
    public string MigrationsDirectory { get; set; } = "";

    /// <summary>Where indexes.json and report.md go (artifacts/indexes/).</summary>
    [Required]
    public string OutputDirectory { get; set; } = "";

    public string? SampleScale { get; set; }

    public string? SampleSeed { get; set; }

    /// <summary>Measured runs per query (after a warm-up); the median counts.</summary>
    public string? IndexRuns { get; set; }

    /// <summary>Tables above this many rows are large: reading one sequentially is a finding.</summary>
    public string? IndexLargeTableRows { get; set; }

    /// <summary>The percentage a query must get faster by for an index to be kept.</summary>
    public string? IndexMinimumGain { get; set; }

    [Output]
    public string? AnalysisFile { get; private set; }

    [Output]
    public int KeptIndexes { get; private set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var target = DatabaseTarget.Parse(Database);
        if (target == DatabaseTarget.Production)
        {
            throw Errors.Errors.AnalyzeOnProduction();
        }

        var workload = Workload.Load(WorkloadFile);
        var set = MigrationSet.Load(MigrationsDirectory, EngineLog);
        var options = new IndexAnalysisOptions
        {
            Source = "",
            Runs = Whole(nameof(IndexRuns), IndexRuns, 5, 1, 100),
            LargeTableRows = Whole(nameof(IndexLargeTableRows), IndexLargeTableRows, 10_000, 0, int.MaxValue),
            MinimumGain = Whole(nameof(IndexMinimumGain), IndexMinimumGain, 20, 1, 99) / 100.0,
            Migrations = set,
            RepositoryRoot = Path.GetFullPath(Path.Combine(SupabaseDirectory, "..")),
            PoolerCheck = PoolerCheck(),
        };

        IndexAnalysis analysis;
        if (target == DatabaseTarget.Staging)
        {
            var staging = RequireConnection(nameof(StagingUrlVariable), StagingUrlVariable, "staging");
            analysis = await IndexAnalyzer.AnalyzeAsync(staging, workload, options with { Source = $"the staging database ({StagingUrlVariable}) as it is" }, EngineLog, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            analysis = await AnalyzeSampleAsync(workload, set, options, cancellationToken).ConfigureAwait(false);
        }

        Directory.CreateDirectory(OutputDirectory);
        AnalysisFile = Path.Combine(OutputDirectory, "indexes.json");
        File.WriteAllText(AnalysisFile, Redactor.Redact(analysis.ToJson()));
        var report = Path.Combine(OutputDirectory, "report.md");
        File.WriteAllText(report, Redactor.Redact(analysis.ToMarkdown()));
        KeptIndexes = analysis.Kept.Count();
        EngineLog.Info($"Report: {report}; analysis: {AnalysisFile} (passed: {(analysis.Passed ? "true" : "false")}).");
        if (KeptIndexes > 0)
        {
            EngineLog.Info("Write the migration with: dotnet msbuild -t:NewMigration -p:MigrationName=optimize_v3_indexes -p:MigrationTemplate=indexes");
        }
    }

    /// <summary>The sample production on an ephemeral server, every pending migration applied, then the analysis.</summary>
    private async Task<IndexAnalysis> AnalyzeSampleAsync(Workload workload, MigrationSet set, IndexAnalysisOptions options, CancellationToken cancellationToken)
    {
        var scale = SampleProduction.ParseScale(SampleScale, nameof(SampleScale));
        var seed = SampleProduction.ParseSeed(SampleSeed, nameof(SampleSeed));
        EngineLog.Info($"Database is not set: analysing the bundled sample production (scale {scale}, seed {seed}) on an ephemeral server, migrated with the pending migrations of {set.Directory}; -p:Database=staging analyses your staging clone.");
        await using var server = await EphemeralServers.AcquireAsync(ServerRequest(), EngineLog, cancellationToken).ConfigureAwait(false);
        var sample = await SampleProduction.CreateAsync(server, SupabaseDirectory, scale, seed, EngineLog, cancellationToken).ConfigureAwait(false);
        var applied = await MigrationRunner.ApplyAsync(sample, set, new ApplyOptions { TargetName = DatabaseTarget.Ephemeral, PoolerCheck = PoolerCheck() }, EngineLog, cancellationToken).ConfigureAwait(false);
        if (applied.Failure is not null)
        {
            throw applied.Failure;
        }

        var source = string.Create(CultureInfo.InvariantCulture,
            $"the bundled sample production (scale {scale}, seed {seed}) on an ephemeral server, with its {applied.Applied} pending migration(s) applied; its v3 tables hold only the rows the migrations put there");
        return await IndexAnalyzer.AnalyzeAsync(sample, workload, options with { Source = source }, EngineLog, cancellationToken).ConfigureAwait(false);
    }

    private static int Whole(string property, string? value, int fallback, int minimum, int maximum)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= minimum && number <= maximum
            ? number
            : throw Errors.Errors.InvalidProperty(property, value, string.Create(CultureInfo.InvariantCulture, $"a whole number from {minimum} to {maximum}"));
    }
}
