using System.Text.RegularExpressions;
using MigrationTasks.Catalog.Model;

namespace MigrationTasks.Catalog;

/// <summary>
/// What pg_depend misses: the objects a routine body refers to (SQL bodies given as strings, PL/pgSQL).
/// Names in the body that match a relation, type, sequence or routine become soft dependencies: they order
/// creation (a CHECK that calls a function that reads a view needs the view first) and are given up when
/// they would form a cycle. Unqualified names are looked up in the routine's own schema, its pinned
/// search_path and <c>public</c>.
/// </summary>
internal static partial class BodyReferences
{
    [GeneratedRegex("""("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\s*\.\s*("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))?""")]
    private static partial Regex Name();

    public static void Add(IReadOnlyList<CatalogObject> objects, Dictionary<string, List<Dependency>> dependencies)
    {
        var index = new Dictionary<(string Schema, string Name), List<string>>();
        foreach (var item in objects)
        {
            if (item is TableObject or ViewObject or TypeObject or SequenceObject or RoutineObject { Extension: null })
            {
                if (!index.TryGetValue((item.Schema, item.Name), out var keys))
                {
                    index[(item.Schema, item.Name)] = keys = [];
                }

                keys.Add(item.Key);
            }
        }

        foreach (var routine in objects.OfType<RoutineObject>())
        {
            if (routine.Extension is not null || string.IsNullOrEmpty(routine.Source) || routine.Language is not ("sql" or "plpgsql"))
            {
                continue;
            }

            var searchPath = new List<string> { routine.Schema, "public" };
            if (routine.SearchPath is { } pinned)
            {
                searchPath.AddRange(pinned.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Unquote));
            }

            var found = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match match in Name().Matches(routine.Source))
            {
                if (match.Groups[2].Success)
                {
                    Collect(index, (Unquote(match.Groups[1].Value), Unquote(match.Groups[2].Value)), found);
                }
                else
                {
                    var name = Unquote(match.Groups[1].Value);
                    foreach (var schema in searchPath)
                    {
                        Collect(index, (schema, name), found);
                    }
                }
            }

            found.Remove(routine.Key);
            if (found.Count == 0)
            {
                continue;
            }

            if (!dependencies.TryGetValue(routine.Key, out var list))
            {
                dependencies[routine.Key] = list = [];
            }

            list.AddRange(found.Select(k => new Dependency(k, DependencyKind.Soft)));
        }
    }

    private static void Collect(Dictionary<(string, string), List<string>> index, (string, string) name, HashSet<string> found)
    {
        if (index.TryGetValue(name, out var keys))
        {
            found.UnionWith(keys);
        }
    }

    private static string Unquote(string identifier) =>
        identifier.Length >= 2 && identifier[0] == '"' ? identifier[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : identifier.ToLowerInvariant();
}
