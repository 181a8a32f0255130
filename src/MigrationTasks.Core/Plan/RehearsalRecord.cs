using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MigrationTasks.Plan;

/// <summary>One step of a rehearsal as its receipt records it.</summary>
public sealed record RehearsedStep(string Name, string Result, double? DurationSeconds);

/// <summary>
/// What the plan takes from the last rehearsal's <c>artifacts/rehearsal/&lt;UTC timestamp&gt;/receipt.json</c>: whether it
/// passed, when, on what, with which pending migrations, and each step's name, result and duration. Read leniently
/// (only these fields), so the plan works with every receipt version.
/// </summary>
public sealed record RehearsalRecord
{
    public required string ReceiptPath { get; init; }

    /// <summary>The run folder's name (its UTC timestamp).</summary>
    public required string Run { get; init; }

    public bool Passed { get; init; }

    /// <summary>When it ran (UTC, to the second), from the receipt or else the folder name.</summary>
    public required string When { get; init; }

    /// <summary>True when the bundled sample production stood in for production.</summary>
    public bool Sample { get; init; }

    public string? MigrationSetHash { get; init; }

    /// <summary>The migration files production had not applied at clone time (file names), when the receipt lists them.</summary>
    public IReadOnlyList<string>? Pending { get; init; }

    public required IReadOnlyList<RehearsedStep> Steps { get; init; }

    /// <summary>The receipt of the newest run under <paramref name="rehearsalRoot"/> (folder names are UTC timestamps), or null.</summary>
    public static RehearsalRecord? FindLatest(string rehearsalRoot)
    {
        if (!Directory.Exists(rehearsalRoot))
        {
            return null;
        }

        var newest = Directory.EnumerateDirectories(rehearsalRoot)
            .Where(folder => File.Exists(Path.Combine(folder, "receipt.json")))
            .OrderByDescending(folder => Path.GetFileName(folder), StringComparer.Ordinal)
            .FirstOrDefault();
        return newest is null ? null : Read(Path.Combine(newest, "receipt.json"));
    }

    /// <summary>Reads a receipt; MT0870 when it is not JSON or has no steps.</summary>
    public static RehearsalRecord Read(string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw Errors.Errors.PlanReceiptUnreadable(path, "it is not a JSON object");
        }
        catch (JsonException exception)
        {
            throw Errors.Errors.PlanReceiptUnreadable(path, exception.Message);
        }

        if (root["steps"] is not JsonArray steps)
        {
            throw Errors.Errors.PlanReceiptUnreadable(path, "it has no \"steps\" array");
        }

        var run = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) ?? "";
        return new RehearsalRecord
        {
            ReceiptPath = path,
            Run = run,
            Passed = root["passed"]?.GetValueKind() == JsonValueKind.True,
            When = WhenOf(root, run),
            Sample = root["production"]?["sample"]?.GetValueKind() == JsonValueKind.True,
            MigrationSetHash = Text(root["migrationSet"]?["hash"]),
            Pending = root["migrationSet"]?["pending"] is JsonArray pending ? [.. pending.Select(Text).OfType<string>()] : null,
            Steps = [.. steps.OfType<JsonObject>().Select(step => new RehearsedStep(
                Text(step["name"]) ?? "",
                Text(step["result"]) ?? Text(step["status"]) ?? (step["passed"]?.GetValueKind() == JsonValueKind.True ? "passed" : "unknown"),
                Seconds(step["durationSeconds"]) ?? Seconds(step["duration"])))],
        };
    }

    private static string WhenOf(JsonObject root, string run)
    {
        var text = Text(root["createdUtc"]) ?? Text(root["created"]) ?? Text(root["startedAt"]);
        return text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
            ? when.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)
            : run;
    }

    private static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    // A number of seconds, or a text "00:01:02.5" (TimeSpan) or "PT62.5S" (ISO 8601).
    private static double? Seconds(JsonNode? node)
    {
        if (node?.GetValueKind() == JsonValueKind.Number)
        {
            return node.GetValue<double>();
        }

        var text = Text(node);
        if (text is null)
        {
            return null;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
        {
            return span.TotalSeconds;
        }

        try
        {
            return System.Xml.XmlConvert.ToTimeSpan(text).TotalSeconds;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
