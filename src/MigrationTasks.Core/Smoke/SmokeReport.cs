using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MigrationTasks.Smoke;

/// <summary>Writes a <see cref="SmokeRunResult"/> as smoke.md (for people) and smoke.json (for CI: top-level "passed").</summary>
public static class SmokeReport
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Markdown(SmokeRunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        text.AppendLine("# Smoke flows")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"- File: `{Path.GetFileName(result.File)}`")
            .AppendLine(CultureInfo.InvariantCulture, $"- Database: {result.Database}")
            .AppendLine(CultureInfo.InvariantCulture, $"- Personas: {result.Impersonation}")
            .AppendLine("- Every flow ran in its own transaction, rolled back at its end: nothing was kept.")
            .AppendLine(CultureInfo.InvariantCulture, $"- Result: **{(result.Passed ? "passed" : "FAILED")}**, {result.Flows.Count(f => f.Passed)} of {result.Flows.Count} flows passed in {Seconds(result.Duration)}")
            .AppendLine()
            .AppendLine("| Flow | Line | Result | Steps | Time |")
            .AppendLine("|---|---|---|---|---|");
        foreach (var flow in result.Flows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(flow.Name)} | {flow.Line} | {(flow.Passed ? "pass" : "**FAIL**")} | {flow.Steps.Count(s => s.Passed)}/{flow.Steps.Count + flow.SkippedSteps} | {Seconds(flow.Duration)} |");
        }

        foreach (var flow in result.Flows)
        {
            text.AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"## {flow.Name} ({(flow.Passed ? "passed" : "FAILED")})")
                .AppendLine();
            if (flow.Failure is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"**Failure:** {flow.Failure}").AppendLine();
            }

            text.AppendLine("| Line | Step | Persona | Expected | Actual | Result |")
                .AppendLine("|---|---|---|---|---|---|");
            foreach (var step in flow.Steps)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {step.Line} | {Cell(step.Description)} | {Cell(step.Persona)} | {Cell(step.Expected)} | {Cell(step.Actual)} | {(step.Passed ? "pass" : "**FAIL**")} |");
            }

            if (flow.SkippedSteps > 0)
            {
                text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{flow.SkippedSteps} later step(s) not run: they build on the failed one.");
            }

            var failed = flow.Steps.FirstOrDefault(s => !s.Passed);
            if (failed is not null && failed.Statement.Length > 0)
            {
                text.AppendLine().AppendLine("The failing statement:").AppendLine().AppendLine("```sql").AppendLine(failed.Statement).AppendLine("```");
            }
        }

        return text.ToString();
    }

    public static string Json(SmokeRunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return JsonSerializer.Serialize(new
        {
            passed = result.Passed,
            file = result.File,
            database = result.Database,
            impersonation = result.Impersonation,
            durationSeconds = Math.Round(result.Duration.TotalSeconds, 3),
            flows = result.Flows.Select(flow => new
            {
                name = flow.Name,
                line = flow.Line,
                passed = flow.Passed,
                failure = flow.Failure,
                skippedSteps = flow.SkippedSteps,
                durationSeconds = Math.Round(flow.Duration.TotalSeconds, 3),
                steps = flow.Steps.Select(step => new
                {
                    step = step.Description,
                    line = step.Line,
                    persona = step.Persona,
                    passed = step.Passed,
                    expected = step.Expected,
                    actual = step.Actual,
                    failure = step.Failure,
                    statement = step.Statement,
                    durationSeconds = Math.Round(step.Duration.TotalSeconds, 3),
                }),
            }),
        }, JsonOptions);
    }

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
