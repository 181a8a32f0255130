using MigrationTasks.Catalog.Model;
using MigrationTasks.Diff.Sql;
using MigrationTasks.Sql;

namespace MigrationTasks.Diff.Planning;

/// <summary>Schemas, extensions, collations, types, sequences, routines, triggers and policies.</summary>
internal sealed partial class StatementBuilder
{
    private void CreateSchema(SchemaObject schema)
    {
        var change = NewChange(ChangeAction.Create, schema, null, "new schema");
        Add(change, new Step { Sql = Ddl.CreateSchema(schema), Phase = Phases.CreateSchema, Creates = { schema.Key } });
        AfterCreate(schema, change);
    }

    private void CreateExtension(ExtensionObject extension, Change? change = null)
    {
        change ??= NewChange(ChangeAction.Create, extension, null, $"new extension {extension.Name} {extension.Version}");
        var step = Add(change, new Step { Sql = Ddl.CreateExtension(extension), Phase = Phases.CreateExtension, Creates = { extension.Key } });
        step.Alters.Add(ObjectKeys.Schema(extension.Schema));
        if (extension.Comment is not null)
        {
            Add(change, new Step { Sql = Ddl.Comment(extension, extension.Comment), Phase = Phases.Metadata, Attached = true, Alters = { extension.Key } });
        }
    }

    private void AlterExtension(ExtensionObject extension, ExtensionObject existing)
    {
        var change = NewChange(ChangeAction.Alter, extension, existing,
            extension.Version != existing.Version ? $"version {existing.Version} → {extension.Version}" : extension.Schema != existing.Schema ? $"schema {existing.Schema} → {extension.Schema}" : "comment");
        if (extension.Schema != existing.Schema)
        {
            var step = Add(change, new Step { Sql = $"ALTER EXTENSION {extension.SqlName} SET SCHEMA {SqlQuote.Identifier(extension.Schema)};", Phase = Phases.AlterExtension, Alters = { extension.Key } });
            step.Alters.Add(ObjectKeys.Schema(extension.Schema));
        }

        if (extension.Version != existing.Version)
        {
            Add(change, new Step { Sql = $"ALTER EXTENSION {extension.SqlName} UPDATE TO {SqlQuote.Literal(extension.Version)};", Phase = Phases.AlterExtension, Alters = { extension.Key } });
        }

        if (extension.Comment != existing.Comment)
        {
            Add(change, new Step { Sql = Ddl.Comment(extension, extension.Comment), Phase = Phases.Metadata, Attached = true, Alters = { extension.Key } });
        }

        DropIfEmpty(change);
    }

    private void CreateCollation(CollationObject collation, Change? change = null)
    {
        change ??= NewChange(ChangeAction.Create, collation, null, "new collation");
        Add(change, new Step { Sql = Ddl.CreateCollation(collation), Phase = Phases.CreateCollation, Creates = { collation.Key } });
        AfterCreate(collation, change);
    }

    private void CreateType(TypeObject type, Change? change)
    {
        change ??= NewChange(ChangeAction.Create, type, null, $"new {type.KindName}");
        CreateTypeStep(type, change);
        AfterCreate(type, change);
    }

    /// <summary>CREATE TYPE / CREATE DOMAIN (with the domain's CHECK constraints).</summary>
    private void CreateTypeStep(TypeObject type, Change change)
    {
        var constraints = type.TypeKind == 'd'
            ? desired.All<ConstraintObject>().Where(c => c.Parent == type.Key && DomainConstraintInline(c)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList()
            : [];
        var sql = Ddl.CreateType(type);
        if (constraints.Count > 0)
        {
            sql = sql.TrimEnd(';') + string.Concat(constraints.Select(c => $" CONSTRAINT {SqlQuote.Identifier(c.Name)} {c.Definition}")) + ";";
        }

        var step = Add(change, new Step { Sql = sql, Phase = Phases.CreateType, Creates = { type.Key } });
        foreach (var constraint in constraints)
        {
            step.Creates.Add(constraint.Key);
        }

        foreach (var constraint in constraints.Where(c => c.Comment is not null))
        {
            Add(change, new Step { Sql = Ddl.Comment(constraint, constraint.Comment), Phase = Phases.Metadata, Attached = true, Alters = { constraint.Key } });
        }
    }

    /// <summary>
    /// A type that cannot be altered while columns use it (an enum losing labels, a domain changing base type):
    /// rename the old one away, create the new one, move the columns (cast through text), drop the old one.
    /// </summary>
    private void ReplaceTypeByRenaming(TypeObject type, TypeObject existing, string reason)
    {
        var change = NewChange(ChangeAction.Replace, type, existing, "replaced: " + reason);
        var oldName = existing.Name + "__old";
        var rename = Add(change, new Step
        {
            Sql = Ddl.RenameType(existing, oldName),
            Phase = Phases.RenameAway,
            Hazards = Hazards(new Hazard(HazardKind.Replacement, $"{existing.KindName} {existing.DisplayName} is replaced: {reason}; its columns are converted through text")),
        });
        rename.FreesName.Add(type.Key);
        CreateTypeStep(type, change);
        AfterCreate(type, change);
        var drop = new Step
        {
            Sql = Ddl.DropType(existing with { Name = oldName }),
            Phase = Phases.DropOld,
            Hazards = Hazards(type.TypeKind == 'e' && existing.Labels.Except(type.Labels).Any()
                ? new Hazard(HazardKind.DataLoss, $"labels {string.Join(", ", existing.Labels.Except(type.Labels))} disappear; rows holding them cannot be converted")
                : null),
        };
        drop.Releases.Add(type.Key);
        drop.Change = change;
        change.Steps.Add(drop);
        _dropSteps[type.Key] = drop;
    }

    private void AlterType(TypeObject type, TypeObject existing)
    {
        var change = NewChange(ChangeAction.Alter, type, existing, $"{type.KindName} changes");
        switch (type.TypeKind)
        {
            case 'e':
                // New labels go before the next existing label (or after the previous one at the end).
                var labels = existing.Labels.ToList();
                for (var i = 0; i < type.Labels.Count; i++)
                {
                    var label = type.Labels[i];
                    if (labels.Contains(label))
                    {
                        continue;
                    }

                    var before = type.Labels.Skip(i + 1).FirstOrDefault(labels.Contains);
                    var after = before is null ? type.Labels.Take(i).LastOrDefault(labels.Contains) : null;
                    Add(change, new Step
                    {
                        Sql = Ddl.AddEnumValue(type, label, before, after),
                        Phase = Phases.AlterType,
                        Alters = { type.Key },
                        Transaction = StepTransaction.Before,
                    });
                    labels.Insert(before is null ? (after is null ? labels.Count : labels.IndexOf(after) + 1) : labels.IndexOf(before), label);
                }

                break;
            case 'd':
                if (type.Default != existing.Default)
                {
                    Add(change, new Step { Sql = $"ALTER DOMAIN {type.SqlName} {(type.Default is null ? "DROP DEFAULT" : "SET DEFAULT " + type.Default)};", Phase = Phases.AlterType, Alters = { type.Key } });
                }

                if (type.NotNull != existing.NotNull)
                {
                    Add(change, new Step { Sql = $"ALTER DOMAIN {type.SqlName} {(type.NotNull ? "SET" : "DROP")} NOT NULL;", Phase = Phases.AlterType, Alters = { type.Key } });
                }

                break;
            case 'c':
                var names = type.AttributeNames.ToList();
                var oldNames = existing.AttributeNames.ToList();
                foreach (var removed in oldNames.Except(names))
                {
                    Add(change, new Step { Sql = $"ALTER TYPE {type.SqlName} DROP ATTRIBUTE {SqlQuote.Identifier(removed)};", Phase = Phases.AlterType, Alters = { type.Key } });
                }

                for (var i = 0; i < names.Count; i++)
                {
                    var index = oldNames.IndexOf(names[i]);
                    if (index < 0)
                    {
                        Add(change, new Step { Sql = $"ALTER TYPE {type.SqlName} ADD ATTRIBUTE {SqlQuote.Identifier(names[i])} {type.AttributeTypes[i]};", Phase = Phases.AlterType, Alters = { type.Key } });
                    }
                    else if (existing.AttributeTypes[index] != type.AttributeTypes[i])
                    {
                        Add(change, new Step { Sql = $"ALTER TYPE {type.SqlName} ALTER ATTRIBUTE {SqlQuote.Identifier(names[i])} TYPE {type.AttributeTypes[i]};", Phase = Phases.AlterType, Alters = { type.Key } });
                    }
                }

                break;
        }

        AlterCommon(type, existing, change);
        DropIfEmpty(change);
    }

    private void CreateSequence(SequenceObject sequence, Change? change)
    {
        change ??= NewChange(ChangeAction.Create, sequence, null, "new sequence");
        Add(change, new Step { Sql = Ddl.CreateSequence(sequence), Phase = Phases.CreateSequence, Creates = { sequence.Key } });
        if (sequence.OwnedBy is not null)
        {
            var owned = Add(change, new Step { Sql = $"ALTER SEQUENCE {sequence.SqlName} OWNED BY {sequence.OwnedBySql};", Phase = Phases.SequenceOwnedBy, Attached = true, Alters = { sequence.Key } });
            owned.Alters.Add(sequence.OwnedBy);
        }

        AfterCreate(sequence, change);
    }

    private void AlterSequence(SequenceObject sequence, SequenceObject existing)
    {
        var change = NewChange(ChangeAction.Alter, sequence, existing, !Equals(sequence.Options, existing.Options) ? "options change" : sequence.OwnedBy != existing.OwnedBy ? "OWNED BY changes" : "comment");
        if (!Equals(sequence.Options, existing.Options))
        {
            var restart = OutOfRange(existing.Options, sequence.Options) is { } value ? " RESTART WITH " + value : "";
            Add(change, new Step
            {
                Sql = $"ALTER SEQUENCE {sequence.SqlName} {Ddl.SequenceOptionsSql(sequence.Options)}{restart};",
                Phase = Phases.CreateSequence,
                Alters = { sequence.Key },
                Hazards = restart.Length > 0 ? Hazards(new Hazard(HazardKind.DataLoss, "the sequence restarts: its current position is outside the new bounds")) : [],
            });
        }

        if (sequence.Persistence != existing.Persistence)
        {
            Add(change, new Step { Sql = $"ALTER SEQUENCE {sequence.SqlName} SET {(sequence.Persistence == 'u' ? "UNLOGGED" : "LOGGED")};", Phase = Phases.CreateSequence, Alters = { sequence.Key } });
        }

        if (sequence.OwnedBy != existing.OwnedBy)
        {
            var step = Add(change, new Step { Sql = $"ALTER SEQUENCE {sequence.SqlName} OWNED BY {sequence.OwnedBySql ?? "NONE"};", Phase = Phases.SequenceOwnedBy, Attached = true, Alters = { sequence.Key } });
            if (sequence.OwnedBy is not null)
            {
                step.Alters.Add(sequence.OwnedBy);
            }
        }

        AlterCommon(sequence, existing, change);
        DropIfEmpty(change);
    }

    private void CreateRoutine(RoutineObject routine, Change? change)
    {
        if (routine.Extension is not null)
        {
            return;
        }

        change ??= NewChange(ChangeAction.Create, routine, null, $"new {routine.KindName}", security: routine.SecurityDefiner);
        Add(change, new Step
        {
            Sql = Ddl.CreateRoutine(routine),
            Phase = Phases.CreateRoutine,
            Creates = { routine.Key },
            Hazards = routine.SecurityDefiner ? Hazards(new Hazard(HazardKind.AuthorizationChange, $"SECURITY DEFINER: runs with the privileges of {routine.Owner}{(routine.SearchPath is null ? ", without a pinned search_path" : "")}")) : [],
        });
        AfterCreate(routine, change);
    }

    private void AlterRoutine(RoutineObject routine, RoutineObject existing)
    {
        if (routine.Extension is not null)
        {
            AlterCommon(routine, existing, null);
            return;
        }

        var definitionChanges = routine.RoutineKind == 'a'
            ? !routine.Aggregate.OrderBy(p => p.Key).SequenceEqual(existing.Aggregate.OrderBy(p => p.Key))
            : routine.Definition != existing.Definition;
        var security = routine.SecurityDefiner != existing.SecurityDefiner || routine.SearchPath != existing.SearchPath;
        var change = NewChange(ChangeAction.Alter, routine, existing, RoutineDifferences(routine, existing), security);
        if (definitionChanges)
        {
            Add(change, new Step
            {
                Sql = Ddl.CreateRoutine(routine),
                Phase = Phases.CreateRoutine,
                Alters = { routine.Key },
                Hazards = security ? Hazards(new Hazard(HazardKind.AuthorizationChange, routine.SecurityDefiner ? $"runs as its owner ({routine.Owner}), search_path {routine.SearchPath ?? "not pinned"}" : "no longer SECURITY DEFINER")) : [],
            });
        }

        AlterCommon(routine, existing, change);
        DropIfEmpty(change);
    }

    private static string RoutineDifferences(RoutineObject w, RoutineObject e)
    {
        var parts = new List<string>();
        if (w.SecurityDefiner != e.SecurityDefiner)
        {
            parts.Add(w.SecurityDefiner ? "becomes SECURITY DEFINER" : "no longer SECURITY DEFINER");
        }

        if (w.SearchPath != e.SearchPath)
        {
            parts.Add($"search_path {e.SearchPath ?? "(not set)"} → {w.SearchPath ?? "(not set)"}");
        }

        if (w.Language != e.Language)
        {
            parts.Add($"language {e.Language} → {w.Language}");
        }

        if (w.Source != e.Source)
        {
            parts.Add("body changes");
        }

        return parts.Count == 0 ? "attributes change" : string.Join("; ", parts);
    }

    private void CreateTrigger(TriggerObject trigger, Change? change)
    {
        change ??= NewChange(ChangeAction.Create, trigger, null, "new trigger");
        Add(change, new Step { Sql = Ddl.CreateTrigger(trigger), Phase = Phases.CreateTrigger, Creates = { trigger.Key }, Hazards = Hazards(TableExists(trigger.Parent!) ? Lock(trigger.Parent!) : null) });
        if (trigger.Enabled != 'O')
        {
            Add(change, new Step { Sql = Ddl.TriggerEnabled(trigger), Phase = Phases.CreateTrigger, Attached = true, Alters = { trigger.Key } });
        }

        AfterCreate(trigger, change);
    }

    private void AlterTrigger(TriggerObject trigger, TriggerObject existing)
    {
        var change = NewChange(ChangeAction.Alter, trigger, existing, trigger.Enabled != existing.Enabled ? "enabled state changes" : "comment");
        if (trigger.Enabled != existing.Enabled)
        {
            Add(change, new Step { Sql = Ddl.TriggerEnabled(trigger), Phase = Phases.CreateTrigger, Attached = true, Alters = { trigger.Key } });
        }

        AlterCommon(trigger, existing, change);
        DropIfEmpty(change);
    }

    private void CreatePolicy(PolicyObject policy, Change? change)
    {
        change ??= NewChange(ChangeAction.Create, policy, null, $"new policy {policy.CommandSql} TO {Ddl.Roles(policy.Roles)}", security: true);
        Add(change, new Step
        {
            Sql = Ddl.CreatePolicy(policy),
            Phase = Phases.CreatePolicy,
            Creates = { policy.Key },
            Hazards = Hazards(new Hazard(HazardKind.AuthorizationChange, $"policy {policy.Name} on {policy.TableName} grants {policy.CommandSql} to {Ddl.Roles(policy.Roles)}")),
        });
        AfterCreate(policy, change);
    }

    private void AlterPolicy(PolicyObject policy, PolicyObject existing)
    {
        var parts = new List<string>();
        if (!policy.Roles.SequenceEqual(existing.Roles))
        {
            parts.Add($"roles {Ddl.Roles(existing.Roles)} → {Ddl.Roles(policy.Roles)}");
        }

        if (policy.Using != existing.Using)
        {
            parts.Add("USING changes");
        }

        if (policy.Check != existing.Check)
        {
            parts.Add("WITH CHECK changes");
        }

        var change = NewChange(ChangeAction.Alter, policy, existing, parts.Count == 0 ? "comment" : string.Join("; ", parts), security: parts.Count > 0);
        if (parts.Count > 0)
        {
            Add(change, new Step
            {
                Sql = Ddl.AlterPolicy(policy),
                Phase = Phases.CreatePolicy,
                Alters = { policy.Key },
                Hazards = Hazards(new Hazard(HazardKind.AuthorizationChange, $"policy {policy.Name} on {policy.TableName}: {string.Join("; ", parts)}")),
            });
        }

        AlterCommon(policy, existing, change);
        DropIfEmpty(change);
    }
}
