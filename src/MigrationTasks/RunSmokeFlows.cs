using Microsoft.Build.Framework;
using MigrationTasks.Connections;
using MigrationTasks.Migrations;
using MigrationTasks.Sample;
using MigrationTasks.Security;
using MigrationTasks.Servers;
using MigrationTasks.Smoke;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:Smoke [-p:Database=staging|production]</c>: runs the flows of supabase/tests/smoke.yaml as PostgREST
/// personas, each flow in a transaction that is rolled back, and writes smoke.md and smoke.json. Without Database
/// it builds the bundled sample production on an ephemeral server, applies every pending migration (the state
/// production will be in after Migrate), runs the flows there and says so.
/// </summary>
public sealed class RunSmokeFlows : DatabaseTask
{
    /// <summary>ephemeral (default: the migrated sample production), staging or production.</summary>
    public string? Database { get; set; }

    [Required]
    public string SmokeFile { get; set; } = "";

    /// <summary>Only these flows (names separated by '|'); empty runs them all.</summary>
    public string? SmokeFlows { get; set; }

    [Required]
    public string SmokeReportDirectory { get; set; } = "";

    /// <summary>The supabase/ folder: config.toml ([api] schemas), and sample/ for the sample production.</summary>
    [Required]
    public string SupabaseDirectory { get; set; } = "";

    [Required]
    public string MigrationsDirectory { get; set; } = "";

    public string? SampleScale { get; set; }

    public string? SampleSeed { get; set; }

    [Output]
    public bool Passed { get; private set; }

    [Output]
    public string? ReportFile { get; private set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var target = DatabaseTarget.Parse(Database);
        var file = SmokeFileLoader.Load(SmokeFile);
        var options = new SmokeRunOptions
        {
            Api = SupabaseApiConfig.Load(Path.Combine(SupabaseDirectory, "config.toml")).ToApiSettings(),
            Flows = [.. (SmokeFlows ?? "").Split(['|', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        };
        var unknown = options.Flows.Where(name => file.Flows.All(f => f.Name != name)).ToList();
        if (unknown.Count > 0)
        {
            throw Errors.Errors.InvalidProperty(nameof(SmokeFlows), string.Join(";", unknown), "names of flows in " + Path.GetFileName(SmokeFile) + ": " + string.Join("; ", file.Flows.Select(f => f.Name)));
        }

        SmokeRunResult result;
        if (target == DatabaseTarget.Ephemeral)
        {
            var scale = SampleProduction.ParseScale(SampleScale, nameof(SampleScale));
            var seed = SampleProduction.ParseSeed(SampleSeed, nameof(SampleSeed));
            EngineLog.Info($"Database is not set: running the smoke flows on the bundled sample production (scale {scale}, seed {seed}) with every pending migration applied, " +
                "on an ephemeral server deleted afterwards. -p:Database=staging or -p:Database=production runs them on a real database.");
            await using var server = await EphemeralServers.AcquireAsync(ServerRequest(), EngineLog, cancellationToken).ConfigureAwait(false);
            var sample = await SampleProduction.CreateAsync(server, SupabaseDirectory, scale, seed, EngineLog, cancellationToken).ConfigureAwait(false);
            var applied = await MigrationRunner.ApplyAsync(sample, MigrationSet.Load(MigrationsDirectory, EngineLog), new ApplyOptions { TargetName = "sample production" }, EngineLog, cancellationToken).ConfigureAwait(false);
            if (applied.Failure is not null)
            {
                throw applied.Failure;
            }

            result = await SmokeRunner.RunAsync(sample, file, EngineLog, cancellationToken, options).ConfigureAwait(false);
        }
        else
        {
            DatabaseConnection connection = target == DatabaseTarget.Staging
                ? RequireConnection(nameof(StagingUrlVariable), StagingUrlVariable, "staging")
                : RequireConnection(nameof(ProductionUrlVariable), ProductionUrlVariable, "production");
            result = await SmokeRunner.RunAsync(connection, file, EngineLog, cancellationToken, options).ConfigureAwait(false);
        }

        Directory.CreateDirectory(SmokeReportDirectory);
        ReportFile = Path.Combine(SmokeReportDirectory, "smoke.md");
        await File.WriteAllTextAsync(ReportFile, Redactor.Redact(result.ToMarkdown()), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(SmokeReportDirectory, "smoke.json"), Redactor.Redact(result.ToJson()), cancellationToken).ConfigureAwait(false);
        Passed = result.Passed;
        Log.LogMessage(MessageImportance.High, "Smoke: {0} of {1} flows passed; nothing was kept. Report: {2}", result.Flows.Count(f => f.Passed), result.Flows.Count, ReportFile);
        if (!result.Passed)
        {
            throw Errors.Errors.SmokeFlowsFailed(result.Failed.Count, result.Flows.Count, string.Join("; ", result.Failed.Select(f => $"'{f.Name}' (line {f.Line})")), ReportFile);
        }
    }
}
