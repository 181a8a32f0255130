using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MigrationTasks.Security.Lint;

namespace MigrationTasks.Security.Reports;

/// <summary>
/// Writes a <see cref="PolicyReport"/> as <c>report.md</c> (for people: failures first, then the lint, the
/// coverage and every case) and <c>report.json</c> (for CI: top-level <c>"passed"</c>, then everything the Markdown
/// shows). File paths are written relative to <c>relativeTo</c>, so a report names no machine path.
/// </summary>
public static class PolicyReportWriter
{
    public const string MarkdownFile = "report.md";
    public const string JsonFile = "report.json";

    /// <summary>Writes both files into <paramref name="directory"/>; <paramref name="redact"/> scrubs secrets from every text.</summary>
    public static (string Markdown, string Json) Write(PolicyReport report, string directory, string relativeTo, Func<string, string>? redact = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        redact ??= text => text;
        Directory.CreateDirectory(directory);
        var markdown = Path.Combine(directory, MarkdownFile);
        var json = Path.Combine(directory, JsonFile);
        File.WriteAllText(markdown, redact(ToMarkdown(report, relativeTo)));
        File.WriteAllText(json, redact(ToJson(report, relativeTo)));
        return (markdown, json);
    }

    public static string ToJson(PolicyReport report, string relativeTo)
    {
        ArgumentNullException.ThrowIfNull(report);
        string Relative(string path) => Path.GetRelativePath(relativeTo, path).Replace('\\', '/');
        var root = new JsonObject
        {
            ["passed"] = report.Passed,
            ["summary"] = report.Summary,
            ["target"] = report.Target,
            ["serverVersion"] = report.ServerVersion,
            ["tool"] = "MigrationTasks " + typeof(PolicyReportWriter).Assembly.GetName().Version,
            ["config"] = new JsonObject
            {
                ["file"] = report.Config.Source is null ? null : Relative(report.Config.Source),
                ["exposedSchemas"] = new JsonArray([.. report.Config.ExposedSchemas.Select(s => JsonValue.Create(s))]),
                ["extraSearchPath"] = new JsonArray([.. report.Config.ExtraSearchPath.Select(s => JsonValue.Create(s))]),
                ["anonymousSignIns"] = report.Config.AnonymousSignIns,
            },
            ["impersonation"] = report.Run.Impersonation,
            ["matrix"] = new JsonObject
            {
                ["file"] = Relative(report.Matrix.File),
                ["personas"] = new JsonArray([.. report.Run.Personas.Select(p => new JsonObject { ["name"] = p.Name, ["role"] = p.Role, ["userId"] = p.UserId?.ToString() })]),
                ["checks"] = report.Matrix.Checks.Count,
                ["cases"] = report.Run.Cases.Count,
                ["passedCases"] = report.Run.Cases.Count - report.Run.FailedCount,
                ["failedCases"] = report.Run.FailedCount,
                ["durationMs"] = Math.Round(report.Run.Duration.TotalMilliseconds),
                ["fixturesMs"] = Math.Round(report.Run.FixtureDuration.TotalMilliseconds),
            },
            ["cases"] = new JsonArray([.. report.Run.Cases.Select(c => new JsonObject
            {
                ["name"] = c.Case.Name,
                ["check"] = c.Case.Check.Name,
                ["persona"] = c.Case.Persona,
                ["role"] = c.Role,
                ["command"] = c.Case.Check.Command.ToString().ToLowerInvariant(),
                ["object"] = c.CoveredObject ?? (c.Case.Check.Object is null ? null : c.Case.Check.QualifiedObject),
                ["passed"] = c.Passed,
                ["expected"] = c.Expected,
                ["actual"] = c.Actual,
                ["failure"] = c.Failure,
                ["file"] = Relative(c.Case.Location.File),
                ["line"] = c.Case.Location.Line,
                ["statement"] = c.Statement,
                ["durationMs"] = Math.Round(c.Duration.TotalMilliseconds, 2),
            })]),
            ["coverage"] = new JsonObject
            {
                ["required"] = report.RequireFullCoverage,
                ["complete"] = report.Coverage.Complete,
                ["cells"] = report.Coverage.Total,
                ["covered"] = report.Coverage.Covered.Count,
                ["percent"] = Math.Round(report.Coverage.Percent, 1),
                ["gaps"] = new JsonArray([.. report.Coverage.Gaps.Select(g => new JsonObject { ["object"] = g.Object, ["kind"] = g.Kind, ["command"] = g.Command, ["role"] = g.Role })]),
                ["excluded"] = new JsonArray([.. report.Coverage.Excluded.Select(e => new JsonObject { ["object"] = e.Cell.Object, ["kind"] = e.Cell.Kind, ["command"] = e.Cell.Command, ["role"] = e.Cell.Role, ["reason"] = e.Reason })]),
                ["unknownObjects"] = new JsonArray([.. report.Coverage.UnknownObjects.Select(o => JsonValue.Create(o))]),
            },
            ["lint"] = new JsonObject
            {
                ["failLevel"] = report.FailLevel.ToString().ToLowerInvariant(),
                ["acceptanceFile"] = report.AcceptanceFile is null ? null : Relative(report.AcceptanceFile),
                ["durationMs"] = Math.Round(report.Lint.Duration.TotalMilliseconds),
                ["open"] = report.Lint.Findings.Count(f => !f.Accepted),
                ["failing"] = report.OpenFailing.Count,
                ["findings"] = new JsonArray([.. report.Lint.Findings.Select(f => new JsonObject
                {
                    ["lint"] = f.Rule.Name,
                    ["level"] = f.Rule.Level.ToString().ToUpperInvariant(),
                    ["category"] = f.Rule.Category.ToString().ToUpperInvariant(),
                    ["title"] = f.Rule.Title,
                    ["object"] = f.Object,
                    ["detail"] = f.Detail,
                    ["fix"] = f.Fix,
                    ["accepted"] = f.Accepted,
                    ["reason"] = f.AcceptedBecause,
                })]),
                ["skipped"] = new JsonArray([.. report.Lint.Skipped.Select(s => new JsonObject { ["lint"] = s.Rule.Name, ["reason"] = s.Reason })]),
                ["unusedAcceptances"] = new JsonArray([.. report.UnusedAcceptances.Select(a => new JsonObject { ["lint"] = a.Lint, ["object"] = a.Object, ["line"] = a.Location.Line })]),
            },
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    public static string ToMarkdown(PolicyReport report, string relativeTo)
    {
        ArgumentNullException.ThrowIfNull(report);
        string Relative(string path) => Path.GetRelativePath(relativeTo, path).Replace('\\', '/');
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');

        Line($"# VerifyPolicies: {(report.Passed ? "passed" : "FAILED")}");
        Line();
        Line(report.Summary);
        Line();
        Line("| | |");
        Line("|---|---|");
        Line($"| Database | {Cell(report.Target)} (PostgreSQL {report.ServerVersion}) |");
        Line($"| Requests | {Cell(report.Run.Impersonation)} |");
        Line($"| Exposed schemas | {Cell(string.Join(", ", report.Config.ExposedSchemas))} ({(report.Config.Source is null ? "Supabase CLI defaults" : Relative(report.Config.Source))}) |");
        Line($"| Matrix | {Relative(report.Matrix.File)}: {report.Run.Personas.Count} personas, {report.Matrix.Checks.Count} checks, {report.Run.Cases.Count} cases in {Seconds(report.Run.Duration)} (fixtures {Seconds(report.Run.FixtureDuration)}) |");
        Line($"| Coverage | {report.Coverage.Covered.Count} of {report.Coverage.Total} cells ({report.Coverage.Percent:0.#}%), {report.Coverage.Gaps.Count} gaps, {report.Coverage.Excluded.Count} excluded{(report.RequireFullCoverage ? "; full coverage required" : "")} |");
        Line($"| Lint | {report.Lint.Findings.Count} findings, {report.Lint.Findings.Count(f => f.Accepted)} accepted, {report.OpenFailing.Count} failing (open at {report.FailLevel.ToString().ToLowerInvariant()} level or above), in {Seconds(report.Lint.Duration)} |");
        Line();

        var failed = report.Run.Cases.Where(c => !c.Passed).ToList();
        if (failed.Count > 0)
        {
            Line($"## Failed cases ({failed.Count})");
            Line();
            foreach (var result in failed)
            {
                Line($"### {Cell(result.Case.Name)}");
                Line();
                Line($"{Relative(result.Case.Location.File)}, line {result.Case.Location.Line}; role {result.Role}. {Cell(result.Failure ?? "")}");
                Line();
                Line("```sql");
                Line(result.Statement);
                Line("```");
                Line();
            }
        }

        Line("## Lint");
        Line();
        var open = report.Lint.Findings.Where(f => !f.Accepted).OrderByDescending(f => f.Rule.Level).ThenBy(f => f.Rule.Name, StringComparer.Ordinal).ToList();
        if (open.Count == 0)
        {
            Line("No open findings.");
        }
        else
        {
            Line("| Level | Lint | Object | Finding | Fix |");
            Line("|---|---|---|---|---|");
            foreach (var f in open)
            {
                Line($"| {Level(f.Rule.Level)} | {f.Rule.Name} | {Cell(f.Object)} | {Cell(f.Detail)} | {Code(f.Fix)} |");
            }
        }

        Line();
        var accepted = report.Lint.Findings.Where(f => f.Accepted).ToList();
        if (accepted.Count > 0)
        {
            Line($"Accepted ({(report.AcceptanceFile is null ? "" : Relative(report.AcceptanceFile))}):");
            Line();
            Line("| Level | Lint | Object | Reason |");
            Line("|---|---|---|---|");
            foreach (var f in accepted)
            {
                Line($"| {Level(f.Rule.Level)} | {f.Rule.Name} | {Cell(f.Object)} | {Cell(f.AcceptedBecause!)} |");
            }

            Line();
        }

        if (report.UnusedAcceptances.Count > 0)
        {
            Line("Accepted findings not present on this database: " + string.Join("; ", report.UnusedAcceptances.Select(a => $"{a.Lint} on {Cell(a.Object)} (line {a.Location.Line})")) + ".");
            Line();
        }

        if (report.Lint.Skipped.Count > 0)
        {
            Line("Not run here: " + string.Join("; ", report.Lint.Skipped.Select(s => $"{s.Rule.Name} ({s.Reason})")) + ".");
            Line();
        }

        Line("## Coverage");
        Line();
        Line("Every table, view and function in the exposed schemas, each command it supports, as anon, authenticated and service_role.");
        Line();
        if (report.Coverage.Gaps.Count > 0)
        {
            Line($"Not exercised by any case ({report.Coverage.Gaps.Count}):");
            Line();
            foreach (var gap in report.Coverage.DescribeGaps())
            {
                Line($"- {Cell(gap)}");
            }

            Line();
        }
        else
        {
            Line("No gaps.");
            Line();
        }

        foreach (var group in report.Coverage.Excluded.GroupBy(e => e.Reason))
        {
            Line($"Excluded ({group.Count()} cells, {group.Select(e => e.Cell.Object).Distinct().Count()} objects: {Cell(string.Join(", ", group.Select(e => e.Cell.Object).Distinct()))}): {Cell(group.Key)}");
            Line();
        }

        if (report.Coverage.UnknownObjects.Count > 0)
        {
            Line("Cases about objects this database does not expose: " + Cell(string.Join(", ", report.Coverage.UnknownObjects)) + ".");
            Line();
        }

        Line("## Cases");
        Line();
        foreach (var check in report.Matrix.Checks)
        {
            var results = report.Run.Cases.Where(c => c.Case.Check.Name == check.Name).ToList();
            Line($"### {Cell(check.Name)}");
            Line();
            Line($"`{check.Command.ToString().ToLowerInvariant()}` {Cell(check.Object is null ? "(sql)" : check.QualifiedObject)}, line {check.Location.Line}");
            Line();
            Line("| Persona | Role | Expected | Got | |");
            Line("|---|---|---|---|---|");
            foreach (var result in results)
            {
                Line($"| {result.Case.Persona} | {result.Role} | {Cell(result.Expected)} | {Cell(result.Actual)} | {(result.Passed ? "pass" : "**FAIL**")} |");
            }

            Line();
        }

        return md.ToString();
    }

    private static string Level(LintLevel level) => level switch
    {
        LintLevel.Error => "**ERROR**",
        LintLevel.Warn => "WARN",
        _ => "INFO",
    };

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal);

    private static string Code(string text) => string.IsNullOrEmpty(text) ? "" : "`" + Cell(text).Replace("`", "'", StringComparison.Ordinal) + "`";
}
