using System.Globalization;
using MigrationTasks.Templates;

namespace MigrationTasks.Rehearsal;

/// <summary>
/// <c>report.md</c> of a rehearsal or a migration, rendered from the Scriban template <c>run-report.md.sbn</c>
/// (overridable in <c>supabase/templates/</c>): the facts the run stood on, then every step with its result,
/// duration, summary and links to its own reports, then what failed, step by step.
/// </summary>
public static class RunReport
{
    public const string FileName = "report.md";
    public const string Template = "run-report.md.sbn";

    public static string Write(string folder, string title, RehearsalReceipt receipt, IReadOnlyList<string> notes, string? templatesDirectory)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var model = new Dictionary<string, object?>
        {
            ["title"] = title,
            ["passed"] = receipt.Passed,
            ["started"] = receipt.CreatedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["duration"] = receipt.DurationSeconds.ToString("0.0", CultureInfo.InvariantCulture),
            ["production"] = receipt.Production.Description,
            ["sample"] = receipt.Production.Sample,
            ["fingerprint"] = receipt.Production.SchemaFingerprint,
            ["migration_set_hash"] = receipt.MigrationSet.Hash,
            ["migration_files"] = receipt.MigrationSet.Files.Count,
            ["pending"] = receipt.MigrationSet.Pending.ToList(),
            ["notes"] = notes.ToList(),
            ["steps"] = receipt.Steps.Select(s => new Dictionary<string, object?>
            {
                ["name"] = s.Name,
                ["title"] = s.Title,
                ["result"] = s.Status.ToString(),
                ["duration"] = s.DurationSeconds.ToString("0.0", CultureInfo.InvariantCulture),
                ["summary"] = s.Summary,
                ["reports"] = s.Reports.Select(r => new Dictionary<string, object?> { ["name"] = Path.GetFileName(r), ["path"] = r }).ToList(),
                ["details"] = s.Details.ToList(),
            }).ToList(),
        };

        var text = new TemplateRenderer(templatesDirectory).Render(Template, model);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        File.WriteAllText(path, text);
        return path;
    }
}
