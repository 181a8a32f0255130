using System.Diagnostics;
using System.Globalization;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Data.Spec;
using MigrationTasks.Servers;
using Npgsql;

namespace MigrationTasks.Data.Validation;

/// <summary>
/// Validate: <see cref="BeforeAsync"/> snapshots the v1 source (counts with the spec's filters, raw-row checksums);
/// <see cref="AfterAsync"/> proves the migration lost nothing: per mapping the count relation, the key map and the
/// quarantine, the content checksum, spot checks, and every v3 foreign key. Everything runs in one rolled-back
/// REPEATABLE READ transaction (one snapshot; the database is as it was), and reports go to the report folder:
/// before.json/before.md, validation.json/validation.md (top-level "passed").
/// </summary>
public static class DataValidator
{
    public const string BeforeFile = "before.json";
    public const string ReportFile = "validation.json";
    public const string MarkdownFile = "validation.md";

    public static async Task<SourceSnapshot> BeforeAsync(DatabaseConnection database, MappingSpec spec, string reportDirectory, IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(log);
        await RequireSourcesAsync(database, spec, cancellationToken).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        await using var session = await DataSession.OpenAsync(database, spec, "Validate (before)", log, cancellationToken).ConfigureAwait(false);
        var snapshot = await SourceSnapshot.TakeAsync(session, database.Describe(), cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(reportDirectory);
        await File.WriteAllTextAsync(Path.Combine(reportDirectory, BeforeFile), snapshot.ToJson(), cancellationToken).ConfigureAwait(false);
        foreach (var mapping in snapshot.Mappings)
        {
            log.Info(string.Create(CultureInfo.InvariantCulture,
                $"  before: {mapping.Mapping}: {mapping.Source} {mapping.SourceRows:N0} rows{string.Concat(mapping.Filtered.Select(f => $", {f.Rows:N0} filtered ({f.Reason})"))}, checksum {mapping.Checksum}"));
        }

        log.Info(string.Create(CultureInfo.InvariantCulture, $"Before snapshot of {database.Describe()}: {snapshot} in {watch.Elapsed.TotalSeconds:0.0} s: {Path.Combine(reportDirectory, BeforeFile)}."));
        return snapshot;
    }

    public static async Task<ValidationReport> AfterAsync(DatabaseConnection database, MappingSpec spec, string reportDirectory, string phase, long? seed,
        IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(log);
        await RequireSourcesAsync(database, spec, cancellationToken).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        var sampleSeed = seed ?? Random.Shared.NextInt64(1, int.MaxValue);
        var report = new ValidationReport
        {
            Phase = phase,
            Database = database.Describe(),
            Spec = Path.GetFileName(spec.File),
            SpecSha256 = spec.Sha256,
            SampleSeed = sampleSeed,
        };

        var before = SourceSnapshot.Read(Path.Combine(reportDirectory, BeforeFile));
        if (before is null)
        {
            report.BeforeSnapshot = "none (run -p:Phase=before before the migration to prove the v1 source did not change)";
            log.Warning(Errors.Errors.BeforeSnapshotWarning, $"No before snapshot in {reportDirectory}: the v1 source is validated as it is now, without proof that it did not change during the migration.");
        }
        else if (before.Database != report.Database || before.SpecSha256 != spec.Sha256)
        {
            report.BeforeSnapshot = $"ignored: taken on {before.Database} with spec sha256 {before.SpecSha256[..Math.Min(12, before.SpecSha256.Length)]} at {before.TakenAt:u}";
            log.Warning(Errors.Errors.BeforeSnapshotWarning, $"The before snapshot in {reportDirectory} is for another database or spec version; it is not compared ({report.BeforeSnapshot}).");
            before = null;
        }
        else
        {
            report.BeforeSnapshot = $"taken at {before.TakenAt:u}; the v1 source is compared with it";
        }

        await using (var session = await DataSession.OpenAsync(database, spec, "Validate", log, cancellationToken).ConfigureAwait(false))
        {
            foreach (var mapping in session.Plan.Mappings)
            {
                var snapshot = before?.Mappings.FirstOrDefault(m => m.Mapping == mapping.Name);
                var result = await new MappingValidation(session, mapping, snapshot, spec.RandomSpotChecks, sampleSeed).RunAsync(cancellationToken).ConfigureAwait(false);
                report.Mappings.Add(result);
                log.Info(string.Create(CultureInfo.InvariantCulture,
                    $"  {(result.Passed ? "ok  " : "FAIL")} {result.Name}: {result.SourceRows:N0} v1 rows = {result.Filtered.Sum(f => f.Rows):N0} filtered + {result.Deduplicated:N0} de-duplicated + {result.Quarantined.Sum(q => q.Rows):N0} quarantined + {result.ExpectedTargetRows:N0} migrated; {result.Target} {result.TargetRows:N0} rows; checksum {(result.ExpectedChecksum == result.ActualChecksum ? "equal" : "differs")}; {result.SpotChecked} spot checks ({result.DurationMs} ms)"));
                foreach (var check in result.Checks.Where(c => !c.Passed))
                {
                    report.Failures.Add($"{result.Name}: {check.Name}: {check.Detail}");
                }

                report.Failures.AddRange(result.Mismatches.Select(m => $"{result.Name}: {m}"));
                report.Failures.AddRange(result.NamedSpotChecks.Where(s => !s.Passed).Select(s => $"{result.Name}: named record {s.V1Key} (line {s.SpecLine}): {s.Outcome}"));
            }

            report.ForeignKeys.AddRange(await ForeignKeyCheck.RunAsync(session, cancellationToken).ConfigureAwait(false));
            foreach (var key in report.ForeignKeys.Where(k => !k.Passed))
            {
                report.Failures.Add(string.Create(CultureInfo.InvariantCulture, $"foreign key {key.Constraint}: {key.Orphans:N0} row(s) of {key.Table} do not resolve; first: {key.Examples[0]}"));
            }

            log.Info(string.Create(CultureInfo.InvariantCulture, $"  {(report.ForeignKeys.All(k => k.Passed) ? "ok  " : "FAIL")} foreign keys: {report.ForeignKeys.Count} v3 foreign keys checked, {report.ForeignKeys.Sum(k => k.Orphans):N0} orphan rows"));
        }

        report.Passed = report.Failures.Count == 0;
        report.DurationMs = watch.ElapsedMilliseconds;
        Write(report, reportDirectory);
        return report;
    }

    /// <summary>Writes validation.json and validation.md.</summary>
    public static void Write(ValidationReport report, string reportDirectory)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(reportDirectory);
        File.WriteAllText(Path.Combine(reportDirectory, ReportFile), report.ToJson());
        File.WriteAllText(Path.Combine(reportDirectory, MarkdownFile), ValidationMarkdown.Render(report));
    }

    /// <summary>The error for a failed report (the release gate): the first failures, and where the report is.</summary>
    public static Errors.MigrationTasksException Failure(ValidationReport report, string reportDirectory)
    {
        ArgumentNullException.ThrowIfNull(report);
        var first = string.Join(" | ", report.Failures.Take(3));
        var more = report.Failures.Count > 3 ? $" (and {report.Failures.Count - 3} more)" : "";
        return Errors.Errors.ValidationFailed($"{report.Failures.Count} check(s) failed: {first}{more}.", Path.Combine(reportDirectory, MarkdownFile));
    }

    /// <summary>MT0522 when the v1 tables the spec reads are gone (validating after the cleanup).</summary>
    private static async Task RequireSourcesAsync(DatabaseConnection database, MappingSpec spec, CancellationToken cancellationToken)
    {
        var tables = spec.Mappings.Select(m => m.SourceTable).OfType<QualifiedName>().Distinct().ToList();
        await using var connection = await ServerInfo.OpenAsync(database.With(b => b.Pooling = false), cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT t FROM unnest($1::text[]) AS t WHERE pg_catalog.to_regclass(t) IS NULL", connection);
        command.Parameters.AddWithValue(tables.Select(t => t.Quoted).ToArray());
        var missing = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                missing.Add(reader.GetString(0));
            }
        }

        if (missing.Count > 0)
        {
            throw Errors.Errors.ValidationSourceMissing(database.Describe(), string.Join(", ", missing));
        }
    }
}
