using MigrationTasks.Catalog.Model;

namespace MigrationTasks.Diff.Planning;

/// <summary>
/// Decides, for every key on either side, whether the object is created, dropped, altered in place or
/// replaced (dropped and created again), then spreads replacements and drops to what depends on them:
/// a view over a column whose type changes is dropped and created again, an enum that loses a label is
/// renamed away while its columns move to the new one, and what PostgreSQL drops by itself with an object
/// (its indexes, its owned sequences) is recorded as dropped by that object's statement.
/// </summary>
internal sealed class ChangePlanner(DatabaseCatalog desired, DatabaseCatalog actual)
{
    private readonly Dictionary<string, PlannedAction> _actions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _reasons = new(StringComparer.Ordinal);

    /// <summary>Keys dropped by another key's statement (PostgreSQL drops them with it), and that key.</summary>
    private readonly Dictionary<string, string> _droppedWith = new(StringComparer.Ordinal);

    /// <summary>Types replaced by renaming the old one away, so that the columns using it keep their data.</summary>
    private readonly HashSet<string> _renamedAway = new(StringComparer.Ordinal);

    /// <summary>For objects replaced (or retyped) because of another change: that change's key.</summary>
    private readonly Dictionary<string, string> _causes = new(StringComparer.Ordinal);

    /// <summary>Columns whose type changes because the type they use is replaced (cast through text).</summary>
    private readonly HashSet<string> _castThroughText = new(StringComparer.Ordinal);

    public ChangePlan Plan()
    {
        foreach (var key in desired.Objects.Keys.Union(actual.Objects.Keys, StringComparer.Ordinal))
        {
            if (Ignored(key))
            {
                continue;
            }

            var wanted = desired.Objects.GetValueOrDefault(key);
            var existing = actual.Objects.GetValueOrDefault(key);
            if (wanted is null)
            {
                _actions[key] = PlannedAction.Drop;
            }
            else if (existing is null)
            {
                _actions[key] = PlannedAction.Create;
            }
            else if (ReplaceReason(wanted, existing) is { } reason)
            {
                _actions[key] = PlannedAction.Replace;
                _reasons[key] = reason;
            }
            else
            {
                _actions[key] = PlannedAction.Compare;
            }
        }

        Cascade();
        return new ChangePlan(_actions, _reasons, _droppedWith, _renamedAway, _castThroughText, _causes);
    }

    /// <summary>Columns and constraints a child inherits from its parent follow the parent.</summary>
    private bool Ignored(string key)
    {
        var item = desired.Objects.GetValueOrDefault(key) ?? actual.Objects[key];
        return item switch
        {
            ColumnObject column => !column.IsLocal,
            ConstraintObject constraint => !constraint.IsLocal,
            _ => false,
        };
    }

    private string? ReplaceReason(CatalogObject wanted, CatalogObject existing)
    {
        switch (wanted, existing)
        {
            case (ExtensionObject w, ExtensionObject e) when w.Schema != e.Schema && !e.Relocatable:
                return $"the extension moves from schema {e.Schema} to {w.Schema} and cannot be relocated";
            case (CollationObject w, CollationObject e) when !w.Properties.OrderBy(p => p.Key).SequenceEqual(e.Properties.OrderBy(p => p.Key)):
                return "collations cannot be altered";
            case (TypeObject w, TypeObject e):
                return TypeReplaceReason(w, e);
            case (TableObject w, TableObject e):
                if (w.PartitionKey != e.PartitionKey)
                {
                    return w.PartitionKey is null ? "it is no longer partitioned" : e.PartitionKey is null ? "it becomes partitioned" : "its partition key changes";
                }

                return w.OfType != e.OfType ? "its OF type changes" : null;
            case (ColumnObject w, ColumnObject e):
                if (w.Generated != e.Generated && w.Generated is not null)
                {
                    return e.Generated is null ? "it becomes a generated column" : "its generation expression changes (PostgreSQL 15 has no ALTER for it)";
                }

                return null;
            case (ConstraintObject w, ConstraintObject e):
                if (w.Definition == e.Definition || (w.Definition == e.Definition.Replace(" NOT VALID", "", StringComparison.Ordinal) && !e.Validated && w.Validated))
                {
                    return null;
                }

                return "constraints cannot be altered";
            case (IndexObject w, IndexObject e) when w.Definition != e.Definition:
                return "indexes cannot be altered";
            case (ViewObject w, ViewObject e):
                if (w.Definition == e.Definition && SameColumns(w, e))
                {
                    return null;
                }

                if (w.Materialized)
                {
                    return "materialized views cannot be altered";
                }

                return ColumnsExtend(w, e) ? null : "its columns change in a way CREATE OR REPLACE VIEW cannot do";
            case (RoutineObject w, RoutineObject e):
                if (w.Extension is not null)
                {
                    return null;
                }

                if (w.RoutineKind != e.RoutineKind)
                {
                    return $"it changes from a {e.KindName} to a {w.KindName}";
                }

                if (w.Result != e.Result)
                {
                    return $"its result changes ({e.Result} → {w.Result})";
                }

                if (w.Arguments != e.Arguments)
                {
                    return "its argument names, modes or defaults change";
                }

                return null;
            case (TriggerObject w, TriggerObject e) when w.Definition != e.Definition:
                return "triggers cannot be altered";
            case (PolicyObject w, PolicyObject e):
                if (w.Command != e.Command)
                {
                    return "its command changes";
                }

                if (w.Permissive != e.Permissive)
                {
                    return w.Permissive ? "it becomes permissive" : "it becomes restrictive";
                }

                if ((w.Using is null && e.Using is not null) || (w.Check is null && e.Check is not null))
                {
                    return "a clause is removed (ALTER POLICY cannot remove one)";
                }

                return null;
            default:
                return wanted.GetType() != existing.GetType() ? "its kind changes" : null;
        }
    }

    private string? TypeReplaceReason(TypeObject w, TypeObject e)
    {
        if (w.TypeKind != e.TypeKind)
        {
            return $"it changes from {e.KindName} to {w.KindName}";
        }

        switch (w.TypeKind)
        {
            case 'e':
                return IsSubsequence(e.Labels, w.Labels) ? null : "labels are removed or reordered (ALTER TYPE can only add labels)";
            case 'd':
                if (w.BaseType != e.BaseType)
                {
                    return $"its base type changes ({e.BaseType} → {w.BaseType})";
                }

                return w.Collation != e.Collation ? "its collation changes" : null;
            case 'c':
                var kept = e.AttributeNames.Where(w.AttributeNames.Contains).ToList();
                var wantedOrder = w.AttributeNames.Where(e.AttributeNames.Contains).ToList();
                if (!kept.SequenceEqual(wantedOrder) || !w.AttributeNames.Take(kept.Count).SequenceEqual(kept))
                {
                    return "its attributes are reordered";
                }

                var retyped = kept.Any(n => w.AttributeTypes[w.AttributeNames.ToList().IndexOf(n)] != e.AttributeTypes[e.AttributeNames.ToList().IndexOf(n)]);
                return retyped && actual.DependentsOf(e.Key).Any(d => actual.Objects.GetValueOrDefault(d.Key) is ColumnObject)
                    ? "an attribute's type changes while table columns use the type"
                    : null;
            case 'r':
                return w.Range.OrderBy(p => p.Key).SequenceEqual(e.Range.OrderBy(p => p.Key)) ? null : "range types cannot be altered";
            default:
                return null;
        }
    }

    private static bool IsSubsequence(IReadOnlyList<string> shorter, IReadOnlyList<string> longer)
    {
        var i = 0;
        foreach (var label in longer)
        {
            if (i < shorter.Count && shorter[i] == label)
            {
                i++;
            }
        }

        return i == shorter.Count;
    }

    private static bool SameColumns(ViewObject w, ViewObject e) =>
        w.Columns.Select(c => (c.Name, c.Type)).SequenceEqual(e.Columns.Select(c => (c.Name, c.Type)));

    /// <summary>CREATE OR REPLACE VIEW keeps the existing columns (same names, types, order) and may add new ones at the end.</summary>
    private static bool ColumnsExtend(ViewObject w, ViewObject e) =>
        w.Columns.Count >= e.Columns.Count &&
        w.Columns.Take(e.Columns.Count).Select(c => (c.Name, c.Type, c.Collation)).SequenceEqual(e.Columns.Select(c => (c.Name, c.Type, c.Collation)));

    /// <summary>
    /// Spreads drops and replacements to dependents (in the actual database): what depends on a dropped or
    /// replaced object must go first (and come back if it is wanted); what PostgreSQL drops automatically with
    /// it is recorded as dropped by it.
    /// </summary>
    private void Cascade()
    {
        // A type that must be replaced while table columns use it is renamed away: the columns move to the new type.
        foreach (var (key, action) in _actions.ToList())
        {
            if (action == PlannedAction.Replace && actual.Objects[key] is TypeObject
                && actual.DependentsOf(key).Any(d => actual.Objects.GetValueOrDefault(d.Key) is ColumnObject && Survives(d.Key)))
            {
                _renamedAway.Add(key);
            }
        }

        var queue = new Queue<string>(_actions.Where(p => p.Value is PlannedAction.Drop or PlannedAction.Replace).Select(p => p.Key));
        foreach (var (key, action) in _actions.ToList())
        {
            if (action == PlannedAction.Compare && ColumnTypeChanges(key))
            {
                queue.Enqueue(key);
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (queue.Count > 0)
        {
            var key = queue.Dequeue();
            if (!seen.Add(key))
            {
                continue;
            }

            var retyped = _actions.GetValueOrDefault(key) == PlannedAction.Compare; // a column whose type changes
            var renamed = _renamedAway.Contains(key);
            foreach (var dependency in actual.DependentsOf(key))
            {
                var dependent = dependency.Key;
                if (dependency.Kind == DependencyKind.Soft || !actual.Objects.ContainsKey(dependent) || Ignored(dependent))
                {
                    continue;
                }

                var item = actual.Objects[dependent];
                var automatic = dependency.Kind is DependencyKind.Automatic or DependencyKind.OwnedBy;
                var current = _actions.GetValueOrDefault(dependent);
                if (current is PlannedAction.Drop or PlannedAction.Replace || _droppedWith.ContainsKey(dependent))
                {
                    // Already going: if PostgreSQL drops it with this object anyway, no statement of its own.
                    if (automatic && !retyped && !renamed && !_droppedWith.ContainsKey(dependent) && !IsForeignKeyToOtherTable(item))
                    {
                        _droppedWith[dependent] = key;
                    }

                    queue.Enqueue(dependent);
                    continue;
                }

                if (item is ColumnObject && !renamed && !retyped && Survives(dependent) && ColumnTypeChanges(dependent))
                {
                    continue; // ALTER COLUMN TYPE moves it off the type before the type goes
                }

                if (retyped)
                {
                    // ALTER COLUMN TYPE rebuilds indexes and constraints itself; views, policies, triggers and
                    // generated columns over the column must be dropped first; its default is set again.
                    if (item is ViewObject or PolicyObject or TriggerObject or DefaultObject || (item is ColumnObject c && c.Generated is not null))
                    {
                        Replace(dependent, "a column it uses changes type");
                        _causes.TryAdd(dependent, key);
                        queue.Enqueue(dependent);
                    }

                    continue;
                }

                if (renamed && item.Parent == key)
                {
                    // A domain's constraints stay with the renamed domain; the new one gets its own.
                    _droppedWith[dependent] = key;
                    if (desired.Objects.ContainsKey(dependent))
                    {
                        Replace(dependent, "its domain is replaced");
                        _causes.TryAdd(dependent, key);
                    }
                    else
                    {
                        _actions[dependent] = PlannedAction.Drop;
                    }

                    continue;
                }

                if (renamed && item is ColumnObject && Survives(dependent))
                {
                    _castThroughText.Add(dependent);
                    _causes.TryAdd(dependent, key);
                    queue.Enqueue(dependent);
                    if (_actions.GetValueOrDefault(dependent) != PlannedAction.Compare)
                    {
                        _actions[dependent] = PlannedAction.Compare;
                    }

                    continue;
                }

                if (item is SequenceObject sequence && desired.Objects.GetValueOrDefault(dependent) is SequenceObject wanted && wanted.OwnedBy != key && sequence.OwnedBy == key)
                {
                    continue; // OWNED BY moves elsewhere before the owner goes
                }

                if (IsForeignKeyToOtherTable(item) && automatic && !desired.Objects.ContainsKey(dependent))
                {
                    // Dropped explicitly (not with its table): two tables referencing each other can then be dropped in either order.
                    _actions[dependent] = PlannedAction.Drop;
                    queue.Enqueue(dependent);
                    continue;
                }

                if (automatic && !renamed)
                {
                    _droppedWith[dependent] = key;
                    if (desired.Objects.ContainsKey(dependent))
                    {
                        Replace(dependent, $"PostgreSQL drops it with {actual.Objects[key].KindName} {actual.Objects[key].DisplayName}");
                        _causes.TryAdd(dependent, key);
                    }
                    else
                    {
                        _actions[dependent] = PlannedAction.Drop;
                    }
                }
                else if (desired.Objects.ContainsKey(dependent))
                {
                    _causes.TryAdd(dependent, key);
                    Replace(dependent, $"it depends on {actual.Objects[key].KindName} {actual.Objects[key].DisplayName}, which is {(renamed ? "replaced" : _actions[key] == PlannedAction.Drop ? "dropped" : "replaced")}");
                }
                else
                {
                    _actions[dependent] = PlannedAction.Drop;
                }

                queue.Enqueue(dependent);
            }
        }

        // Sub-objects dropped with their parent need no statement of their own.
        foreach (var (key, action) in _actions.ToList())
        {
            if (action == PlannedAction.Drop && !_droppedWith.ContainsKey(key) && actual.Objects[key].Parent is { } parent
                && _actions.GetValueOrDefault(parent) is PlannedAction.Drop or PlannedAction.Replace
                && actual.Objects[key] is not ConstraintObject { ConstraintType: 'f' })
            {
                _droppedWith[key] = parent;
            }
        }

        // Something PostgreSQL would drop with its owner but which needs another object that goes away too (a policy
        // reading a view that is dropped with the policy's table) is dropped explicitly first: otherwise neither could go first.
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (dropped, carrier) in _droppedWith.ToList())
            {
                var root = Root(carrier);
                if (actual.DependenciesOf(dropped).Any(d => d.Kind == DependencyKind.Normal && _actions.GetValueOrDefault(d.Key) is PlannedAction.Drop or PlannedAction.Replace
                    && Root(d.Key) != root && Reaches(d.Key, root)))
                {
                    _droppedWith.Remove(dropped);
                    changed = true;
                }
            }
        }
    }

    /// <summary>Whether <paramref name="from"/> depends, directly or not, on <paramref name="root"/> or on something that goes with it.</summary>
    private bool Reaches(string from, string root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([from]);
        while (stack.Count > 0)
        {
            var key = stack.Pop();
            if (!seen.Add(key))
            {
                continue;
            }

            if (Root(key) == root)
            {
                return true;
            }

            foreach (var dependency in actual.DependenciesOf(key))
            {
                if (dependency.Kind != DependencyKind.Soft)
                {
                    stack.Push(dependency.Key);
                }
            }
        }

        return false;
    }

    private string Root(string key)
    {
        while (_droppedWith.TryGetValue(key, out var carrier))
        {
            key = carrier;
        }

        return key;
    }

    private static bool IsForeignKeyToOtherTable(CatalogObject item) =>
        item is ConstraintObject { ConstraintType: 'f' } foreignKey && foreignKey.References is not null && foreignKey.References != foreignKey.Parent;

    private void Replace(string key, string reason)
    {
        _actions[key] = PlannedAction.Replace;
        _reasons.TryAdd(key, reason);
    }

    private bool Survives(string key) =>
        desired.Objects.ContainsKey(key) && _actions.GetValueOrDefault(key) is not (PlannedAction.Drop or PlannedAction.Replace)
        && (actual.Objects[key].Parent is not { } parent || _actions.GetValueOrDefault(parent) is not (PlannedAction.Drop or PlannedAction.Replace));

    private bool ColumnTypeChanges(string key) =>
        desired.Objects.GetValueOrDefault(key) is ColumnObject w && actual.Objects.GetValueOrDefault(key) is ColumnObject e
        && (w.Type != e.Type || w.Collation != e.Collation);
}

internal enum PlannedAction
{
    /// <summary>Not planned (never stored).</summary>
    None,

    /// <summary>Present on both sides and not replaced: the statement builder compares properties.</summary>
    Compare,
    Create,
    Drop,
    Replace,
}

internal sealed record ChangePlan(
    IReadOnlyDictionary<string, PlannedAction> Actions,
    IReadOnlyDictionary<string, string> Reasons,
    IReadOnlyDictionary<string, string> DroppedWith,
    IReadOnlySet<string> RenamedAway,
    IReadOnlySet<string> CastThroughText,
    IReadOnlyDictionary<string, string> Causes);
