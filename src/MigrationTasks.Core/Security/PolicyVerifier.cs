using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Security.Coverage;
using MigrationTasks.Security.Lint;
using MigrationTasks.Security.Matrix;
using MigrationTasks.Security.Running;
using MigrationTasks.Servers;

namespace MigrationTasks.Security;

/// <summary>
/// VerifyPolicies: reads the configuration, the matrix and the acceptances (file errors come before any
/// connection), then on the database runs the matrix as PostgREST would, measures its coverage of the API surface,
/// and lints the catalog. Read-only: the matrix's transaction and the lint's are both rolled back.
/// </summary>
public static class PolicyVerifier
{
    public static async Task<PolicyReport> VerifyAsync(DatabaseConnection database, PolicyVerificationOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var config = SupabaseApiConfig.Load(options.ConfigFile);
        var settings = config.ToApiSettings();
        var matrix = PolicyMatrixLoader.Load(options.MatrixFile, settings.DefaultSchema);
        var acceptances = LintAcceptances.Load(options.AcceptanceFile);
        log.Info($"Policy matrix {Path.GetFileName(matrix.File)}: {matrix.Personas.Count} personas, {matrix.Checks.Count} checks, {matrix.Cases.Count()} cases; exposed schemas: {string.Join(", ", config.ExposedSchemas)}.");

        await using var connection = await ServerInfo.OpenAsync(database.With(b =>
        {
            b.Pooling = false;
            b.MaxAutoPrepare = 0; // statements differ per case; and prepared statements do not survive the session user switches
        }), cancellationToken).ConfigureAwait(false);
        var version = await ServerInfo.ReadVersionAsync(connection, cancellationToken).ConfigureAwait(false);
        var run = await PolicyMatrixRunner.RunAsync(connection, matrix, settings, options.Run, log, cancellationToken).ConfigureAwait(false);
        log.Info($"Matrix: {run.Cases.Count - run.FailedCount}/{run.Cases.Count} cases passed in {run.Duration.TotalSeconds:0.00} s ({run.Impersonation}).");

        var surface = await ApiSurface.ReadAsync(connection, config.ExposedSchemas, cancellationToken).ConfigureAwait(false);
        var coverage = CoverageReport.Build(surface, run.Cases, matrix.CoverageExclusions);

        var lint = await SecurityLinter.RunAsync(connection, new LintOptions
        {
            ExposedSchemas = config.ExposedSchemas,
            AnonymousSignIns = config.AnonymousSignIns,
            UsageStatistics = options.UsageStatistics,
        }, cancellationToken).ConfigureAwait(false);
        var (findings, unused) = acceptances.Apply(lint.Findings);
        log.Info($"Lint: {lint.Findings.Count} findings ({findings.Count(f => f.Accepted)} accepted) from {LintRules.All.Count - lint.Skipped.Count} lints in {lint.Duration.TotalSeconds:0.00} s.");

        return new PolicyReport
        {
            Target = options.Target,
            ServerVersion = version.ToString(),
            Config = config,
            Matrix = matrix,
            Run = run,
            Coverage = coverage,
            Lint = lint with { Findings = findings },
            UnusedAcceptances = unused,
            AcceptanceFile = acceptances.File,
            RequireFullCoverage = options.RequireFullCoverage,
            FailLevel = options.FailLevel,
        };
    }
}
