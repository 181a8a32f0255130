using System.Text.Json;
using System.Text.Json.Serialization;

namespace MigrationTasks.Diff.Reports;

/// <summary>diff.json: the same facts for machines, with a top-level <c>passed</c> as every report has.</summary>
public static class DiffJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Render(DiffReport report)
    {
        var document = new
        {
            passed = report.Passed,
            from = report.From,
            to = report.To,
            profile = report.Profile.Name,
            scriptFile = report.ScriptPath,
            pendingMigrations = report.PendingMigrations,
            summary = new
            {
                drift = report.Drift.Count,
                security = report.Security.Count,
                legacy = report.Legacy.Count,
                statements = report.Diff.Steps.Count,
                withheld = report.Diff.Steps.Count(s => s.WithheldBecause is not null),
                ignored = report.Scope.IgnoredCount,
            },
            catalogs = new
            {
                from = new { objects = report.Diff.Actual.Objects.Count, queries = report.Diff.Actual.Info.QueryCount, seconds = Math.Round(report.Diff.Actual.Info.Duration.TotalSeconds, 3), server = report.Diff.Actual.Info.ServerVersion.ToString() },
                to = new { objects = report.Diff.Desired.Objects.Count, queries = report.Diff.Desired.Info.QueryCount, seconds = Math.Round(report.Diff.Desired.Info.Duration.TotalSeconds, 3), server = report.Diff.Desired.Info.ServerVersion.ToString() },
            },
            changes = report.Diff.Changes.Select(c => new
            {
                bucket = c.Bucket,
                action = c.Action,
                kind = c.Object.KindName,
                @object = c.Object.DisplayName,
                key = c.Key,
                description = c.Description,
                hazards = c.Hazards.Select(h => new { kind = h.Kind, message = h.Message }),
                statements = c.Steps.Select(s => new { sql = s.Sql, transaction = s.Transaction, withheld = s.WithheldBecause }),
            }),
            // The align migration's statements in run order, each also in its guarded (idempotent) form.
            script = report.AlignSteps().Select(p => new
            {
                sql = p.Step.Sql,
                guarded = Sql.GuardedStatements.Guard(p.Step, p.Diff),
                transaction = p.Step.Transaction,
                withheld = p.Step.WithheldBecause,
                comment = Align.AlignModel.Comment(p.Step),
                bucket = p.Step.Change.Bucket,
            }),
            legacy = report.Legacy.Select(l => new { kind = l.Object.KindName, @object = l.Object.DisplayName, key = l.Object.Key, rule = l.Rule }),
        };
        return JsonSerializer.Serialize(document, Options);
    }
}
