using MigrationTasks.Catalog.Model;

namespace MigrationTasks.Diff.Planning;

/// <summary>
/// Turns the plan (create, drop, replace or compare, per key) into changes made of SQL steps. One partial file
/// per family of objects; this one dispatches and holds what they share.
/// </summary>
internal sealed partial class StatementBuilder(DatabaseCatalog desired, DatabaseCatalog actual, ChangePlan plan, DiffOptions options)
{
    private readonly List<Change> _changes = [];
    private readonly Dictionary<string, Step> _dropSteps = new(StringComparer.Ordinal);

    private string Role => options.Role ?? actual.Info.CurrentUser;

    public IReadOnlyList<Change> Build()
    {
        foreach (var (key, action) in plan.Actions.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var wanted = desired.Objects.GetValueOrDefault(key);
            var existing = actual.Objects.GetValueOrDefault(key);
            switch (action)
            {
                case PlannedAction.Create when !CoveredByParent(key):
                    BuildCreate(wanted!);
                    break;
                case PlannedAction.Drop when !plan.DroppedWith.ContainsKey(key):
                    BuildDrop(existing!);
                    break;
                case PlannedAction.Replace:
                    BuildReplace(wanted!, existing!);
                    break;
                case PlannedAction.Compare:
                    BuildAlter(wanted!, existing!);
                    break;
            }
        }

        // What PostgreSQL drops by itself goes with the statement that drops its owner.
        foreach (var (key, carrier) in plan.DroppedWith)
        {
            var root = carrier;
            while (!_dropSteps.ContainsKey(root) && plan.DroppedWith.TryGetValue(root, out var next))
            {
                root = next;
            }

            if (_dropSteps.TryGetValue(root, out var step))
            {
                step.Drops.Add(key);
            }
        }

        return _changes;
    }

    /// <summary>A column (or inline default) of a table that is created by CREATE TABLE needs no statement of its own.</summary>
    private bool CoveredByParent(string key)
    {
        var item = desired.Objects[key];
        if (item is ConstraintObject { OnDomain: true } domainConstraint)
        {
            return DomainConstraintInline(domainConstraint);
        }

        var parentKey = item switch
        {
            ColumnObject column => column.Parent,
            DefaultObject defaultValue => desired.Objects.GetValueOrDefault(defaultValue.Parent!)?.Parent,
            _ => null,
        };
        if (parentKey is null || desired.Objects.GetValueOrDefault(parentKey) is not TableObject table
            || plan.Actions.GetValueOrDefault(parentKey) is not (PlannedAction.Create or PlannedAction.Replace))
        {
            return false;
        }

        return item switch
        {
            ColumnObject => true,
            DefaultObject d => InlineDefault(table, d.Key),
            _ => false,
        };
    }

    /// <summary>CREATE DOMAIN writes its (valid) CHECK constraints: ALTER DOMAIN ADD CONSTRAINT fails once a column uses the domain.</summary>
    private bool DomainConstraintInline(ConstraintObject constraint) =>
        constraint.Validated && constraint.ConstraintType == 'c'
        && plan.Actions.GetValueOrDefault(constraint.Parent!) is PlannedAction.Create or PlannedAction.Replace;

    /// <summary>
    /// CREATE TABLE writes a column's default inline unless the default calls a routine of the database
    /// (that routine may itself need the table, for example RETURNS SETOF it).
    /// </summary>
    private bool InlineDefault(TableObject table, string defaultKey) =>
        table.PartitionOf is null && table.OfType is null &&
        !desired.DependenciesOf(defaultKey).Any(d => desired.Objects.GetValueOrDefault(d.Key) is RoutineObject { Extension: null });

    private Change NewChange(ChangeAction action, CatalogObject? wanted, CatalogObject? existing, string description, bool security = false)
    {
        var change = new Change
        {
            Key = (wanted ?? existing)!.Key,
            Action = action,
            Desired = wanted,
            Actual = existing,
            Description = description,
            IsSecurity = security,
        };
        _changes.Add(change);
        return change;
    }

    private static Step Add(Change change, Step step)
    {
        step.Change = change;
        if (change.Steps.Count > 0 && step.After.Count == 0)
        {
            step.After.Add(change.Steps[^1]);
        }

        change.Steps.Add(step);
        return step;
    }

    private void BuildCreate(CatalogObject wanted)
    {
        switch (wanted)
        {
            case SchemaObject s: CreateSchema(s); break;
            case ExtensionObject e: CreateExtension(e); break;
            case CollationObject c: CreateCollation(c); break;
            case TypeObject t: CreateType(t, null); break;
            case SequenceObject s: CreateSequence(s, null); break;
            case TableObject t: CreateTable(t, null); break;
            case ColumnObject c: AddColumn(c, null); break;
            case DefaultObject d: SetDefault(d, null); break;
            case ConstraintObject c: AddConstraint(c, null); break;
            case IndexObject i: CreateIndex(i, null); break;
            case ViewObject v: CreateView(v, null); break;
            case RoutineObject r: CreateRoutine(r, null); break;
            case TriggerObject t: CreateTrigger(t, null); break;
            case PolicyObject p: CreatePolicy(p, null); break;
            case DefaultPrivilegeObject d: AlterDefaultPrivileges(d, null); break;
        }
    }

    private void BuildDrop(CatalogObject existing)
    {
        var change = NewChange(ChangeAction.Drop, null, existing, $"{existing.KindName} not in the desired schema");
        var step = DropStep(existing, change);
        if (step is not null)
        {
            _dropSteps[existing.Key] = step;
        }
    }

    private void BuildReplace(CatalogObject wanted, CatalogObject existing)
    {
        var reason = plan.Reasons.GetValueOrDefault(wanted.Key) ?? "it changes in a way PostgreSQL cannot alter";
        if (plan.RenamedAway.Contains(wanted.Key) && wanted is TypeObject wantedType && existing is TypeObject existingType)
        {
            ReplaceTypeByRenaming(wantedType, existingType, reason);
            return;
        }

        var change = NewChange(ChangeAction.Replace, wanted, existing, "replaced: " + reason, security: wanted is PolicyObject);
        if (!plan.DroppedWith.ContainsKey(wanted.Key))
        {
            var drop = DropStep(existing, change);
            if (drop is not null)
            {
                drop.Hazards = [.. drop.Hazards, new Hazard(HazardKind.Replacement, $"{existing.KindName} {existing.DisplayName} is dropped and created again: {reason}")];
                _dropSteps[existing.Key] = drop;
            }
        }

        if (CoveredByParent(wanted.Key))
        {
            return;
        }

        switch (wanted)
        {
            case TypeObject t: CreateType(t, change); break;
            case SequenceObject s: CreateSequence(s, change); break;
            case TableObject t: CreateTable(t, change); break;
            case ColumnObject c: AddColumn(c, change); break;
            case DefaultObject d: SetDefault(d, change); break;
            case ConstraintObject c: AddConstraint(c, change); break;
            case IndexObject i: CreateIndex(i, change); break;
            case ViewObject v: CreateView(v, change); break;
            case RoutineObject r: CreateRoutine(r, change); break;
            case TriggerObject t: CreateTrigger(t, change); break;
            case PolicyObject p: CreatePolicy(p, change); break;
            case CollationObject c: CreateCollation(c, change); break;
            case ExtensionObject e: CreateExtension(e, change); break;
        }
    }

    private void BuildAlter(CatalogObject wanted, CatalogObject existing)
    {
        switch (wanted, existing)
        {
            case (SchemaObject w, SchemaObject _): AlterCommon(w, existing, null); break;
            case (ExtensionObject w, ExtensionObject e): AlterExtension(w, e); break;
            case (CollationObject w, CollationObject _): AlterCommon(w, existing, null); break;
            case (TypeObject w, TypeObject e): AlterType(w, e); break;
            case (SequenceObject w, SequenceObject e): AlterSequence(w, e); break;
            case (TableObject w, TableObject e): AlterTable(w, e); break;
            case (ColumnObject w, ColumnObject e): AlterColumn(w, e); break;
            case (DefaultObject w, DefaultObject e): AlterDefault(w, e); break;
            case (ConstraintObject w, ConstraintObject e): AlterConstraint(w, e); break;
            case (IndexObject w, IndexObject _): AlterCommon(w, existing, null); break;
            case (ViewObject w, ViewObject e): AlterView(w, e); break;
            case (RoutineObject w, RoutineObject e): AlterRoutine(w, e); break;
            case (TriggerObject w, TriggerObject e): AlterTrigger(w, e); break;
            case (PolicyObject w, PolicyObject e): AlterPolicy(w, e); break;
            case (DefaultPrivilegeObject w, DefaultPrivilegeObject e): AlterDefaultPrivileges(w, e); break;
        }
    }

    /// <summary>The DROP statement for an object (null when nothing needs to be said).</summary>
    private Step? DropStep(CatalogObject existing, Change change)
    {
        var (sql, phase, destructive, hazards) = existing switch
        {
            SchemaObject s => (Sql.Ddl.DropSchema(s), Phases.DropSchema, false, Array.Empty<Hazard?>()),
            ExtensionObject e => (Sql.Ddl.DropExtension(e), Phases.DropExtension, true, [new Hazard(HazardKind.DataLoss, "dropping an extension removes its types and functions; columns using them must be gone")]),
            CollationObject c => (Sql.Ddl.DropCollation(c), Phases.DropCollation, false, []),
            TypeObject t => (Sql.Ddl.DropType(t), Phases.DropType, false, []),
            SequenceObject s => (Sql.Ddl.DropSequence(s), Phases.DropSequence, true, [new Hazard(HazardKind.DataLoss, "the sequence's current value is lost")]),
            TableObject t => (Sql.Ddl.DropTable(t), Phases.DropTable, true, [new Hazard(HazardKind.DataLoss, $"drops table {t.DisplayName} and its rows"), Lock(t.Key)]),
            ColumnObject c => (Sql.Ddl.AlterTable(c.Relation, "DROP COLUMN " + c.SqlName), Phases.DropColumn, true, [new Hazard(HazardKind.DataLoss, $"drops column {c.DisplayName} and its values"), Lock(c.Parent!)]),
            DefaultObject d => (Sql.Ddl.AlterTable(d.Relation, $"ALTER COLUMN {d.SqlName} DROP DEFAULT"), Phases.DropDefault, false, [Lock(ParentTable(d))]),
            ConstraintObject c => (Sql.Ddl.DropConstraint(c), c.ConstraintType == 'f' ? Phases.DropForeignKey : Phases.DropConstraint, false, c.OnDomain ? [] : [Lock(c.Parent!)]),
            IndexObject i => (Sql.Ddl.DropIndex(i), Phases.DropIndex, false, [Lock(i.Parent!)]),
            ViewObject v => (Sql.Ddl.DropView(v), Phases.DropView, false, v.Materialized ? [new Hazard(HazardKind.DataLoss, "the materialized view's contents are computed again when it is created")] : []),
            RoutineObject { Extension: null } r => (Sql.Ddl.DropRoutine(r), Phases.DropRoutine, false, []),
            TriggerObject t => (Sql.Ddl.DropTrigger(t), Phases.DropTrigger, false, [Lock(t.Parent!)]),
            PolicyObject p => (Sql.Ddl.DropPolicy(p), Phases.DropPolicy, false, [new Hazard(HazardKind.AuthorizationChange, $"removes policy {p.Name} from {p.TableName}")]),
            _ => (null, 0, false, Array.Empty<Hazard?>()),
        };
        if (existing is DefaultPrivilegeObject defaults)
        {
            AlterDefaultPrivileges(null, defaults, change);
            return null;
        }

        if (sql is null)
        {
            return null;
        }

        var step = Add(change, new Step { Sql = sql, Phase = phase, Destructive = destructive, Hazards = hazards.OfType<Hazard>().ToList() });
        step.Drops.Add(existing.Key);
        return step;
    }

    private string ParentTable(DefaultObject d) => actual.Objects.GetValueOrDefault(d.Parent!)?.Parent ?? desired.Objects[d.Parent!].Parent!;

    /// <summary>An ACCESS EXCLUSIVE lock hazard, when the table exists (a new table has no readers to block).</summary>
    private Hazard? Lock(string tableKey) => actual.Objects.GetValueOrDefault(tableKey) is { } table
        ? new Hazard(HazardKind.AccessExclusiveLock, $"takes an ACCESS EXCLUSIVE lock on {table.DisplayName}")
        : null;

    private bool TableExists(string tableKey) =>
        actual.Objects.ContainsKey(tableKey) && plan.Actions.GetValueOrDefault(tableKey) is not (PlannedAction.Replace or PlannedAction.Drop);

    private static List<Hazard> Hazards(params Hazard?[] hazards) => hazards.OfType<Hazard>().ToList();
}
