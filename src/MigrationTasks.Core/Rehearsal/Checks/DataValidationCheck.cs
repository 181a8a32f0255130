using System.Globalization;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Data.Spec;
using MigrationTasks.Data.Validation;

namespace MigrationTasks.Rehearsal.Checks;

/// <summary>The data validation of Rehearse and Migrate: <see cref="DataValidator"/> with the v1 to v3 mapping spec.</summary>
public sealed class DataValidationCheck(MappingSpec spec, long? seed) : IDataValidation
{
    public string Describe => Path.GetFileName(spec.File);

    public async Task<CheckOutcome> BeforeAsync(DatabaseConnection database, string reportDirectory, IEngineLog log, CancellationToken cancellationToken)
    {
        var snapshot = await DataValidator.BeforeAsync(database, spec, reportDirectory, log, cancellationToken).ConfigureAwait(false);
        return new CheckOutcome(true, string.Create(CultureInfo.InvariantCulture, $"v1 source snapshot: {snapshot}"),
            [Path.Combine(reportDirectory, DataValidator.BeforeFile)], []);
    }

    public async Task<CheckOutcome> AfterAsync(DatabaseConnection database, string reportDirectory, IEngineLog log, CancellationToken cancellationToken)
    {
        var report = await DataValidator.AfterAsync(database, spec, reportDirectory, "after", seed, log, cancellationToken).ConfigureAwait(false);
        var summary = report.Passed
            ? string.Create(CultureInfo.InvariantCulture, $"{report.Mappings.Count} mappings, {report.Mappings.Sum(m => m.SourceRows):N0} v1 rows accounted for, {report.ForeignKeys.Count} foreign keys resolve")
            : $"{report.Failures.Count} check(s) failed: {string.Join(" | ", report.Failures.Take(3))}";
        return new CheckOutcome(report.Passed, summary,
            [Path.Combine(reportDirectory, DataValidator.MarkdownFile), Path.Combine(reportDirectory, DataValidator.ReportFile)], report.Failures);
    }
}
