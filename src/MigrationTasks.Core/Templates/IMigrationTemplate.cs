using MigrationTasks.Common;
using MigrationTasks.Connections;

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
    /// Opens the database a template reads its catalog from (the data and cleanup templates check their spec against
    /// it): -p:Database when given, else the bundled sample production on an ephemeral server. Null when the caller
    /// offers none; templates that need one then fail with a clear error.
    /// </summary>
    public Func<CancellationToken, Task<TemplateDatabase>>? OpenDatabase { get; init; }

    /// <summary>Where a template reports progress.</summary>
    public IEngineLog Log { get; init; } = NullEngineLog.Instance;

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

/// <summary>A database a template reads (its connection and how it was obtained); disposing releases an ephemeral one.</summary>
public sealed class TemplateDatabase(DatabaseConnection connection, string description, IAsyncDisposable? owner = null) : IAsyncDisposable
{
    public DatabaseConnection Connection { get; } = connection;

    /// <summary>Secret-free: "staging (user@host:5432/db)", "the bundled sample production, scale 1".</summary>
    public string Description { get; } = description;

    public ValueTask DisposeAsync() => owner?.DisposeAsync() ?? ValueTask.CompletedTask;
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
