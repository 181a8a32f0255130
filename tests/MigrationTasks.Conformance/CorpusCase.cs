using System.Text.Json;

namespace MigrationTasks.Conformance;

/// <summary>
/// One schema transition of the pg-delta corpus: <c>a.sql</c> and <c>b.sql</c>, optional seeds for each side
/// (<c>seed.sql</c> fills a, <c>seed-b.sql</c> fills b), and <c>meta.json</c> (minVersion, isolatedCluster).
/// </summary>
public sealed record CorpusCase(string Name, string Folder, int MinVersion, bool IsolatedCluster)
{
    /// <summary>The group the corpus files the case under: the name before "--".</summary>
    public string Category => Name.Split("--")[0];

    public string StateA => Path.Combine(Folder, "a.sql");

    public string StateB => Path.Combine(Folder, "b.sql");

    public string? SeedA => File.Exists(Path.Combine(Folder, "seed.sql")) ? Path.Combine(Folder, "seed.sql") : null;

    public string? SeedB => File.Exists(Path.Combine(Folder, "seed-b.sql")) ? Path.Combine(Folder, "seed-b.sql") : null;

    public static IReadOnlyList<CorpusCase> Load(string corpus) =>
        Directory.GetDirectories(corpus)
            .Where(d => File.Exists(Path.Combine(d, "a.sql")) && File.Exists(Path.Combine(d, "b.sql")))
            .Select(d =>
            {
                var minVersion = 0;
                var isolated = false;
                var meta = Path.Combine(d, "meta.json");
                if (File.Exists(meta))
                {
                    using var json = JsonDocument.Parse(File.ReadAllText(meta));
                    if (json.RootElement.TryGetProperty("minVersion", out var version))
                    {
                        minVersion = version.GetInt32();
                    }

                    isolated = json.RootElement.TryGetProperty("isolatedCluster", out var flag) && flag.GetBoolean();
                }

                return new CorpusCase(Path.GetFileName(d), d, minVersion, isolated);
            })
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The corpus folder: MIGRATIONTASKS_CONFORMANCE_CORPUS, else <c>shared/conformance/pg-delta-corpus</c> next to
    /// the repository (or next to one of its parent folders, for worktrees); null when absent.
    /// </summary>
    public static string? Locate(string repositoryRoot)
    {
        if (Environment.GetEnvironmentVariable("MIGRATIONTASKS_CONFORMANCE_CORPUS") is { Length: > 0 } explicitFolder)
        {
            return Directory.Exists(explicitFolder) ? explicitFolder : null;
        }

        for (var folder = Directory.GetParent(Path.TrimEndingDirectorySeparator(repositoryRoot)); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "shared", "conformance", "pg-delta-corpus");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
