using System.Globalization;
using System.Text;

namespace MigrationTasks.Diff.Reports;

/// <summary>diff.md: the buckets as a reviewer reads them in a pull request.</summary>
public static class DiffMarkdown
{
    public static string Render(DiffReport report)
    {
        var md = new StringBuilder();
        var withheld = report.Diff.Steps.Count(s => s.WithheldBecause is not null);
        md.AppendLine("# Schema diff");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- **From** (the database the script changes): {Cell(report.From)}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- **To** (the desired schema): {Cell(report.To)}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- **Result**: {(report.Passed ? "passed: no drift, no security difference" : "differences found")}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- **Script**: `{report.ScriptPath}` ({report.Diff.Steps.Count} statements{(withheld > 0 ? $", {withheld} withheld as destructive" : "")})");
        md.AppendLine(CultureInfo.InvariantCulture, $"- **Profile**: {report.Profile.Name} ({report.Scope.IgnoredCount} managed or ignored objects left out)");
        if (report.PendingMigrations.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- **Pending migrations** (not applied there yet; not drift, left out of the desired schema): {string.Join(", ", report.PendingMigrations.Select(p => $"`{p}`"))}");
        }
        md.AppendLine();
        md.AppendLine("| Bucket | Count |");
        md.AppendLine("|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Unexpected drift on v3 objects | {report.Drift.Count} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Security differences | {report.Security.Count} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Expected legacy objects (listed, not dropped) | {report.Legacy.Count} |");
        md.AppendLine();

        Section(md, "Unexpected drift on v3 objects", "Objects the migrations define that differ in the database, or objects only the database has. The script fixes them.", report.Drift);
        Section(md, "Security differences", "Row-level security, policies, privileges, SECURITY DEFINER functions, search_path, ownership. The script fixes them.", report.Security);

        md.AppendLine(CultureInfo.InvariantCulture, $"## Expected legacy objects ({report.Legacy.Count})");
        md.AppendLine();
        md.AppendLine("Leftovers of the legacy schema, by the rules in the diff configuration. Listed here, never dropped by this script (the cleanup migration does that).");
        md.AppendLine();
        if (report.Legacy.Count > 0)
        {
            md.AppendLine("| Object | Kind | Rule |");
            md.AppendLine("|---|---|---|");
            foreach (var legacy in report.Legacy)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| `{Cell(legacy.Object.DisplayName)}` | {legacy.Object.KindName} | {Cell(legacy.Rule)} |");
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    private static void Section(StringBuilder md, string title, string explanation, IReadOnlyList<Change> changes)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"## {title} ({changes.Count})");
        md.AppendLine();
        md.AppendLine(explanation);
        md.AppendLine();
        foreach (var change in changes.OrderBy(c => c.Object.DisplayName, StringComparer.Ordinal))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"### {change.Action.ToString().ToLowerInvariant()} {change.Object.KindName} `{Cell(change.Object.DisplayName)}`");
            md.AppendLine();
            md.AppendLine(Cell(change.Description));
            md.AppendLine();
            foreach (var hazard in change.Hazards)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- hazard **{hazard.Kind}**: {Cell(hazard.Message)}");
            }

            foreach (var step in change.Steps.Where(s => s.WithheldBecause is not null))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- **withheld**: {Cell(step.WithheldBecause!)}");
            }

            md.AppendLine();
            md.AppendLine("```sql");
            foreach (var step in change.Steps)
            {
                md.AppendLine(step.WithheldBecause is null ? step.Sql : "-- " + step.Sql.Replace("\n", "\n-- ", StringComparison.Ordinal));
            }

            md.AppendLine("```");
            md.AppendLine();
        }
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');

    /// <summary>A short text for logs: the bucket counts.</summary>
    public static string Summary(DiffReport report) =>
        $"{report.Drift.Count} drift, {report.Security.Count} security, {report.Legacy.Count} legacy";
}
