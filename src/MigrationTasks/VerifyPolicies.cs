using Microsoft.Build.Framework;
using MigrationTasks.Connections;
using MigrationTasks.Migrations;
using MigrationTasks.Sample;
using MigrationTasks.Security;
using MigrationTasks.Security.Lint;
using MigrationTasks.Security.Reports;
using MigrationTasks.Security.Running;
using MigrationTasks.Servers;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:VerifyPolicies [-p:Database=staging|production] [-p:RequireFullCoverage=true]</c>: runs the policy matrix
/// as PostgREST runs supabase-js calls (roles, JWT claims, rolled back), measures its coverage of the Data API,
/// lints the catalog for Supabase's security and performance pitfalls, and writes report.md and report.json.
/// Without Database it checks a migrated staging clone of the bundled sample production (built on an ephemeral
/// server, pending migrations applied with the runner); a named database is only read.
/// </summary>
public sealed class VerifyPolicies : DatabaseTask
{
    /// <summary>ephemeral (default: the migrated sample clone), staging (STAGING_DATABASE_URL) or production (PRODUCTION_DATABASE_URL).</summary>
    public string? Database { get; set; }

    /// <summary>The supabase/ folder (config.toml, sample/).</summary>
    [Required]
    public string SupabaseDirectory { get; set; } = "";

    /// <summary>The migrations applied to the sample clone.</summary>
    public string? MigrationsDirectory { get; set; }

    [Required]
    public string PolicyMatrixFile { get; set; } = "";

    /// <summary>Lint findings accepted with a reason; none when empty or missing.</summary>
    public string? LintAcceptedFile { get; set; }

    public bool RequireFullCoverage { get; set; }

    /// <summary>error (default), warn or info: open lint findings at this level or above fail the target.</summary>
    public string? LintFailLevel { get; set; }

    /// <summary>lock_timeout for the fixtures (5s).</summary>
    public string? PolicyLockTimeout { get; set; }

    /// <summary>Where report.md and report.json go.</summary>
    [Required]
    public string ReportDirectory { get; set; } = "";

    /// <summary>Paths in the reports are relative to this folder (the repository).</summary>
    public string? ReportBaseDirectory { get; set; }

    public string? SampleScale { get; set; }

    public string? SampleSeed { get; set; }

    [Output]
    public bool Passed { get; private set; }

    [Output]
    public int FailedCases { get; private set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var target = DatabaseTarget.Parse(Database);
        var failLevel = (LintFailLevel ?? "").Trim().ToLowerInvariant() switch
        {
            "" or "error" => LintLevel.Error,
            "warn" or "warning" => LintLevel.Warn,
            "info" => LintLevel.Info,
            _ => throw Errors.Errors.InvalidProperty(nameof(LintFailLevel), LintFailLevel!, "error (the default), warn or info"),
        };
        var lockTimeout = PostgresDuration.Validate(nameof(PolicyLockTimeout), PolicyLockTimeout) ?? "5s";
        var options = new PolicyVerificationOptions
        {
            MatrixFile = PolicyMatrixFile,
            AcceptanceFile = string.IsNullOrWhiteSpace(LintAcceptedFile) ? null : LintAcceptedFile,
            ConfigFile = Path.Combine(SupabaseDirectory, "config.toml"),
            RequireFullCoverage = RequireFullCoverage,
            FailLevel = failLevel,
            UsageStatistics = target == DatabaseTarget.Production,
            Run = new MatrixRunOptions { LockTimeout = lockTimeout },
        };

        // File errors (matrix, acceptances, config) come before any server starts.
        _ = SupabaseApiConfig.Load(options.ConfigFile);
        _ = Security.Matrix.PolicyMatrixLoader.Load(options.MatrixFile);
        _ = LintAcceptances.Load(options.AcceptanceFile);

        PolicyReport report;
        if (target == DatabaseTarget.Ephemeral)
        {
            var scale = SampleProduction.ParseScale(SampleScale, nameof(SampleScale));
            var seed = SampleProduction.ParseSeed(SampleSeed, nameof(SampleSeed));
            await using var server = await EphemeralServers.AcquireAsync(ServerRequest(), EngineLog, cancellationToken).ConfigureAwait(false);
            EngineLog.Info($"Database is not set: checking a migrated staging clone of the bundled sample production (scale {scale}) on an ephemeral server ({server.Kind}, PostgreSQL {server.ServerVersion}), " +
                "deleted afterwards. -p:Database=staging or -p:Database=production checks a real database (read-only).");
            var sample = await SampleProduction.CreateAsync(server, SupabaseDirectory, scale, seed, EngineLog, cancellationToken).ConfigureAwait(false);
            var migrations = MigrationSet.Load(string.IsNullOrWhiteSpace(MigrationsDirectory) ? Path.Combine(SupabaseDirectory, "migrations") : MigrationsDirectory, EngineLog);
            var applied = await MigrationRunner.ApplyAsync(sample, migrations, new ApplyOptions { TargetName = "the sample clone" }, EngineLog, cancellationToken).ConfigureAwait(false);
            if (applied.Failure is not null)
            {
                throw applied.Failure;
            }

            EngineLog.Info($"Applied {applied.Applied} pending migration(s) to the clone.");
            report = await PolicyVerifier.VerifyAsync(sample, options with { Target = $"migrated staging clone of the sample production (scale {scale}, seed {seed}, {applied.Applied} pending migration(s) applied) on an ephemeral server" },
                EngineLog, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var connection = target == DatabaseTarget.Staging
                ? RequireConnection(nameof(StagingUrlVariable), StagingUrlVariable, "staging")
                : RequireConnection(nameof(ProductionUrlVariable), ProductionUrlVariable, "production");
            EngineLog.Info($"Checking {target} ({connection.Describe()}) read-only: the cases and the lint run in transactions that are rolled back.");
            report = await PolicyVerifier.VerifyAsync(connection, options with { Target = $"{target} ({connection.Describe()})" }, EngineLog, cancellationToken).ConfigureAwait(false);
        }

        Report(report);
    }

    private void Report(PolicyReport report)
    {
        var baseDirectory = string.IsNullOrWhiteSpace(ReportBaseDirectory) ? Directory.GetCurrentDirectory() : ReportBaseDirectory;
        var (markdown, json) = PolicyReportWriter.Write(report, ReportDirectory, baseDirectory, Redactor.Redact);

        foreach (var failed in report.Run.Cases.Where(c => !c.Passed))
        {
            LogCodedError(Errors.Errors.PolicyCaseFailed(failed.Case.Location.File, failed.Case.Location.Line, failed.Case.Name, failed.Failure ?? failed.Actual));
        }

        foreach (var finding in report.Lint.Findings.Where(f => !f.Accepted).OrderByDescending(f => f.Rule.Level))
        {
            if (finding.Rule.Level >= report.FailLevel)
            {
                LogCodedError(Errors.Errors.LintFinding(finding.Rule.Name, finding.Rule.Level.ToString().ToUpperInvariant(), finding.Detail, finding.Fix));
            }
            else if (finding.Rule.Level == LintLevel.Warn)
            {
                EngineLog.Warning("MT0630", $"Security lint {finding.Rule.Name}: {finding.Detail} Fix: {finding.Fix}");
            }
            else
            {
                EngineLog.Info($"Lint (info) {finding.Rule.Name}: {finding.Detail}");
            }
        }

        foreach (var gap in report.Coverage.DescribeGaps())
        {
            if (report.RequireFullCoverage)
            {
                LogCodedError(Errors.Errors.CoverageGap(gap));
            }
            else
            {
                EngineLog.Warning("MT0631", $"Not covered by any policy case: {gap} (-p:RequireFullCoverage=true makes this an error).");
            }
        }

        EngineLog.Info(report.Summary);
        EngineLog.Info($"Report: {markdown} and {json} (passed: {(report.Passed ? "true" : "false")}).");
        Passed = report.Passed;
        FailedCases = report.Run.FailedCount;
    }
}
