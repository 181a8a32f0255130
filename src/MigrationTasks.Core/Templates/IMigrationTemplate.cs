namespace MigrationTasks.Templates;

/// <summary>What a migration template's model is built from.</summary>
public sealed record MigrationTemplateContext
{
    /// <summary>The supabase/ folder.</summary>
    public required string SupabaseDirectory { get; init; }

    /// <summary>Where reports live (artifacts/): a diff's JSON, a data-mapping report, ...</summary>
    public required string ArtifactsDirectory { get; init; }

    /// <summary>Free key=value parameters from MigrationTemplateParameters.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// How a file the model was built from is named in the generated file's header: relative to the repository
    /// (never a machine path) with the start of its SHA-256.
    /// </summary>
    public string DescribeInput(string path)
    {
        var root = Path.GetFullPath(Path.Combine(SupabaseDirectory, ".."));
        var full = Path.GetFullPath(path);
        var relative = full.StartsWith(root, StringComparison.Ordinal) ? Path.GetRelativePath(root, full).Replace('\\', '/') : Path.GetFileName(full);
        if (!File.Exists(full))
        {
            return relative;
        }

        using var stream = File.OpenRead(full);
        return $"{relative} (sha256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream))[..12]})";
    }
}

/// <summary>A model and the inputs it was built from (named in the generated file's header).</summary>
public sealed record MigrationTemplateModel(object Model, IReadOnlyList<string> Inputs);

/// <summary>
/// A migration template: a Scriban file <c>Templates/&lt;Name&gt;.sql.sbn</c> embedded in the engine (replaceable by
/// <c>supabase/templates/&lt;Name&gt;.sql.sbn</c>) and the model it renders. To add one, add the .sbn file and a class
/// implementing this interface; <see cref="MigrationTemplates"/> finds it, and
/// <c>dotnet msbuild -t:NewMigration -p:MigrationTemplate=&lt;Name&gt;</c> uses it.
/// </summary>
public interface IMigrationTemplate
{
    /// <summary>The name users pass as MigrationTemplate; the template file is <c>&lt;Name&gt;.sql.sbn</c>.</summary>
    string Name { get; }

    /// <summary>One line for the list of templates.</summary>
    string Description { get; }

    /// <summary>Builds the model (reads a diff, a spec, ...). Throw coded errors for missing or bad inputs.</summary>
    Task<MigrationTemplateModel> BuildModelAsync(MigrationTemplateContext context, CancellationToken cancellationToken);
}
