using System.Text.Json;
using System.Text.RegularExpressions;
using Tomlyn;

namespace MigrationTasks.Diff.Classification;

/// <summary>
/// The project's diff settings (<c>supabase/diff.toml</c>): which objects are expected leftovers of the legacy
/// (v1) schema, by name pattern and by explicit list, and which schemas to leave out.
/// <code>
/// [legacy]
/// patterns = ["v1_*"]                               # shell patterns (* and ?) on object names, or on schema.name
/// objects  = ["public.old_search(text)"]            # schema.name, or schema.name(argument types) for one overload
/// [ignore]
/// schemas  = ["audit"]
/// </code>
/// </summary>
public sealed partial class DiffConfig
{
    public static readonly DiffConfig Empty = new([], [], [], null);

    private readonly IReadOnlyList<Regex> _patterns;

    private DiffConfig(IReadOnlyList<string> legacyPatterns, IReadOnlyList<string> legacyObjects, IReadOnlyList<string> ignoredSchemas, string? file)
    {
        LegacyPatterns = legacyPatterns;
        LegacyObjects = legacyObjects;
        IgnoredSchemas = ignoredSchemas;
        File = file;
        _patterns = legacyPatterns.Select(p => new Regex("^" + Regex.Escape(p).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant)).ToList();
    }

    public IReadOnlyList<string> LegacyPatterns { get; }

    public IReadOnlyList<string> LegacyObjects { get; }

    public IReadOnlyList<string> IgnoredSchemas { get; }

    /// <summary>Where the settings came from, or null for none.</summary>
    public string? File { get; }

    /// <summary>Reads the file; a missing file means no settings. Bad content is MT0203 with the file and line.</summary>
    public static DiffConfig Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || !System.IO.File.Exists(path))
        {
            return Empty;
        }

        var text = System.IO.File.ReadAllText(path);
        ConfigFile model;
        try
        {
            model = TomlSerializer.Deserialize<ConfigFile>(text, new TomlSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, SourceName = path })
                ?? new ConfigFile();
        }
        catch (TomlException exception)
        {
            throw Errors.Errors.InvalidDiffConfig(path, exception.Line ?? 0, exception.Message.Split('\n')[0]);
        }

        var patterns = model.Legacy?.Patterns ?? [];
        var objects = model.Legacy?.Objects ?? [];
        var schemas = model.Ignore?.Schemas ?? [];
        foreach (var pattern in patterns.Where(p => string.IsNullOrWhiteSpace(p) || p.Trim('*', '?', '.').Length == 0))
        {
            throw Errors.Errors.InvalidDiffConfig(path, LineOf(text, pattern), $"the legacy pattern \"{pattern}\" matches everything");
        }

        foreach (var name in objects.Where(o => !ObjectName().IsMatch(o)))
        {
            throw Errors.Errors.InvalidDiffConfig(path, LineOf(text, name), $"\"{name}\" is not schema.name or schema.name(argument types)");
        }

        return new DiffConfig(patterns, objects, schemas, path);
    }

    /// <summary>The rule that makes a name legacy (a pattern or the explicit entry), or null.</summary>
    public string? LegacyRule(string schema, string name, string? signature)
    {
        var qualified = schema + "." + name;
        if (LegacyObjects.FirstOrDefault(o => o == qualified || (signature is not null && o.Replace(" ", "", StringComparison.Ordinal) == (qualified + "(" + signature + ")").Replace(" ", "", StringComparison.Ordinal))) is { } entry)
        {
            return $"listed in {Path.GetFileName(File)}: {entry}";
        }

        for (var i = 0; i < _patterns.Count; i++)
        {
            if (_patterns[i].IsMatch(LegacyPatterns[i].Contains('.', StringComparison.Ordinal) ? qualified : name))
            {
                return $"matches the pattern {LegacyPatterns[i]}";
            }
        }

        return null;
    }

    private static int LineOf(string text, string value)
    {
        var index = text.IndexOf(value, StringComparison.Ordinal);
        return index < 0 ? 0 : text.AsSpan(0, index).Count('\n') + 1;
    }

    [GeneratedRegex(@"^[^.\s()]+\.[^.()]+(\([^()]*\))?$")]
    private static partial Regex ObjectName();

    private sealed class ConfigFile
    {
        public LegacySection? Legacy { get; set; }

        public IgnoreSection? Ignore { get; set; }
    }

    private sealed class LegacySection
    {
        public List<string>? Patterns { get; set; }

        public List<string>? Objects { get; set; }
    }

    private sealed class IgnoreSection
    {
        public List<string>? Schemas { get; set; }
    }
}
