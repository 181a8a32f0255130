using System.Globalization;
using MigrationTasks.Data.Spec;
using MigrationTasks.Rehearsal;
using MigrationTasks.Rehearsal.Checks;
using MigrationTasks.Security;
using MigrationTasks.Security.Lint;
using MigrationTasks.Security.Running;

namespace MigrationTasks.Tasks.Infrastructure;

/// <summary>
/// The base of <see cref="RehearseMigration"/> and <see cref="MigrateProduction"/>: the properties of the checks both
/// run on the migrated database (data validation with the mapping spec, the policy matrix and lint), read and
/// checked before any server starts. A spec or matrix file that does not exist is left out, and the report says so.
/// </summary>
public abstract class RehearsingTask : BackupingTask
{
    /// <summary>The v1 to v3 mapping spec (supabase/v1_to_v3.yaml): validation before and after the data migration.</summary>
    public string? DataMappingSpec { get; set; }

    /// <summary>Seed of the random spot-check sample (empty: a new one each run, shown in the report).</summary>
    public string? ValidationSeed { get; set; }

    /// <summary>The policy matrix (supabase/tests/policies.yaml).</summary>
    public string? PolicyMatrixFile { get; set; }

    public string? LintAcceptedFile { get; set; }

    public bool RequireFullCoverage { get; set; }

    /// <summary>error (default), warn or info.</summary>
    public string? LintFailLevel { get; set; }

    public string? PolicyLockTimeout { get; set; }

    /// <summary>The smoke flows (supabase/tests/smoke.yaml): run after the policies on the migrated database.</summary>
    public string? SmokeFile { get; set; }

    /// <summary>Paths in the reports are relative to this folder (the repository).</summary>
    public string? RepositoryRoot { get; set; }

    /// <summary>The data validation, or null when there is no spec file.</summary>
    protected IDataValidation? DataValidation()
    {
        long? seed = string.IsNullOrWhiteSpace(ValidationSeed) ? null
            : long.TryParse(ValidationSeed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s
            : throw Errors.Errors.InvalidProperty(nameof(ValidationSeed), ValidationSeed, "a whole number");
        if (string.IsNullOrWhiteSpace(DataMappingSpec) || !File.Exists(DataMappingSpec))
        {
            EngineLog.Info($"No data mapping spec ({(string.IsNullOrWhiteSpace(DataMappingSpec) ? "DataMappingSpec is empty" : DataMappingSpec + " does not exist")}): the data is not validated.");
            return null;
        }

        return new DataValidationCheck(MappingSpecLoader.Load(DataMappingSpec), seed);
    }

    /// <summary>The checks on the migrated database, in order: policies and functions, then the smoke flows.</summary>
    protected IReadOnlyList<IRehearsalCheck> Checks(bool onProduction)
    {
        var checks = new List<IRehearsalCheck>();
        if (PolicyCheck(onProduction) is { } policies)
        {
            checks.Add(policies);
        }

        if (string.IsNullOrWhiteSpace(SmokeFile) || !File.Exists(SmokeFile))
        {
            EngineLog.Info($"No smoke flows ({(string.IsNullOrWhiteSpace(SmokeFile) ? "SmokeFile is empty" : SmokeFile + " does not exist")}): no smoke test runs.");
        }
        else
        {
            // File errors come before any server starts, like the matrix's.
            var file = Smoke.SmokeFileLoader.Load(SmokeFile);
            var api = SupabaseApiConfig.Load(Path.Combine(SupabaseDirectory ?? "", "config.toml")).ToApiSettings();
            checks.Add(new SmokeCheck(file, new Smoke.SmokeRunOptions { Api = api }, Redactor.Redact));
        }

        return checks;
    }

    private PolicyCheck? PolicyCheck(bool onProduction)
    {
        if (string.IsNullOrWhiteSpace(PolicyMatrixFile) || !File.Exists(PolicyMatrixFile))
        {
            EngineLog.Info($"No policy matrix ({(string.IsNullOrWhiteSpace(PolicyMatrixFile) ? "PolicyMatrixFile is empty" : PolicyMatrixFile + " does not exist")}): policies are not verified.");
            return null;
        }

        var failLevel = (LintFailLevel ?? "").Trim().ToLowerInvariant() switch
        {
            "" or "error" => LintLevel.Error,
            "warn" or "warning" => LintLevel.Warn,
            "info" => LintLevel.Info,
            _ => throw Errors.Errors.InvalidProperty(nameof(LintFailLevel), LintFailLevel!, "error (the default), warn or info"),
        };
        var options = new PolicyVerificationOptions
        {
            MatrixFile = PolicyMatrixFile,
            AcceptanceFile = string.IsNullOrWhiteSpace(LintAcceptedFile) ? null : LintAcceptedFile,
            ConfigFile = Path.Combine(SupabaseDirectory ?? "", "config.toml"),
            RequireFullCoverage = RequireFullCoverage,
            FailLevel = failLevel,
            UsageStatistics = onProduction,
            Run = new MatrixRunOptions { LockTimeout = PostgresDuration.Validate(nameof(PolicyLockTimeout), PolicyLockTimeout) ?? "5s" },
        };

        // File errors (matrix, acceptances, config) come before any server starts.
        _ = SupabaseApiConfig.Load(options.ConfigFile);
        _ = Security.Matrix.PolicyMatrixLoader.Load(options.MatrixFile);
        _ = LintAcceptances.Load(options.AcceptanceFile);
        return new PolicyCheck(options, string.IsNullOrWhiteSpace(RepositoryRoot) ? Directory.GetCurrentDirectory() : RepositoryRoot, Redactor.Redact);
    }
}
