using System.Collections.Concurrent;
using System.Reflection;

namespace MigrationTasks.Catalog;

/// <summary>
/// The catalog queries, one per object kind (files in <c>Catalog/Queries/</c>, embedded). Each reads every object
/// of its kind in the database at once, so the number of queries does not depend on the database's size.
/// </summary>
internal static class CatalogQueries
{
    /// <summary>The kinds, in the order the reader runs them (one batch, one round trip).</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "schemas", "extensions", "collations", "types", "relations", "columns", "sequences", "constraints",
        "indexes", "routines", "triggers", "policies", "default_privileges", "builtin_privileges", "comments", "dependencies",
    ];

    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    public static string Text(string name) => Cache.GetOrAdd(name, static n =>
    {
        var resource = $"MigrationTasks.Catalog.Queries.{n}.sql";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The catalog query {resource} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
