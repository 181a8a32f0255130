using System.Globalization;
using System.Text;

namespace MigrationTasks.Data.Validation;

/// <summary>The validation report as Markdown: the verdict and the failures first, then every mapping's numbers.</summary>
public static class ValidationMarkdown
{
    public static string Render(ValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Validation: {(report.Passed ? "passed" : "FAILED")}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"- Database: {report.Database}\n- Phase: {report.Phase}\n- Spec: {report.Spec} (sha256 {Short(report.SpecSha256)})\n");
        md.Append(CultureInfo.InvariantCulture, $"- Started: {report.StartedAt:u}, took {report.DurationMs / 1000.0:0.0} s; random spot-check seed {report.SampleSeed}\n");
        if (report.BeforeSnapshot is not null)
        {
            md.Append(CultureInfo.InvariantCulture, $"- Before snapshot: {report.BeforeSnapshot}\n");
        }

        md.Append(CultureInfo.InvariantCulture, $"- Checksums: {report.ChecksumMethod}\n");
        foreach (var note in report.Notes)
        {
            md.Append(CultureInfo.InvariantCulture, $"- {note}\n");
        }

        if (report.Failures.Count > 0)
        {
            md.Append("\n## Failures\n\n");
            foreach (var failure in report.Failures)
            {
                md.Append(CultureInfo.InvariantCulture, $"- {Cell(failure)}\n");
            }
        }

        md.Append("\n## Counts\n\n| Mapping | v1 rows | filtered | de-duplicated | quarantined | migrated | target rows | checksum | spot checks | result |\n|---|---:|---:|---:|---:|---:|---:|---|---:|---|\n");
        foreach (var m in report.Mappings)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {m.Name} ({m.Source} → {m.Target}, line {m.SpecLine}) | {m.SourceRows:N0} | {m.Filtered.Sum(f => f.Rows):N0} | {m.Deduplicated:N0} | {m.Quarantined.Sum(q => q.Rows):N0} | {m.ExpectedTargetRows:N0} | {m.TargetRows:N0}{(m.TargetTotalRows != m.TargetRows ? $" (+{m.TargetTotalRows - m.TargetRows:N0} not from v1)" : "")} | {(m.ExpectedChecksum == m.ActualChecksum ? "equal" : "DIFFERS")} | {m.SpotChecked} | {(m.Passed ? "passed" : "FAILED")} |\n");
        }

        foreach (var m in report.Mappings)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## {m.Name}: {m.Source} → {m.Target}\n\n");
            foreach (var f in m.Filtered)
            {
                md.Append(CultureInfo.InvariantCulture, $"- filtered {f.Rows:N0}: {Cell(f.Reason)} (line {f.SpecLine})\n");
            }

            if (m.Deduplicated > 0)
            {
                md.Append(CultureInfo.InvariantCulture, $"- de-duplicated {m.Deduplicated:N0}");
                if (m.MergedIntoMigrated is { } merged)
                {
                    md.Append(CultureInfo.InvariantCulture, $" ({merged:N0} merged into migrated rows: their v1 keys map to the survivor's v3 key)");
                }

                md.Append('\n');
            }

            foreach (var q in m.Quarantined.Where(q => q.Rows > 0))
            {
                md.Append(CultureInfo.InvariantCulture, $"- quarantined {q.Rows:N0}: {Cell(q.Reason)} (line {q.SpecLine})\n");
            }

            md.Append(CultureInfo.InvariantCulture, $"- migrated {m.ExpectedTargetRows:N0}\n\n| Check | Result | Detail |\n|---|---|---|\n");
            foreach (var c in m.Checks)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {c.Name} | {(c.Passed ? "passed" : "FAILED")} | {Cell(c.Detail)} |\n");
            }

            if (m.NamedSpotChecks.Count > 0)
            {
                md.Append("\n| Named record (v1 key) | Why | Result |\n|---|---|---|\n");
                foreach (var s in m.NamedSpotChecks)
                {
                    md.Append(CultureInfo.InvariantCulture, $"| {Cell(s.V1Key)} (line {s.SpecLine}) | {Cell(s.Why)} | {(s.Passed ? "" : "FAILED: ")}{Cell(s.Outcome)} |\n");
                }
            }

            if (m.Mismatches.Count > 0)
            {
                md.Append("\n| Kind | Table | Key | v1 key | Column | Expected | Found |\n|---|---|---|---|---|---|---|\n");
                foreach (var x in m.Mismatches)
                {
                    md.Append(CultureInfo.InvariantCulture, $"| {x.Kind} | {x.Table} | {Cell(x.Key)} | {Cell(x.V1Key)} | {Cell(x.Column)} | {Cell(x.Expected)} | {Cell(x.Actual)} |\n");
                }
            }
        }

        md.Append("\n## Foreign keys (every v3 foreign key resolves)\n\n| Constraint | Table (columns) | References | Orphans | Examples |\n|---|---|---|---:|---|\n");
        foreach (var k in report.ForeignKeys)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {k.Constraint}{(k.Validated ? "" : " (NOT VALID)")} | {k.Table} ({k.Columns}) | {k.References} | {k.Orphans:N0} | {Cell(string.Join("; ", k.Examples.Select(e => $"{e.Key}: {e.Actual}")))} |\n");
        }

        return md.ToString();
    }

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;

    private static string Cell(string? text) => (text ?? "").Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
