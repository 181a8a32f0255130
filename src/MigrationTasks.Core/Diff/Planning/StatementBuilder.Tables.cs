using MigrationTasks.Catalog.Model;
using MigrationTasks.Diff.Sql;
using MigrationTasks.Sql;

namespace MigrationTasks.Diff.Planning;

/// <summary>Tables, columns, defaults, constraints and indexes.</summary>
internal sealed partial class StatementBuilder
{
    private void CreateTable(TableObject table, Change? change)
    {
        change ??= NewChange(ChangeAction.Create, table, null, $"new {table.KindName}");
        var parents = desired.All<TableObject>().ToDictionary(t => t.Key, t => t.SqlName, StringComparer.Ordinal);
        var step = Add(change, new Step
        {
            Sql = Ddl.CreateTable(table, c => c.Default is not null && InlineDefault(table, ObjectKeys.Default(c.Key)), parents),
            Phase = Phases.CreateTable,
        });
        step.Creates.Add(table.Key);
        foreach (var column in table.Columns.Where(c => c.IsLocal || table.PartitionOf is not null))
        {
            step.Creates.Add(column.Key);
            var defaultKey = ObjectKeys.Default(column.Key);
            if (column.Default is not null && InlineDefault(table, defaultKey))
            {
                step.Creates.Add(defaultKey);
            }
        }

        // Table privileges before column privileges: a table-level REVOKE also takes the privilege off every column.
        TableSettings(table, null, change);
        AfterCreate(table, change);
        foreach (var column in table.Columns.Where(c => c.IsLocal))
        {
            ColumnSettings(column, null, change);
            AfterCreate(column, change);
        }
    }

    /// <summary>Storage, compression, statistics and options of a column (what CREATE TABLE cannot say).</summary>
    private void ColumnSettings(ColumnObject column, ColumnObject? existing, Change change)
    {
        var actions = new List<string>();
        if (column.Storage != (existing?.Storage ?? column.TypeStorage))
        {
            actions.Add($"ALTER COLUMN {column.SqlName} SET STORAGE " + column.Storage switch { 'p' => "PLAIN", 'e' => "EXTERNAL", 'm' => "MAIN", _ => "EXTENDED" });
        }

        if (column.Compression != existing?.Compression && (existing is not null || column.Compression is not null))
        {
            actions.Add($"ALTER COLUMN {column.SqlName} SET COMPRESSION " + column.Compression switch { 'p' => "pglz", 'l' => "lz4", _ => "DEFAULT" });
        }

        if (column.Statistics != existing?.Statistics && (existing is not null || column.Statistics is not null))
        {
            actions.Add($"ALTER COLUMN {column.SqlName} SET STATISTICS {column.Statistics ?? -1}");
        }

        var oldOptions = existing?.Options ?? [];
        if (!column.Options.SequenceEqual(oldOptions))
        {
            actions.AddRange(OptionActions(oldOptions, column.Options, $"ALTER COLUMN {column.SqlName} "));
        }

        foreach (var action in actions)
        {
            Add(change, new Step { Sql = Ddl.AlterTable(column.Relation, action), Phase = Phases.AlterColumn, Attached = true, Alters = { column.Key } });
        }
    }

    private static string OptionName(string option) => option.Split('=')[0];

    /// <summary>RESET (what goes away) and SET (what is wanted) for storage options such as fillfactor or security_invoker.</summary>
    private static List<string> OptionActions(IReadOnlyList<string> existing, IReadOnlyList<string> wanted, string prefix)
    {
        var actions = new List<string>();
        var removed = existing.Select(OptionName).Except(wanted.Select(OptionName)).ToList();
        if (removed.Count > 0)
        {
            actions.Add($"{prefix}RESET ({string.Join(", ", removed)})");
        }

        if (wanted.Count > 0)
        {
            actions.Add($"{prefix}SET ({string.Join(", ", wanted)})");
        }

        return actions;
    }

    /// <summary>Table-level settings: RLS, replica identity, persistence, options, partition and inheritance links.</summary>
    private void TableSettings(TableObject table, TableObject? existing, Change change)
    {
        if (existing is not null && table.Persistence != existing.Persistence)
        {
            Add(change, new Step
            {
                Sql = Ddl.AlterTable(table.SqlName, table.Persistence == 'u' ? "SET UNLOGGED" : "SET LOGGED"),
                Phase = Phases.AlterTable,
                Alters = { table.Key },
                Hazards = Hazards(new Hazard(HazardKind.TableRewrite, "changing persistence rewrites the table"), Lock(table.Key)),
            });
        }

        if (existing is not null && !table.Options.SequenceEqual(existing.Options))
        {
            Add(change, new Step { Sql = Ddl.AlterTable(table.SqlName, string.Join(", ", OptionActions(existing.Options, table.Options, ""))), Phase = Phases.AlterTable, Alters = { table.Key } });
        }

        if (existing is not null && (table.PartitionOf != existing.PartitionOf || table.PartitionBound != existing.PartitionBound))
        {
            if (existing.PartitionOf is not null)
            {
                var oldParent = actual.Objects[existing.PartitionOf].SqlName;
                var detach = Add(change, new Step
                {
                    Sql = Ddl.AlterTable(oldParent, "DETACH PARTITION " + table.SqlName),
                    Phase = Phases.AlterTable,
                    Alters = { table.Key },
                    Hazards = Hazards(Lock(existing.PartitionOf)),
                });
                detach.Alters.Add(existing.PartitionOf);
            }

            if (table.PartitionOf is not null)
            {
                var attach = Add(change, new Step
                {
                    Sql = Ddl.AlterTable(desired.Objects[table.PartitionOf].SqlName, $"ATTACH PARTITION {table.SqlName} {table.PartitionBound}"),
                    Phase = Phases.AlterTable,
                    Alters = { table.Key },
                    Hazards = Hazards(new Hazard(HazardKind.TableRewrite, "attaching a partition scans it to check the bound"), Lock(table.PartitionOf)),
                });
                attach.Alters.Add(table.PartitionOf);
            }
        }

        if (existing is not null && !table.Inherits.SequenceEqual(existing.Inherits))
        {
            foreach (var parent in existing.Inherits.Except(table.Inherits))
            {
                Add(change, new Step { Sql = Ddl.AlterTable(table.SqlName, "NO INHERIT " + actual.Objects[parent].SqlName), Phase = Phases.AlterTable, Alters = { table.Key } });
            }

            foreach (var parent in table.Inherits.Except(existing.Inherits))
            {
                Add(change, new Step { Sql = Ddl.AlterTable(table.SqlName, "INHERIT " + desired.Objects[parent].SqlName), Phase = Phases.AlterTable, Alters = { table.Key } });
            }
        }

        if (table.ReplicaIdentity != (existing?.ReplicaIdentity ?? 'd') || (table.ReplicaIdentity == 'i' && table.ReplicaIdentityIndex != existing?.ReplicaIdentityIndex))
        {
            var clause = table.ReplicaIdentity switch
            {
                'n' => "NOTHING",
                'f' => "FULL",
                'i' => "USING INDEX " + SqlQuote.Identifier(table.ReplicaIdentityIndex!),
                _ => "DEFAULT",
            };
            var step = Add(change, new Step { Sql = Ddl.AlterTable(table.SqlName, "REPLICA IDENTITY " + clause), Phase = Phases.CreateIndex + 1, Attached = true, Alters = { table.Key } });
            if (table.ReplicaIdentityIndex is not null)
            {
                // The index must exist first.
                step.Alters.Add(ObjectKeys.Index(table.Schema, table.ReplicaIdentityIndex));
                step.Alters.Add(ObjectKeys.Constraint(table.Key, table.ReplicaIdentityIndex));
            }
        }

        var security = change.IsSecurity ? change : null;
        if (table.RowSecurity != (existing?.RowSecurity ?? false))
        {
            security ??= NewChange(ChangeAction.Alter, table, existing, table.RowSecurity ? "row-level security enabled" : "row-level security disabled", security: true);
            Add(security, new Step
            {
                Sql = Ddl.AlterTable(table.SqlName, table.RowSecurity ? "ENABLE ROW LEVEL SECURITY" : "DISABLE ROW LEVEL SECURITY"),
                Phase = Phases.RowSecurity, Attached = true,
                Alters = { table.Key },
                Hazards = Hazards(new Hazard(HazardKind.AuthorizationChange, table.RowSecurity ? "rows become visible only through policies" : "policies stop applying: every grantee sees every row")),
            });
        }

        if (table.ForceRowSecurity != (existing?.ForceRowSecurity ?? false))
        {
            security ??= NewChange(ChangeAction.Alter, table, existing, table.ForceRowSecurity ? "row-level security forced for the owner" : "row-level security no longer forced", security: true);
            Add(security, new Step
            {
                Sql = Ddl.AlterTable(table.SqlName, table.ForceRowSecurity ? "FORCE ROW LEVEL SECURITY" : "NO FORCE ROW LEVEL SECURITY"),
                Phase = Phases.RowSecurity, Attached = true,
                Alters = { table.Key },
                Hazards = Hazards(new Hazard(HazardKind.AuthorizationChange, table.ForceRowSecurity ? "the owner becomes subject to policies" : "the owner bypasses policies")),
            });
        }
    }

    private void AlterTable(TableObject table, TableObject existing)
    {
        var change = NewChange(ChangeAction.Alter, table, existing, TableDifferences(table, existing));
        TableSettings(table, existing, change);
        AlterCommon(table, existing, change);
        DropIfEmpty(change);
    }

    private static string TableDifferences(TableObject w, TableObject e)
    {
        var parts = new List<string>();
        if (w.Persistence != e.Persistence)
        {
            parts.Add(w.Persistence == 'u' ? "becomes unlogged" : "becomes logged");
        }

        if (!w.Options.SequenceEqual(e.Options))
        {
            parts.Add("storage options change");
        }

        if (w.PartitionOf != e.PartitionOf || w.PartitionBound != e.PartitionBound)
        {
            parts.Add(w.PartitionOf is null ? "detached from its parent" : $"partition bound {w.PartitionBound}");
        }

        if (!w.Inherits.SequenceEqual(e.Inherits))
        {
            parts.Add("inheritance changes");
        }

        if (w.ReplicaIdentity != e.ReplicaIdentity || w.ReplicaIdentityIndex != e.ReplicaIdentityIndex)
        {
            parts.Add("replica identity changes");
        }

        return parts.Count == 0 ? "owner, comment or privileges" : string.Join("; ", parts);
    }

    /// <summary>A change that ended up with no statement (everything it covered moved to other changes) is not reported.</summary>
    private void DropIfEmpty(Change change)
    {
        if (change.Steps.Count == 0)
        {
            _changes.Remove(change);
        }
    }

    private void AddColumn(ColumnObject column, Change? change)
    {
        change ??= NewChange(ChangeAction.Create, column, null, $"new column {column.Name} {column.Type}");
        var defaultKey = ObjectKeys.Default(column.Key);
        var hasDefault = column.Default is not null;
        var rewrite = column.Generated is not null || column.Identity != '\0' || (hasDefault && Volatile(defaultKey));
        var step = Add(change, new Step
        {
            Sql = Ddl.AlterTable(column.Relation, "ADD COLUMN " + Ddl.ColumnDefinition(column, withDefault: true)),
            Phase = Phases.AlterColumn,
            Hazards = Hazards(Lock(column.Parent!), rewrite && TableExists(column.Parent!) ? new Hazard(HazardKind.TableRewrite, "the new column's values are computed for every row") : null),
        });
        step.Creates.Add(column.Key);
        if (hasDefault)
        {
            step.Creates.Add(defaultKey);
        }

        if (column.IdentitySequence?.Name is { } sequenceName)
        {
            step.Creates.Add("sequence " + sequenceName);
        }

        ColumnSettings(column, null, change);
        AfterCreate(column, change);
    }

    /// <summary>Whether a default calls a volatile function (then adding the column rewrites the table); unknown counts as volatile.</summary>
    private bool Volatile(string defaultKey) =>
        desired.DependenciesOf(defaultKey).Any(d => desired.Objects.GetValueOrDefault(d.Key) is RoutineObject)
        || (desired.Objects.GetValueOrDefault(defaultKey) is DefaultObject d2 && (d2.Expression.Contains("nextval(", StringComparison.Ordinal) || d2.Expression.Contains("random()", StringComparison.Ordinal) || d2.Expression.Contains("gen_random_uuid()", StringComparison.Ordinal)));

    private void AlterColumn(ColumnObject column, ColumnObject existing)
    {
        var change = NewChange(ChangeAction.Alter, column, existing, ColumnDifferences(column, existing));
        var castThroughText = plan.CastThroughText.Contains(column.Key);
        if (column.Type != existing.Type || column.Collation != existing.Collation || castThroughText)
        {
            var narrowing = castThroughText ? LabelsRemoved(column) : IsNarrowing(existing.Type, column.Type);
            var cast = castThroughText ? $"{SqlQuote.Identifier(column.Name)}::text::{column.Type}" : $"{SqlQuote.Identifier(column.Name)}::{column.Type}";
            if (column.Identity != '\0' && existing.Identity != '\0' && FitsIn(column.IdentitySequence, existing.Type))
            {
                AlterIdentity(column, existing with { Type = column.Type }, change); // new bounds first: the old type must hold them
                existing = existing with { Identity = column.Identity, IdentitySequence = column.IdentitySequence };
            }
            var step = Add(change, new Step
            {
                Sql = Ddl.AlterTable(column.Relation, $"ALTER COLUMN {column.SqlName} TYPE {column.Type}{(column.Collation is null ? "" : " COLLATE " + column.Collation)}{(column.Generated is null ? " USING " + cast : "")}"),
                Phase = Phases.AlterColumn,
                Alters = { column.Key },
                Destructive = narrowing is not null,
                Hazards = Hazards(
                    new Hazard(HazardKind.TableRewrite, $"converting {column.DisplayName} from {existing.Type} to {column.Type} rewrites the table and its indexes"),
                    Lock(column.Parent!),
                    narrowing is null ? null : new Hazard(HazardKind.DataLoss, narrowing)),
            });
            if (column.Identity != '\0' && existing.Identity != '\0')
            {
                // PostgreSQL changes the identity sequence's type with the column.
                step.Alters.Add("sequence " + existing.IdentitySequence?.Name);
            }
        }

        if (column.NotNull != existing.NotNull && !(column.Identity != '\0' && existing.Identity == '\0'))
        {
            Add(change, new Step
            {
                Sql = Ddl.AlterTable(column.Relation, $"ALTER COLUMN {column.SqlName} {(column.NotNull ? "SET" : "DROP")} NOT NULL"),
                Phase = Phases.AlterColumn,
                Alters = { column.Key },
                Hazards = Hazards(Lock(column.Parent!), column.NotNull ? new Hazard(HazardKind.TableRewrite, "SET NOT NULL scans the whole table (fails if a row is null)") : null),
            });
        }

        AlterIdentity(column, existing, change);
        if (column.Generated is null && existing.Generated is not null)
        {
            Add(change, new Step { Sql = Ddl.AlterTable(column.Relation, $"ALTER COLUMN {column.SqlName} DROP EXPRESSION"), Phase = Phases.AlterColumn, Alters = { column.Key }, Hazards = Hazards(Lock(column.Parent!)) });
        }

        ColumnSettings(column, existing, change);
        AlterCommon(column, existing, change);
        DropIfEmpty(change);
    }

    private void AlterIdentity(ColumnObject column, ColumnObject existing, Change change)
    {
        if (column.Identity == existing.Identity && Equals(column.IdentitySequence, existing.IdentitySequence))
        {
            return;
        }

        if (column.Identity == '\0')
        {
            var dropIdentity = Add(change, new Step { Sql = Ddl.AlterTable(column.Relation, $"ALTER COLUMN {column.SqlName} DROP IDENTITY"), Phase = Phases.AlterColumn, Alters = { column.Key } });
            if (existing.IdentitySequence?.Name is { } identityName)
            {
                dropIdentity.Drops.Add("sequence " + identityName);
            }

            return;
        }

        if (existing.Identity == '\0')
        {
            if (!existing.NotNull)
            {
                Add(change, new Step { Sql = Ddl.AlterTable(column.Relation, $"ALTER COLUMN {column.SqlName} SET NOT NULL"), Phase = Phases.AlterColumn, Alters = { column.Key } });
            }

            var add = Add(change, new Step { Sql = Ddl.AlterTable(column.Relation, $"ALTER COLUMN {column.SqlName} ADD {Ddl.IdentityClause(column)}"), Phase = Phases.AlterColumn, Alters = { column.Key } });
            if (column.IdentitySequence?.Name is { } name)
            {
                add.Creates.Add("sequence " + name);
            }

            return;
        }

        var actions = new List<string>();
        if (column.Identity != existing.Identity)
        {
            actions.Add($"SET GENERATED {(column.Identity == 'a' ? "ALWAYS" : "BY DEFAULT")}");
        }

        if (column.IdentitySequence is { } w && existing.IdentitySequence is { } e)
        {
            var typeChanges = column.Type != existing.Type;
            if (w.Increment != e.Increment || typeChanges)
            {
                actions.Add("SET INCREMENT BY " + w.Increment);
            }

            if (w.Min != e.Min || typeChanges)
            {
                actions.Add("SET MINVALUE " + w.Min);
            }

            if (w.Max != e.Max || typeChanges)
            {
                actions.Add("SET MAXVALUE " + w.Max);
            }

            if (w.Start != e.Start || typeChanges)
            {
                actions.Add("SET START WITH " + w.Start);
            }

            if (w.Cache != e.Cache || typeChanges)
            {
                actions.Add("SET CACHE " + w.Cache);
            }

            if (w.Cycle != e.Cycle)
            {
                actions.Add(w.Cycle ? "SET CYCLE" : "SET NO CYCLE");
            }

            if (OutOfRange(e, w) is { } restart)
            {
                actions.Add("RESTART WITH " + restart);
            }

            if (w.Name != e.Name && w.Name is not null && e.Name is not null)
            {
                Add(change, new Step { Sql = $"ALTER SEQUENCE {e.Name} RENAME TO {SqlQuote.Identifier(w.Name[(w.Name.LastIndexOf("\".\"", StringComparison.Ordinal) + 3)..^1].Replace("\"\"", "\"", StringComparison.Ordinal))};", Phase = Phases.AlterColumn, Alters = { column.Key } });
            }
        }

        if (actions.Count > 0)
        {
            Add(change, new Step { Sql = Ddl.AlterTable(column.Relation, $"ALTER COLUMN {column.SqlName} {string.Join(" ", actions)}"), Phase = Phases.AlterColumn, Alters = { column.Key } });
        }
    }

    /// <summary>Whether identity bounds fit an integer type (so they can be set before the column changes to another type).</summary>
    private static bool FitsIn(SequenceOptions? options, string type)
    {
        var (min, max) = type switch
        {
            "smallint" => (short.MinValue, (long)short.MaxValue),
            "integer" => (int.MinValue, (long)int.MaxValue),
            _ => (long.MinValue, long.MaxValue),
        };
        return options is not null && options.Min >= min && options.Max <= max && options.Start >= min && options.Start <= max;
    }

    /// <summary>When new bounds exclude the sequence's current position, it must restart (at the new start).</summary>
    private static long? OutOfRange(SequenceOptions existing, SequenceOptions wanted)
    {
        var current = existing.LastValue ?? existing.Start;
        return current < wanted.Min || current > wanted.Max ? wanted.Start : null;
    }

    private static string ColumnDifferences(ColumnObject w, ColumnObject e)
    {
        var parts = new List<string>();
        if (w.Type != e.Type)
        {
            parts.Add($"type {e.Type} → {w.Type}");
        }

        if (w.Collation != e.Collation)
        {
            parts.Add($"collation {e.Collation ?? "default"} → {w.Collation ?? "default"}");
        }

        if (w.NotNull != e.NotNull)
        {
            parts.Add(w.NotNull ? "becomes NOT NULL" : "becomes nullable");
        }

        if (w.Identity != e.Identity || !Equals(w.IdentitySequence, e.IdentitySequence))
        {
            parts.Add("identity changes");
        }

        if (w.Generated != e.Generated)
        {
            parts.Add("no longer generated");
        }

        if (w.Storage != e.Storage || w.Compression != e.Compression || w.Statistics != e.Statistics || !w.Options.SequenceEqual(e.Options))
        {
            parts.Add("storage settings change");
        }

        return parts.Count == 0 ? "comment or privileges" : string.Join("; ", parts);
    }

    /// <summary>A reason when converting the type may lose data (shorter text, fewer digits, smaller integers), else null.</summary>
    private static string? IsNarrowing(string from, string to)
    {
        static (string Base, int[] Modifiers) Parse(string type)
        {
            var open = type.IndexOf('(', StringComparison.Ordinal);
            if (open < 0)
            {
                return (type, []);
            }

            var close = type.IndexOf(')', open);
            var modifiers = type[(open + 1)..close].Split(',').Select(m => int.TryParse(m.Trim(), out var n) ? n : 0).ToArray();
            return (type[..open] + type[(close + 1)..], modifiers);
        }

        var (fromBase, fromMods) = Parse(from);
        var (toBase, toMods) = Parse(to);
        if (fromBase == toBase)
        {
            if (toMods.Length == 0)
            {
                return null;
            }

            if (fromMods.Length == 0 || toMods.Zip(fromMods).Any(p => p.First < p.Second))
            {
                return $"values may not fit {to}";
            }

            return null;
        }

        string[] integers = ["smallint", "integer", "bigint"];
        var fromRank = Array.IndexOf(integers, fromBase);
        var toRank = Array.IndexOf(integers, toBase);
        if (fromRank >= 0 && toRank >= 0)
        {
            return toRank < fromRank ? $"values may not fit {to}" : null;
        }

        if (toBase is "text" || (fromRank >= 0 && toBase is "numeric"))
        {
            return null;
        }

        return $"converting {from} to {to} fails or changes values that do not convert exactly";
    }

    /// <summary>For a column moving to a replaced enum: whether labels it may hold disappear.</summary>
    private string? LabelsRemoved(ColumnObject column)
    {
        var typeKey = desired.DependenciesOf(column.Key).Select(d => d.Key).FirstOrDefault(plan.RenamedAway.Contains);
        if (typeKey is not null && desired.Objects[typeKey] is TypeObject { TypeKind: 'e' } wanted && actual.Objects[typeKey] is TypeObject existing)
        {
            var removed = existing.Labels.Except(wanted.Labels).ToList();
            return removed.Count == 0 ? null : $"rows holding {string.Join(", ", removed)} cannot be converted";
        }

        return null;
    }

    private void SetDefault(DefaultObject defaultValue, Change? change)
    {
        change ??= NewChange(ChangeAction.Create, defaultValue, null, "default " + defaultValue.Expression);
        var step = Add(change, new Step
        {
            Sql = Ddl.AlterTable(defaultValue.Relation, $"ALTER COLUMN {defaultValue.SqlName} SET DEFAULT {defaultValue.Expression}"),
            Phase = Phases.CreateDefault,
        });
        step.Creates.Add(defaultValue.Key);
    }

    private void AlterDefault(DefaultObject defaultValue, DefaultObject existing)
    {
        if (defaultValue.Expression == existing.Expression)
        {
            return;
        }

        var change = NewChange(ChangeAction.Alter, defaultValue, existing, $"default {existing.Expression} → {defaultValue.Expression}");
        Add(change, new Step
        {
            Sql = Ddl.AlterTable(defaultValue.Relation, $"ALTER COLUMN {defaultValue.SqlName} SET DEFAULT {defaultValue.Expression}"),
            Phase = Phases.CreateDefault,
            Alters = { defaultValue.Key },
        });
    }

    private void AddConstraint(ConstraintObject constraint, Change? change)
    {
        change ??= NewChange(ChangeAction.Create, constraint, null, $"new {constraint.KindName}: {constraint.Definition}");
        var onExistingTable = !constraint.OnDomain && TableExists(constraint.Parent!);
        var partitioned = desired.Objects.GetValueOrDefault(constraint.Parent!) is TableObject { PartitionKey: not null };
        var twoStep = onExistingTable && constraint.Validated && !partitioned && constraint.ConstraintType is 'c' or 'f';
        var phase = constraint.OnDomain ? Phases.CreateDomainConstraint : constraint.ConstraintType == 'f' ? Phases.CreateForeignKey : Phases.CreateConstraint;
        var add = Add(change, new Step
        {
            Sql = Ddl.AddConstraint(constraint, notValid: twoStep),
            Phase = phase,
            Hazards = Hazards(onExistingTable ? Lock(constraint.Parent!) : null,
                onExistingTable && constraint.ConstraintType is 'p' or 'u' or 'x' ? new Hazard(HazardKind.IndexBuild, $"builds the index behind {constraint.Name} while writes wait") : null),
        });
        add.Creates.Add(constraint.Key);
        if (twoStep)
        {
            Add(change, new Step { Sql = Ddl.ValidateConstraint(constraint), Phase = phase, Alters = { constraint.Key } });
        }

        AfterCreate(constraint, change);
    }

    private void AlterConstraint(ConstraintObject constraint, ConstraintObject existing)
    {
        var change = NewChange(ChangeAction.Alter, constraint, existing, constraint.Validated != existing.Validated ? "validated" : "comment");
        if (constraint.Validated && !existing.Validated)
        {
            Add(change, new Step { Sql = Ddl.ValidateConstraint(constraint), Phase = Phases.CreateConstraint, Alters = { constraint.Key } });
        }

        AlterCommon(constraint, existing, change);
        DropIfEmpty(change);
    }

    private void CreateIndex(IndexObject index, Change? change)
    {
        change ??= NewChange(ChangeAction.Create, index, null, "new index");
        var existingTable = TableExists(index.Parent!);
        var concurrently = existingTable && options.ConcurrentIndexes && !index.Definition.Contains(" ON ONLY ", StringComparison.Ordinal);
        var step = Add(change, new Step
        {
            Sql = Ddl.CreateIndex(index, concurrently),
            Phase = Phases.CreateIndex,
            Transaction = concurrently ? StepTransaction.After : StepTransaction.Main,
            Hazards = Hazards(existingTable
                ? new Hazard(HazardKind.IndexBuild, concurrently ? $"builds {index.Name} concurrently, outside the transaction" : $"builds {index.Name} while writes to {index.TableName} wait (set DiffConcurrentIndexes=true to build it CONCURRENTLY)")
                : null),
        });
        step.Creates.Add(index.Key);
        AfterCreate(index, change);
    }

    private void CreateView(ViewObject view, Change? change)
    {
        change ??= NewChange(ChangeAction.Create, view, null, $"new {view.KindName}");
        var step = Add(change, new Step { Sql = Ddl.CreateView(view, orReplace: false), Phase = view.Materialized ? Phases.CreateMaterializedView : Phases.CreateView });
        step.Creates.Add(view.Key);
        AfterCreate(view, change);
        ViewColumns(view, null, change);
    }

    private void AlterView(ViewObject view, ViewObject existing)
    {
        var change = NewChange(ChangeAction.Alter, view, existing, view.Definition != existing.Definition ? "query changes (new columns at the end)" : "options, comment or privileges");
        if (view.Definition != existing.Definition || !view.Columns.Select(c => (c.Name, c.Type)).SequenceEqual(existing.Columns.Select(c => (c.Name, c.Type))))
        {
            Add(change, new Step { Sql = Ddl.CreateView(view, orReplace: true), Phase = Phases.CreateView, Alters = { view.Key } });
        }
        else if (!view.Options.SequenceEqual(existing.Options))
        {
            var actions = OptionActions(existing.Options, view.Options, "");
            var security = view.Options.Any(o => o.StartsWith("security", StringComparison.Ordinal)) || existing.Options.Any(o => o.StartsWith("security", StringComparison.Ordinal));
            var target = security ? NewChange(ChangeAction.Alter, view, existing, "security options change: " + string.Join(", ", view.Options.DefaultIfEmpty("none")), security: true) : change;
            Add(target, new Step
            {
                Sql = $"ALTER {view.SqlKeyword} {view.SqlName} {string.Join(", ", actions)};",
                Phase = Phases.CreateView,
                Alters = { view.Key },
                Hazards = security ? Hazards(new Hazard(HazardKind.AuthorizationChange, "whose privileges and policies the view runs with changes")) : [],
            });
        }

        AlterCommon(view, existing, change);
        ViewColumns(view, existing, change);
        DropIfEmpty(change);
    }

    /// <summary>Comments and privileges on a view's columns.</summary>
    private void ViewColumns(ViewObject view, ViewObject? existing, Change change)
    {
        foreach (var column in view.Columns)
        {
            var old = existing?.Columns.FirstOrDefault(c => c.Name == column.Name);
            if (column.Comment != old?.Comment && (old is not null || column.Comment is not null))
            {
                Add(change, new Step { Sql = $"COMMENT ON COLUMN {view.SqlName}.{column.SqlName} IS {SqlQuote.Literal(column.Comment)};", Phase = Phases.Metadata, Attached = true, Alters = { view.Key } });
            }

            foreach (var sql in PrivilegeStatements("TABLE " + view.SqlName, old?.Privileges ?? [], column.Privileges, view.Owner!, view.Owner!, column.Name))
            {
                Add(change, new Step { Sql = sql, Phase = Phases.ColumnPrivileges, Attached = true, Alters = { view.Key } });
            }
        }
    }
}
