using Microsoft.Build.Framework;
using MigrationTasks.Connections;
using MigrationTasks.Migrations;
using MigrationTasks.Servers;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:ApplyMigrations [-p:Database=staging|production]</c>: applies the pending files of supabase/migrations,
/// compatibly with the Supabase CLI's history. Without Database it proves the migrations apply from empty on a
/// throwaway database (nothing else is touched); a named database whose variable is unset is an error (MT0010).
/// </summary>
public sealed class ApplyMigrations : DatabaseTask
{
    /// <summary>ephemeral (default), staging (STAGING_DATABASE_URL) or production (PRODUCTION_DATABASE_URL).</summary>
    public string? Database { get; set; }

    [Required]
    public string MigrationsDirectory { get; set; } = "";

    public bool DryRun { get; set; }

    public bool IncludeAll { get; set; }

    public bool AllowChangedMigrations { get; set; }

    public string? MigrationLockTimeout { get; set; } = ApplyOptions.DefaultLockTimeout;

    public string? MigrationStatementTimeout { get; set; }

    public int MigrationLockRetries { get; set; } = 3;

    public string? RunnerLockTimeout { get; set; } = "2min";

    /// <summary>The JSON report (top-level "passed").</summary>
    public string? ReportFile { get; set; }

    /// <summary>Where a dry run writes its SQL.</summary>
    public string? DryRunScriptFile { get; set; }

    /// <summary>Run on the throwaway database before the migrations (the Supabase compatibility layer), when it exists.</summary>
    public string? EphemeralSetupScript { get; set; }

    [Output]
    public int AppliedCount { get; private set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var target = DatabaseTarget.Parse(Database);
        var options = new ApplyOptions
        {
            DryRun = DryRun,
            IncludeAll = IncludeAll,
            AllowChangedMigrations = AllowChangedMigrations,
            LockTimeout = PostgresDuration.Validate(nameof(MigrationLockTimeout), MigrationLockTimeout),
            StatementTimeout = PostgresDuration.Validate(nameof(MigrationStatementTimeout), MigrationStatementTimeout),
            LockRetries = MigrationLockRetries >= 0 ? MigrationLockRetries : throw Errors.Errors.InvalidProperty(nameof(MigrationLockRetries), MigrationLockRetries.ToString(System.Globalization.CultureInfo.InvariantCulture), "0 or more"),
            RunnerLockTimeout = PostgresDuration.ToTimeSpan(nameof(RunnerLockTimeout), RunnerLockTimeout) ?? TimeSpan.FromMinutes(2),
            TargetName = target,
            PoolerCheck = PoolerCheck(),
        };
        var set = MigrationSet.Load(MigrationsDirectory, EngineLog);

        ApplyReport report;
        if (target == DatabaseTarget.Ephemeral)
        {
            await using var server = await EphemeralServers.AcquireAsync(ServerRequest(), EngineLog, cancellationToken).ConfigureAwait(false);
            EngineLog.Info($"Database is not set: applying to a throwaway database on an ephemeral server ({server.Kind}, PostgreSQL {server.ServerVersion}), " +
                "deleted afterwards. This proves the migrations apply from empty and touches nothing else; -p:Database=staging or -p:Database=production migrates a real database.");
            if (!string.IsNullOrWhiteSpace(EphemeralSetupScript) && File.Exists(EphemeralSetupScript))
            {
                await SqlScript.RunAsync(server.Connection, EphemeralSetupScript, cancellationToken).ConfigureAwait(false);
                EngineLog.Info($"Prepared the throwaway database with {Path.GetFileName(EphemeralSetupScript)}.");
            }

            report = await MigrationRunner.ApplyAsync(server.Connection, set, options, EngineLog, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var connection = NamedConnection(target);
            report = await MigrationRunner.ApplyAsync(connection, set, options, EngineLog, cancellationToken).ConfigureAwait(false);
        }

        WriteOutputs(report);
        AppliedCount = report.Applied;
        if (report.Failure is not null)
        {
            throw report.Failure;
        }
    }

    private void WriteOutputs(ApplyReport report)
    {
        if (!string.IsNullOrWhiteSpace(ReportFile))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(ReportFile))!);
            File.WriteAllText(ReportFile, Redactor.Redact(report.ToJson()));
            EngineLog.Info($"Report: {ReportFile} (passed: {(report.Passed ? "true" : "false")}).");
        }

        if (report.DryRunSql is not null && !string.IsNullOrWhiteSpace(DryRunScriptFile))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(DryRunScriptFile))!);
            File.WriteAllText(DryRunScriptFile, Redactor.Redact(report.DryRunSql));
            EngineLog.Info($"Dry-run SQL: {DryRunScriptFile}.");
        }
    }
}
