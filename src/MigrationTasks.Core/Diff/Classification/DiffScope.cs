using MigrationTasks.Catalog.Model;

namespace MigrationTasks.Diff.Classification;

/// <summary>An expected leftover found in the database being changed, and the rule that says so.</summary>
public sealed record LegacyObject(CatalogObject Object, string Rule);

/// <summary>
/// Decides what a diff looks at. Objects the platform manages and schemas the configuration ignores are taken
/// as they are in the database being changed; legacy objects (only there, matching the legacy rules) are kept
/// as they are too, and listed. Both are done by giving the desired catalog the actual objects for those keys,
/// so the comparison finds nothing to do for them while everything else still sees them (a v3 view that a
/// legacy view depends on is recreated together with the legacy view, which keeps its current definition).
/// </summary>
public sealed class DiffScope
{
    private DiffScope(DatabaseCatalog desired, IReadOnlyList<LegacyObject> legacy, int ignored)
    {
        Desired = desired;
        Legacy = legacy;
        IgnoredCount = ignored;
    }

    /// <summary>The desired catalog with managed, ignored and legacy objects taken from the actual database.</summary>
    public DatabaseCatalog Desired { get; }

    /// <summary>Legacy objects found (top-level ones; their columns, indexes, ... come with them).</summary>
    public IReadOnlyList<LegacyObject> Legacy { get; }

    /// <summary>How many objects were left out as managed or ignored.</summary>
    public int IgnoredCount { get; }

    /// <summary>Where the Supabase CLI (and ApplyMigrations) keep the migration history.</summary>
    public const string MigrationHistorySchema = "supabase_migrations";

    public static DiffScope Apply(DatabaseCatalog desired, DatabaseCatalog actual, DiffProfile profile, DiffConfig config)
    {
        // The migration history (the Supabase CLI's and ours) is bookkeeping, never application schema.
        var ignoredSchemas = config.IgnoredSchemas.Append(MigrationHistorySchema).ToHashSet(StringComparer.Ordinal);
        bool Ignored(CatalogObject item) =>
            profile.Manages(item)
            || (item is SchemaObject s ? ignoredSchemas.Contains(s.Name) : item.Schema.Length > 0 && ignoredSchemas.Contains(item.Schema))
            || (profile.KeepExistingExtensions && item is ExtensionObject && actual.Objects.ContainsKey(item.Key));

        var ignoredDesired = desired.Objects.Values.Where(Ignored).Select(o => o.Key).ToList();
        var ignoredActual = actual.Objects.Values.Where(Ignored).Select(o => o.Key).ToList();

        var legacy = new List<LegacyObject>();
        var legacyKeys = new HashSet<string>(StringComparer.Ordinal);
        var rules = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? RuleFor(CatalogObject item)
        {
            if (rules.TryGetValue(item.Key, out var known))
            {
                return known;
            }

            var signature = item is RoutineObject routine ? routine.ArgumentTypes : null;
            var rule = config.LegacyRule(item.Schema, item.Name, signature);
            if (rule is null && item.Parent is { } parent && actual.Objects.GetValueOrDefault(parent) is { } owner)
            {
                rule = RuleFor(owner) is { } inherited ? inherited : null;
            }

            rules[item.Key] = rule;
            return rule;
        }

        foreach (var item in actual.Objects.Values.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            if (desired.Objects.ContainsKey(item.Key) || Ignored(item) || item is DefaultPrivilegeObject or SchemaObject or ExtensionObject)
            {
                continue;
            }

            if (RuleFor(item) is { } rule)
            {
                legacyKeys.Add(item.Key);
                // Columns, defaults, constraints and indexes belong to their legacy table and are not listed on their own.
                var belongsToLegacy = item is ColumnObject or DefaultObject or ConstraintObject or IndexObject
                    && item.Parent is { } parent && !desired.Objects.ContainsKey(parent)
                    && actual.Objects.GetValueOrDefault(parent) is { } owner && RuleFor(owner) is not null;
                if (!belongsToLegacy)
                {
                    legacy.Add(new LegacyObject(item, rule));
                }
            }
        }

        // A default belongs to its column: a legacy default on a kept column is kept too.
        legacyKeys.UnionWith(actual.All<DefaultObject>().Where(d => legacyKeys.Contains(d.Parent!) && !desired.Objects.ContainsKey(d.Key)).Select(d => d.Key));

        var scoped = desired.Overlay(ignoredDesired, actual, ignoredActual.Concat(legacyKeys).Distinct(StringComparer.Ordinal).ToList());
        return new DiffScope(scoped, legacy, ignoredDesired.Union(ignoredActual, StringComparer.Ordinal).Count());
    }
}
