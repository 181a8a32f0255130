namespace MigrationTasks.Catalog.Model;

/// <summary>How one object depends on another.</summary>
public enum DependencyKind
{
    /// <summary>pg_depend 'n': the referenced object cannot be dropped while this one exists.</summary>
    Normal,

    /// <summary>pg_depend 'a' or 'i', or a sub-object's parent: this object goes away with the referenced one.</summary>
    Automatic,

    /// <summary>A sequence OWNED BY a column: dropped with the column, but created before it (the column's default uses it).</summary>
    OwnedBy,

    /// <summary>Found by reading a routine body, which pg_depend does not track; used for ordering, given up on a cycle.</summary>
    Soft,
}

public sealed record Dependency(string Key, DependencyKind Kind);

/// <summary>
/// An immutable picture of a database's schema: objects by key, and the dependencies between them
/// (from pg_depend, plus parents and what routine bodies refer to).
/// </summary>
public sealed class DatabaseCatalog
{
    private static readonly IReadOnlyList<Dependency> None = [];

    public DatabaseCatalog(IEnumerable<CatalogObject> objects, IReadOnlyDictionary<string, IReadOnlyList<Dependency>> dependencies, CatalogInfo info)
    {
        var byKey = new Dictionary<string, CatalogObject>(StringComparer.Ordinal);
        foreach (var item in objects)
        {
            byKey[item.Key] = item;
        }

        Objects = byKey;
        Dependencies = dependencies;
        Info = info;
        var dependents = new Dictionary<string, List<Dependency>>(StringComparer.Ordinal);
        foreach (var (key, list) in dependencies)
        {
            foreach (var dependency in list)
            {
                if (!dependents.TryGetValue(dependency.Key, out var back))
                {
                    dependents[dependency.Key] = back = [];
                }

                back.Add(dependency with { Key = key });
            }
        }

        Dependents = dependents.ToDictionary(p => p.Key, p => (IReadOnlyList<Dependency>)p.Value, StringComparer.Ordinal);
    }

    public IReadOnlyDictionary<string, CatalogObject> Objects { get; }

    /// <summary>For each object key, what it depends on.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Dependency>> Dependencies { get; }

    /// <summary>For each object key, what depends on it (the reverse of <see cref="Dependencies"/>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Dependency>> Dependents { get; }

    public CatalogInfo Info { get; }

    public IReadOnlyList<Dependency> DependenciesOf(string key) => Dependencies.TryGetValue(key, out var list) ? list : None;

    public IReadOnlyList<Dependency> DependentsOf(string key) => Dependents.TryGetValue(key, out var list) ? list : None;

    public T? Get<T>(string key) where T : CatalogObject => Objects.TryGetValue(key, out var value) ? value as T : null;

    public IEnumerable<T> All<T>() where T : CatalogObject => Objects.Values.OfType<T>();

    /// <summary>
    /// A catalog with some objects replaced or added (from another catalog, with their dependencies) and some removed.
    /// Used to keep objects a diff must leave alone (legacy objects, schemas a platform manages).
    /// </summary>
    public DatabaseCatalog Overlay(IReadOnlyCollection<string> removeKeys, DatabaseCatalog source, IReadOnlyCollection<string> takeKeys)
    {
        var remove = new HashSet<string>(removeKeys, StringComparer.Ordinal);
        var objects = Objects.Values.Where(o => !remove.Contains(o.Key)).ToDictionary(o => o.Key, StringComparer.Ordinal);
        var dependencies = Dependencies.Where(p => !remove.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var key in takeKeys)
        {
            if (source.Objects.TryGetValue(key, out var item))
            {
                objects[key] = item;
                dependencies[key] = source.DependenciesOf(key);
            }
        }

        return new DatabaseCatalog(objects.Values, dependencies, Info);
    }
}

/// <summary>
/// Where and how a catalog was read, and what the server gives a new object by default
/// (per object type r, s, f, T, n; grantee "*" stands for the owner).
/// </summary>
public sealed record CatalogInfo(string Database, string CurrentUser, Version ServerVersion, int QueryCount, TimeSpan Duration,
    IReadOnlyDictionary<char, IReadOnlyList<Privilege>> BuiltInPrivileges);
