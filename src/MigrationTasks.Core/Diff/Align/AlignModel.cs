using System.Text.Json;
using MigrationTasks.Diff.Reports;

namespace MigrationTasks.Diff.Align;

/// <summary>One statement of the align migration: its guarded SQL, what it fixes, and whether the diff withheld it.</summary>
public sealed record AlignStatement(string Sql, string Comment, string? Withheld)
{
    /// <summary>The SQL as comment lines, for a withheld statement.</summary>
    public string CommentedSql => "-- " + Sql.Replace("\n", "\n-- ", StringComparison.Ordinal);
}

/// <summary>
/// The model of the <c>align</c> migration template: the drift and security fixes of a diff, in script order,
/// each in its guarded form (<see cref="Sql.GuardedStatements"/>). Built from diff.json, the contract between
/// <c>-t:Diff</c> and <c>-t:NewMigration -p:MigrationTemplate=align</c>.
/// </summary>
public sealed record AlignModel(string From, string To, int Drift, int Security, int Legacy, IReadOnlyList<AlignStatement> Statements)
{
    /// <summary>Reads diff.json (MT0208 when it is missing or not a diff report).</summary>
    public static AlignModel FromReport(string diffJson)
    {
        if (!File.Exists(diffJson))
        {
            throw Errors.Errors.NoDiffForAlign(diffJson);
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(diffJson));
            var root = document.RootElement;
            var summary = root.GetProperty("summary");
            var statements = root.GetProperty("script").EnumerateArray()
                .Select(s => new AlignStatement(
                    s.GetProperty("guarded").GetString()!,
                    s.GetProperty("comment").GetString()!,
                    s.TryGetProperty("withheld", out var withheld) && withheld.ValueKind == JsonValueKind.String ? withheld.GetString() : null))
                .ToList();
            return new AlignModel(Label(root.GetProperty("from").GetString()!), root.GetProperty("to").GetString()!, summary.GetProperty("drift").GetInt32(),
                summary.GetProperty("security").GetInt32(), summary.GetProperty("legacy").GetInt32(), statements);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw Errors.Errors.NoDiffForAlign(diffJson, exception.Message);
        }
    }

    /// <summary>The model straight from a report (no file in between): the same statements diff.json holds.</summary>
    public static AlignModel FromReport(DiffReport report)
    {
        var statements = report.AlignSteps()
            .Select(p => new AlignStatement(Sql.GuardedStatements.Guard(p.Step, p.Diff), Comment(p.Step), p.Step.WithheldBecause))
            .ToList();
        return new AlignModel(Label(report.From), report.To, report.Drift.Count, report.Security.Count, report.Legacy.Count, statements);
    }

    /// <summary>A label fit for a migration file: the variable's name, not the server it pointed at.</summary>
    private static string Label(string from) => from.Contains(" (", StringComparison.Ordinal) ? from[..from.IndexOf(" (", StringComparison.Ordinal)] : from;

    /// <summary>The steps in the order a script runs them: new enum labels first, then the transaction, then CONCURRENTLY builds.</summary>
    public static IEnumerable<Step> OrderedSteps(SchemaDiff diff) =>
        diff.Steps.Where(s => s.Transaction == StepTransaction.Before)
            .Concat(diff.Steps.Where(s => s.Transaction == StepTransaction.Main))
            .Concat(diff.Steps.Where(s => s.Transaction == StepTransaction.After));

    /// <summary>What a statement fixes, in one line.</summary>
    public static string Comment(Step step) =>
        $"{step.Change.Bucket.ToString().ToLowerInvariant()}: {step.Change.Action.ToString().ToLowerInvariant()} {step.Change.Object.KindName} {step.Change.Object.DisplayName}: {step.Change.Description}".Replace('\n', ' ');
}
