using MigrationTasks.Catalog.Model;
using MigrationTasks.Diff.Sql;

namespace MigrationTasks.Diff.Planning;

/// <summary>Owners, comments, privileges and default privileges: what every kind shares.</summary>
internal sealed partial class StatementBuilder
{
    /// <summary>Stands for "the object's owner" when comparing privileges, so that a change of owner is not a change of grants.</summary>
    private const string OwnerToken = "*";

    /// <summary>After CREATE: owner, comment, and the privileges that differ from what the object got when created.</summary>
    private void AfterCreate(CatalogObject wanted, Change change)
    {
        if (wanted.Owner is { } owner && owner != Role && Ddl.Owner(wanted, owner) is { } ownerSql)
        {
            Add(change, new Step { Sql = ownerSql, Phase = Phases.Metadata, Attached = true, Alters = { wanted.Key } });
        }

        if (wanted.Comment is not null && Ddl.CommentTarget(wanted) is not null)
        {
            Add(change, new Step { Sql = Ddl.Comment(wanted, wanted.Comment), Phase = Phases.Metadata, Attached = true, Alters = { wanted.Key } });
        }

        if (wanted is ColumnObject column)
        {
            foreach (var sql in PrivilegeStatements("TABLE " + column.Relation, [], column.Privileges, "", "", column.Name))
            {
                Add(change, new Step { Sql = sql, Phase = Phases.ColumnPrivileges, Attached = true, Alters = { wanted.Key }, Hazards = Hazards(new Hazard(HazardKind.AuthorizationChange, "column privileges change")) });
            }

            return;
        }

        if (Ddl.GrantTarget(wanted) is { } target && ObjectType(wanted) is { } type)
        {
            var expected = ExpectedPrivileges(type, wanted.Schema);
            AddPrivilegeSteps(wanted, null, target, expected, Normalize(wanted.Privileges, wanted.Owner), wanted.Owner ?? Role, change);
        }
    }

    /// <summary>Owner, comment and privileges of an object present on both sides.</summary>
    private void AlterCommon(CatalogObject wanted, CatalogObject existing, Change? change)
    {
        if (wanted.Owner is { } owner && existing.Owner is not null && owner != existing.Owner && Ddl.Owner(wanted, owner) is { } ownerSql)
        {
            var target = NewChange(ChangeAction.Alter, wanted, existing, $"owner {existing.Owner} → {owner}", security: true);
            Add(target, new Step
            {
                Sql = ownerSql,
                Phase = Phases.Metadata, Attached = true,
                Alters = { wanted.Key },
                Hazards = Hazards(new Hazard(HazardKind.AuthorizationChange, $"{owner} becomes the owner (owners bypass row-level security unless it is forced)")),
            });
        }

        if (wanted.Comment != existing.Comment && Ddl.CommentTarget(wanted) is not null)
        {
            var target = change ?? NewChange(ChangeAction.Alter, wanted, existing, "comment changes");
            Add(target, new Step { Sql = Ddl.Comment(wanted, wanted.Comment), Phase = Phases.Metadata, Attached = true, Alters = { wanted.Key } });
        }

        if (wanted is ColumnObject column)
        {
            var statements = PrivilegeStatements("TABLE " + column.Relation, existing.Privileges, column.Privileges, "", "", column.Name).ToList();
            if (statements.Count > 0)
            {
                var target = NewChange(ChangeAction.Alter, wanted, existing, "column privileges change", security: true);
                foreach (var sql in statements)
                {
                    Add(target, new Step { Sql = sql, Phase = Phases.ColumnPrivileges, Attached = true, Alters = { wanted.Key }, Hazards = Hazards(new Hazard(HazardKind.AuthorizationChange, "column privileges change")) });
                }
            }

            return;
        }

        if (Ddl.GrantTarget(wanted) is { } grantTarget)
        {
            AddPrivilegeSteps(wanted, existing, grantTarget, Normalize(existing.Privileges, existing.Owner), Normalize(wanted.Privileges, wanted.Owner), wanted.Owner ?? Role, null);
        }
    }

    private void AddPrivilegeSteps(CatalogObject wanted, CatalogObject? existing, string target, IReadOnlyList<Privilege> from, IReadOnlyList<Privilege> to, string owner, Change? change)
    {
        var statements = PrivilegeStatements(target, from, to, owner, OwnerToken, null).ToList();
        if (statements.Count == 0)
        {
            return;
        }

        var privileges = change ?? NewChange(ChangeAction.Alter, wanted, existing, DescribePrivileges(from, to, owner), security: true);
        foreach (var sql in statements)
        {
            Add(privileges, new Step
            {
                Sql = sql,
                Phase = Phases.Metadata, Attached = true,
                Alters = { wanted.Key },
                Hazards = Hazards(new Hazard(HazardKind.AuthorizationChange, "privileges change")),
            });
        }
    }

    private static string DescribePrivileges(IReadOnlyList<Privilege> from, IReadOnlyList<Privilege> to, string owner)
    {
        static string Name(Privilege p, string owner) => (p.Grantee == OwnerToken ? owner : p.Grantee.Length == 0 ? "PUBLIC" : p.Grantee) + ":" + p.Type + (p.Grantable ? "*" : "");
        var granted = to.Except(from).Select(p => Name(p, owner)).ToList();
        var revoked = from.Except(to).Select(p => Name(p, owner)).ToList();
        var parts = new List<string>();
        if (granted.Count > 0)
        {
            parts.Add("grant " + string.Join(", ", granted));
        }

        if (revoked.Count > 0)
        {
            parts.Add("revoke " + string.Join(", ", revoked));
        }

        return "privileges: " + string.Join("; ", parts);
    }

    /// <summary>The object type letter default privileges use: r relations, S sequences, f routines, T types, n schemas.</summary>
    private static char? ObjectType(CatalogObject item) => item switch
    {
        TableObject or ViewObject => 'r',
        SequenceObject => 'S',
        RoutineObject => 'f',
        TypeObject => 'T',
        SchemaObject => 'n',
        _ => null,
    };

    /// <summary>Replaces the owner's name by <see cref="OwnerToken"/>.</summary>
    private static IReadOnlyList<Privilege> Normalize(IReadOnlyList<Privilege> privileges, string? owner) =>
        privileges.Select(p => p.Grantee == owner ? p with { Grantee = OwnerToken } : p).Distinct().Order().ToList();

    /// <summary>
    /// The privileges a new object has right after CREATE run by <see cref="Role"/>: the server's built-in
    /// default, replaced by the role's global default privileges, plus its default privileges in the schema
    /// (as they are in the database being changed: default-privilege changes run after every CREATE).
    /// </summary>
    private IReadOnlyList<Privilege> ExpectedPrivileges(char type, string schema)
    {
        var builtIn = actual.Info.BuiltInPrivileges.GetValueOrDefault(type == 'S' ? 's' : type) ?? [];
        IEnumerable<Privilege> result = builtIn;
        if (actual.Get<DefaultPrivilegeObject>(ObjectKeys.DefaultPrivilege(Role, null, type)) is { } global)
        {
            result = Normalize(global.Privileges, Role);
        }

        if (type != 'n' && actual.Get<DefaultPrivilegeObject>(ObjectKeys.DefaultPrivilege(Role, schema, type)) is { } inSchema)
        {
            result = result.Concat(Normalize(inSchema.Privileges, Role));
        }

        // ALTER ... OWNER TO carries the creator's privileges over to the new owner: they stay "the owner's".
        return result.Distinct().Order().ToList();
    }

    /// <summary>GRANT and REVOKE statements that turn <paramref name="from"/> into <paramref name="to"/>, grouped per grantee.</summary>
    private static IEnumerable<string> PrivilegeStatements(string target, IReadOnlyList<Privilege> from, IReadOnlyList<Privilege> to, string owner, string ownerToken, string? column)
    {
        string Grantee(string grantee) => grantee == ownerToken && ownerToken.Length > 0 ? owner : grantee;

        var fromSet = from.ToDictionary(p => (p.Grantee, p.Type), p => p.Grantable);
        var toSet = to.ToDictionary(p => (p.Grantee, p.Type), p => p.Grantable);
        var revokes = new List<(string Grantee, string Type)>();
        var revokeOption = new List<(string Grantee, string Type)>();
        var grants = new List<(string Grantee, string Type)>();
        var grantsWithOption = new List<(string Grantee, string Type)>();
        foreach (var (key, grantable) in fromSet)
        {
            if (!toSet.TryGetValue(key, out var wanted))
            {
                revokes.Add(key);
            }
            else if (grantable && !wanted)
            {
                revokeOption.Add(key);
            }
        }

        foreach (var (key, grantable) in toSet)
        {
            if (!fromSet.TryGetValue(key, out var had))
            {
                (grantable ? grantsWithOption : grants).Add(key);
            }
            else if (grantable && !had)
            {
                grantsWithOption.Add(key);
            }
        }

        foreach (var group in revokes.GroupBy(k => k.Grantee).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            yield return Ddl.Revoke(target, group.Select(k => k.Type), Grantee(group.Key), grantOptionOnly: false, column);
        }

        foreach (var group in revokeOption.GroupBy(k => k.Grantee).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            yield return Ddl.Revoke(target, group.Select(k => k.Type), Grantee(group.Key), grantOptionOnly: true, column);
        }

        foreach (var group in grants.GroupBy(k => k.Grantee).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            yield return Ddl.Grant(target, group.Select(k => k.Type), Grantee(group.Key), withGrantOption: false, column);
        }

        foreach (var group in grantsWithOption.GroupBy(k => k.Grantee).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            yield return Ddl.Grant(target, group.Select(k => k.Type), Grantee(group.Key), withGrantOption: true, column);
        }
    }

    /// <summary>
    /// ALTER DEFAULT PRIVILEGES: compares an entry with its counterpart. A missing entry means the built-in
    /// default for entries that apply everywhere, and nothing for entries in a schema.
    /// </summary>
    private void AlterDefaultPrivileges(DefaultPrivilegeObject? wanted, DefaultPrivilegeObject? existing, Change? change = null)
    {
        var entry = (wanted ?? existing)!;
        IReadOnlyList<Privilege> Effective(DefaultPrivilegeObject? item)
        {
            if (item is not null)
            {
                return Normalize(item.Privileges, item.Role);
            }

            return entry.InSchema is null
                ? actual.Info.BuiltInPrivileges.GetValueOrDefault(entry.ObjectType == 'S' ? 's' : entry.ObjectType) ?? []
                : [];
        }

        var from = Effective(existing);
        var to = Effective(wanted);
        var statements = new List<string>();
        var fromSet = from.ToDictionary(p => (p.Grantee, p.Type), p => p.Grantable);
        var toSet = to.ToDictionary(p => (p.Grantee, p.Type), p => p.Grantable);
        string Grantee(string g) => g == OwnerToken ? entry.Role : g;
        foreach (var group in fromSet.Where(p => !toSet.ContainsKey(p.Key)).GroupBy(p => p.Key.Grantee).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            statements.Add(Ddl.DefaultPrivileges(entry, grant: false, group.Select(p => p.Key.Type), Grantee(group.Key), grantOption: false));
        }

        foreach (var group in fromSet.Where(p => p.Value && toSet.TryGetValue(p.Key, out var g) && !g).GroupBy(p => p.Key.Grantee).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            statements.Add(Ddl.DefaultPrivileges(entry, grant: false, group.Select(p => p.Key.Type), Grantee(group.Key), grantOption: true));
        }

        foreach (var withOption in new[] { false, true })
        {
            foreach (var group in toSet.Where(p => p.Value == withOption && (!fromSet.TryGetValue(p.Key, out var had) || (withOption && !had))).GroupBy(p => p.Key.Grantee).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                statements.Add(Ddl.DefaultPrivileges(entry, grant: true, group.Select(p => p.Key.Type), Grantee(group.Key), grantOption: withOption));
            }
        }

        if (statements.Count == 0)
        {
            return;
        }

        change ??= NewChange(wanted is null ? ChangeAction.Drop : existing is null ? ChangeAction.Create : ChangeAction.Alter, wanted, existing, "default " + DescribePrivileges(from, to, entry.Role), security: true);
        foreach (var sql in statements)
        {
            var step = Add(change, new Step
            {
                Sql = sql,
                Phase = Phases.DefaultPrivileges, Attached = true,
                Hazards = Hazards(new Hazard(HazardKind.AuthorizationChange, "privileges of objects created from now on change")),
            });
            step.Alters.Add(entry.Key);
        }
    }
}
