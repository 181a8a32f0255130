using System.Globalization;
using Microsoft.Build.Framework;
using MigrationTasks.Data;
using MigrationTasks.Data.Spec;
using MigrationTasks.Data.Validation;
using MigrationTasks.Migrations;
using MigrationTasks.Sample;
using MigrationTasks.Tasks.Infrastructure;
using MigrationTasks.Templates;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:Validate [-p:Database=staging|production] [-p:Phase=before|after]</c>: proves the v1 to v3 data migration lost
/// nothing. With a database: before snapshots the v1 source, after (the default) checks counts, key maps, quarantine,
/// content checksums, spot checks and every v3 foreign key, and fails (MT0521) on any mismatch: the release gate.
/// Without one: the whole cycle (before, migrate, after) on the bundled sample production on an ephemeral server.
/// </summary>
public sealed class ValidateCounts : DatabaseTask
{
    /// <summary>staging or production; empty: the whole cycle on the bundled sample production.</summary>
    public string? Database { get; set; }

    /// <summary>before or after (default after); only with Database.</summary>
    public string? Phase { get; set; }

    [Required]
    public string DataMappingSpec { get; set; } = "";

    /// <summary>Where before.json, validation.json and validation.md go (artifacts/validation/).</summary>
    [Required]
    public string ReportDirectory { get; set; } = "";

    /// <summary>Seed of the random spot-check sample (empty: a new one each run, shown in the report).</summary>
    public string? ValidationSeed { get; set; }

    [Required]
    public string SupabaseDirectory { get; set; } = "";

    public string? MigrationsDirectory { get; set; }

    public string? TemplatesDirectory { get; set; }

    [Required]
    public string ArtifactsDirectory { get; set; } = "";

    /// <summary>The sample production's scale and seed for the cycle without Database.</summary>
    public string? SampleScale { get; set; }

    public string? SampleSeed { get; set; }

    [Output]
    public bool Passed { get; private set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var target = DatabaseTarget.Parse(Database);
        var phase = string.IsNullOrWhiteSpace(Phase) ? null : Phase.Trim().ToLowerInvariant();
        if (phase is not (null or "before" or "after"))
        {
            throw Errors.Errors.InvalidProperty(nameof(Phase), Phase!, "before or after");
        }

        long? seed = string.IsNullOrWhiteSpace(ValidationSeed) ? null
            : long.TryParse(ValidationSeed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s
            : throw Errors.Errors.InvalidProperty(nameof(ValidationSeed), ValidationSeed, "a whole number");
        var spec = MappingSpecLoader.Load(DataMappingSpec);

        ValidationReport report;
        if (target == DatabaseTarget.Ephemeral)
        {
            if (phase is not null)
            {
                throw Errors.Errors.InvalidProperty(nameof(Phase), Phase!, "no Phase without Database: with no database named, Validate runs the whole before → migrate → after cycle on the bundled sample; -p:Phase=before|after needs -p:Database=staging|production");
            }

            report = await CycleAsync(spec, seed, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var connection = NamedConnection(target);
            if (phase == "before")
            {
                await DataValidator.BeforeAsync(connection, spec, ReportDirectory, EngineLog, cancellationToken).ConfigureAwait(false);
                Passed = true;
                return;
            }

            EngineLog.Info($"Validating {target} ({connection.Describe()}) against {Path.GetFileName(spec.File)}.");
            report = await DataValidator.AfterAsync(connection, spec, ReportDirectory, "after", seed, EngineLog, cancellationToken).ConfigureAwait(false);
        }

        Passed = report.Passed;
        EngineLog.Info($"Report: {Path.Combine(ReportDirectory, DataValidator.MarkdownFile)} and {DataValidator.ReportFile} (passed: {(report.Passed ? "true" : "false")}).");
        if (!report.Passed)
        {
            throw DataValidator.Failure(report, ReportDirectory);
        }

        EngineLog.Info(string.Create(CultureInfo.InvariantCulture,
            $"Validation passed: {report.Mappings.Count} mappings, {report.Mappings.Sum(m => m.SourceRows):N0} v1 rows accounted for, {report.ForeignKeys.Count} foreign keys resolve ({report.DurationMs / 1000.0:0.0} s)."));
    }

    /// <summary>Nothing named: build the sample, snapshot, migrate (pending migrations and the data migration), validate.</summary>
    private async Task<ValidationReport> CycleAsync(MappingSpec spec, long? seed, CancellationToken cancellationToken)
    {
        var scale = SampleProduction.ParseScale(SampleScale, "SampleScale");
        var migrations = string.IsNullOrWhiteSpace(MigrationsDirectory) ? Path.Combine(SupabaseDirectory, "migrations") : MigrationsDirectory;
        EngineLog.Info($"Database is not set: running the whole cycle on the bundled sample production (scale {scale}) on an ephemeral server: " +
            "before snapshot, the pending migrations and the data migration, then the after checks. -p:Database=staging|production validates a real database.");
        await using var stage = await SampleStage.StartAsync(ServerRequest(), SupabaseDirectory, migrations, scale,
            SampleProduction.ParseSeed(SampleSeed, "SampleSeed"), EngineLog, cancellationToken).ConfigureAwait(false);

        await DataValidator.BeforeAsync(stage.Connection, spec, ReportDirectory, EngineLog, cancellationToken).ConfigureAwait(false);

        var dataFile = Directory.Exists(migrations)
            ? Directory.EnumerateFiles(migrations, "*.sql").Order(StringComparer.Ordinal).LastOrDefault(f => SampleStage.TemplateOf(f) == "data")
            : null;
        var scratch = Path.Combine(Path.GetTempPath(), "migrationtasks-validate-" + Guid.NewGuid().ToString("N"));
        try
        {
            if (dataFile is null)
            {
                dataFile = await MigrationGenerator.GenerateAsync(new GenerateOptions
                {
                    Name = "migrate_v1_data",
                    Template = "data",
                    SupabaseDirectory = SupabaseDirectory,
                    MigrationsDirectory = scratch,
                    TemplatesDirectory = string.IsNullOrWhiteSpace(TemplatesDirectory) ? null : TemplatesDirectory,
                    ArtifactsDirectory = ArtifactsDirectory,
                    Parameters = new Dictionary<string, string> { ["spec"] = spec.File },
                    OpenDatabase = _ => Task.FromResult(new TemplateDatabase(stage.Connection, stage.Description)),
                }, EngineLog, cancellationToken).ConfigureAwait(false);
                EngineLog.Info($"No data migration in {migrations} yet: migrating with one generated from {Path.GetFileName(spec.File)} (not kept; -t:NewMigration -p:MigrationTemplate=data writes it).");
            }
            else
            {
                EngineLog.Info($"Migrating with {Path.GetFileName(dataFile)}.");
            }

            var applied = await stage.ApplyAsync(stage.SchemaFiles.Append(dataFile), EngineLog, cancellationToken).ConfigureAwait(false);
            EngineLog.Info(string.Create(CultureInfo.InvariantCulture, $"Data migration applied in {applied.Files.Sum(f => f.DurationMs) / 1000.0:0.0} s."));
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }

        var report = await DataValidator.AfterAsync(stage.Connection, spec, ReportDirectory, "cycle", seed, EngineLog, cancellationToken).ConfigureAwait(false);
        report.Notes.Add($"Ran on {stage.Description}: before snapshot, then the pending migrations and the data migration, then these checks.");
        DataValidator.Write(report, ReportDirectory);
        return report;
    }
}
