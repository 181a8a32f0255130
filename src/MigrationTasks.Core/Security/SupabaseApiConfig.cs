using MigrationTasks.Security.Emulation;
using Tomlyn;
using Tomlyn.Model;

namespace MigrationTasks.Security;

/// <summary>
/// What the policy checks need from <c>supabase/config.toml</c>: the schemas the Data API exposes
/// (<c>[api] schemas</c>), the extra search path (<c>[api] extra_search_path</c>), and whether anonymous
/// sign-ins are on (<c>[auth] enable_anonymous_sign_ins</c>). Missing keys take the Supabase CLI's defaults.
/// </summary>
public sealed record SupabaseApiConfig
{
    /// <summary>The CLI template's defaults, used when there is no config.toml.</summary>
    public static SupabaseApiConfig Default { get; } = new();

    public IReadOnlyList<string> ExposedSchemas { get; init; } = ["public", "graphql_public"];

    public IReadOnlyList<string> ExtraSearchPath { get; init; } = ["public", "extensions"];

    public bool AnonymousSignIns { get; init; }

    /// <summary>Where it was read from, for reports (null for the defaults).</summary>
    public string? Source { get; init; }

    /// <summary>The emulation's settings for this configuration.</summary>
    public ApiSettings ToApiSettings() => new() { ExposedSchemas = ExposedSchemas, ExtraSearchPath = ExtraSearchPath };

    /// <summary>Reads <paramref name="path"/>; the CLI defaults when it does not exist; MT0614 with the line when it is malformed.</summary>
    public static SupabaseApiConfig Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            return Default;
        }

        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(path)) ?? new TomlTable();
        }
        catch (TomlException exception)
        {
            throw Errors.Errors.SupabaseConfigInvalid(path, exception.Line ?? 0, exception.Column ?? 0, "not valid TOML: " + FirstLine(exception.Message));
        }

        var api = root.TryGetValue("api", out var apiValue) ? apiValue as TomlTable : null;
        var auth = root.TryGetValue("auth", out var authValue) ? authValue as TomlTable : null;
        return new SupabaseApiConfig
        {
            ExposedSchemas = Names(api, "schemas", path) ?? Default.ExposedSchemas,
            ExtraSearchPath = Names(api, "extra_search_path", path) ?? Default.ExtraSearchPath,
            AnonymousSignIns = auth is not null && auth.TryGetValue("enable_anonymous_sign_ins", out var anonymous) && anonymous is true,
            Source = path,
        };
    }

    private static List<string>? Names(TomlTable? table, string key, string path)
    {
        if (table is null || !table.TryGetValue(key, out var value))
        {
            return null;
        }

        if (value is not TomlArray array || array.Any(item => item is not string name || string.IsNullOrWhiteSpace(name)))
        {
            throw Errors.Errors.SupabaseConfigInvalid(path, LineOf(path, key), 0, $"[api] {key} must be a list of schema names, like [\"public\"]");
        }

        return [.. array.Cast<string>().Select(name => name.Trim())];
    }

    private static int LineOf(string path, string key)
    {
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith(key, StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        return 0;
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
