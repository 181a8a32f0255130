using MigrationTasks.Errors;
using MigrationTasks.Common;

namespace MigrationTasks.Migrations;

/// <summary>
/// The migration files of a folder, in version order, read as the Supabase CLI reads them: only the folder
/// itself (no sub-folders), only <c>&lt;digits&gt;_&lt;name&gt;.sql</c>, and never the CLI's legacy
/// <c>&lt;14 digits&gt;_init.sql</c> from before 20211209000000.
/// </summary>
public sealed class MigrationSet
{
    private const string LegacyInitCutoff = "20211209000000";

    private readonly Dictionary<string, MigrationFile> _byVersion;

    private MigrationSet(string directory, bool exists, IReadOnlyList<MigrationFile> files)
    {
        Directory = directory;
        Exists = exists;
        Files = files;
        _byVersion = files.ToDictionary(f => f.Version, StringComparer.Ordinal);
    }

    /// <summary>The migrations folder.</summary>
    public string Directory { get; }

    /// <summary>False when the folder does not exist (the set is empty then).</summary>
    public bool Exists { get; }

    /// <summary>The files in version order.</summary>
    public IReadOnlyList<MigrationFile> Files { get; }

    public MigrationFile? Find(string version) => _byVersion.GetValueOrDefault(version);

    /// <summary>Reads the folder; files that do not match the pattern are skipped with a warning.</summary>
    public static MigrationSet Load(string directory, IEngineLog log)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return new MigrationSet(directory, false, []);
        }

        var files = new List<MigrationFile>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var fileName = Path.GetFileName(path);
            var match = MigrationVersion.FilePattern().Match(fileName);
            if (!match.Success)
            {
                if (fileName.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
                {
                    log.Warning(MigrationWarnings.FileSkipped, $"Skipping migration {fileName}... (file name must match pattern \"<timestamp>_name.sql\")");
                }

                continue;
            }

            var version = match.Groups[1].Value;
            if (match.Groups[2].Value == "init" && version.Length == 14 && MigrationVersion.Compare(version, LegacyInitCutoff) < 0)
            {
                log.Detail($"Skipping {fileName}: the Supabase CLI's legacy initial migration.");
                continue;
            }

            files.Add(MigrationFile.Load(path));
        }

        files.Sort((a, b) => MigrationVersion.Compare(a.Version, b.Version));
        for (var i = 1; i < files.Count; i++)
        {
            if (files[i].Version == files[i - 1].Version)
            {
                throw Errors.Errors.DuplicateMigrationVersion(files[i].Version, files[i - 1].Path, files[i].Path);
            }
        }

        if (System.IO.Directory.EnumerateDirectories(directory).Any())
        {
            log.Detail($"Sub-folders of {directory} are not read (the Supabase CLI does not read them either).");
        }

        return new MigrationSet(directory, true, files);
    }

    /// <summary>A set from files already read (tests, generated sets).</summary>
    public static MigrationSet FromFiles(string directory, IEnumerable<MigrationFile> files) =>
        new(directory, true, [.. files.OrderBy(f => f.Version, StringComparer.Ordinal)]);
}
