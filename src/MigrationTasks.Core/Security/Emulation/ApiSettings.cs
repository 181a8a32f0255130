namespace MigrationTasks.Security.Emulation;

/// <summary>The PostgREST configuration the emulation follows (from <c>supabase/config.toml</c> [api]).</summary>
public sealed record ApiSettings
{
    /// <summary>The schemas the Data API exposes (<c>[api] schemas</c>); the first is the default.</summary>
    public IReadOnlyList<string> ExposedSchemas { get; init; } = ["public", "graphql_public"];

    /// <summary>Put on <c>search_path</c> after the request's schema (<c>[api] extra_search_path</c>).</summary>
    public IReadOnlyList<string> ExtraSearchPath { get; init; } = ["public", "extensions"];

    /// <summary>The request headers PostgREST exposes in <c>request.headers</c> (lower-case names).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>
    {
        ["accept"] = "application/json",
        ["x-client-info"] = "migrationtasks-verify-policies",
    };

    /// <summary>The default schema of a request (the first exposed one).</summary>
    public string DefaultSchema => ExposedSchemas.Count > 0 ? ExposedSchemas[0] : "public";

    /// <summary>The search_path PostgREST sets for a request to <paramref name="schema"/>: it, then the extra schemas.</summary>
    public string SearchPathFor(string schema) =>
        string.Join(", ", new[] { schema }.Concat(ExtraSearchPath).Distinct(StringComparer.Ordinal).Select(Sql.SqlQuote.Identifier));
}
