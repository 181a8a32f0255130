using System.Text;

namespace MigrationTasks.Backup;

/// <summary>A role as <c>pg_dumpall --roles-only</c> wrote it.</summary>
public sealed record DumpedRole(string Name, string Attributes)
{
    public bool CanLogin => Attributes.Split(' ').Contains("LOGIN", StringComparer.Ordinal);
}

/// <summary>A role membership (<c>GRANT role TO member</c>).</summary>
public sealed record RoleMembership(string Role, string Member, string Options);

/// <summary>
/// The roles file of a backup (<c>pg_dumpall --roles-only --no-role-passwords --quote-all-identifiers</c>), read
/// statement by statement, and turned into a script for one target: roles the target lacks are created with their
/// attributes, settings and comment; roles it has are left alone (their attributes and passwords are the target's
/// business); memberships it lacks are granted. Running pg_dumpall's file as is would stop at the first role that
/// exists (anon, authenticated, ... on any Supabase-style server) and would try to change the superuser.
/// </summary>
public sealed class RoleScript
{
    private readonly List<DumpedRole> _roles = [];
    private readonly Dictionary<string, List<string>> _settings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _comments = new(StringComparer.Ordinal);
    private readonly List<RoleMembership> _memberships = [];
    private readonly List<string> _ignored = [];

    /// <summary>The roles the file creates, in file order.</summary>
    public IReadOnlyList<DumpedRole> Roles => _roles;

    public IReadOnlyList<RoleMembership> Memberships => _memberships;

    /// <summary>Statements of the file this reader does not apply (none for pg_dumpall 13-18 output).</summary>
    public IReadOnlyList<string> Ignored => _ignored;

    public static RoleScript Parse(string text)
    {
        var script = new RoleScript();
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var statement in Statements(text))
        {
            if (TryRoleStatement(statement, "CREATE ROLE ", out var name, out _))
            {
                if (!attributes.ContainsKey(name))
                {
                    attributes[name] = "";
                    order.Add(name);
                }
            }
            else if (TryRoleStatement(statement, "ALTER ROLE ", out name, out var rest) && rest.StartsWith("WITH ", StringComparison.Ordinal))
            {
                attributes[name] = rest["WITH ".Length..].TrimEnd(';').Trim();
            }
            else if (TryRoleStatement(statement, "ALTER ROLE ", out name, out rest) && rest.StartsWith("SET ", StringComparison.Ordinal))
            {
                (script._settings.TryGetValue(name, out var list) ? list : script._settings[name] = []).Add(statement);
            }
            else if (TryRoleStatement(statement, "COMMENT ON ROLE ", out name, out _))
            {
                script._comments[name] = statement;
            }
            else if (TryGrant(statement, out var membership))
            {
                script._memberships.Add(membership);
            }
            else if (!statement.StartsWith("SET ", StringComparison.Ordinal) && !statement.StartsWith("RESET ", StringComparison.Ordinal))
            {
                script._ignored.Add(statement);
            }
        }

        script._roles.AddRange(order.Select(n => new DumpedRole(n, attributes[n])));
        return script;
    }

    /// <summary>
    /// The SQL that brings the target's roles up to the backup's: one transaction, empty when nothing is missing.
    /// <paramref name="created"/> names the roles it creates.
    /// </summary>
    public string ForTarget(IReadOnlySet<string> existingRoles, IReadOnlySet<(string Role, string Member)> existingMemberships, out IReadOnlyList<DumpedRole> created)
    {
        var missing = _roles.Where(r => !existingRoles.Contains(r.Name)).ToList();
        var grants = _memberships.Where(m => !existingMemberships.Contains((m.Role, m.Member))).ToList();
        created = missing;
        if (missing.Count == 0 && grants.Count == 0)
        {
            return "";
        }

        var sql = new StringBuilder("-- Roles from the backup's roles.sql that the target lacks (written by MigrationTasks); existing roles are left as they are.\nBEGIN;\n");
        foreach (var role in missing)
        {
            sql.Append("CREATE ROLE ").Append(Quote(role.Name)).Append(role.Attributes.Length > 0 ? " WITH " + role.Attributes : "").Append(";\n");
            if (_comments.TryGetValue(role.Name, out var comment))
            {
                sql.Append(comment).Append('\n');
            }

            foreach (var setting in _settings.GetValueOrDefault(role.Name) ?? [])
            {
                sql.Append(setting).Append('\n');
            }
        }

        foreach (var grant in grants)
        {
            sql.Append("GRANT ").Append(Quote(grant.Role)).Append(" TO ").Append(Quote(grant.Member)).Append(grant.Options.Length > 0 ? " " + grant.Options : "").Append(";\n");
        }

        return sql.Append("COMMIT;\n").ToString();
    }

    private static string Quote(string name) => Sql.SqlQuote.Identifier(name);

    /// <summary>Splits pg_dumpall output into statements: comments and psql meta-commands dropped, literals may span lines.</summary>
    private static IEnumerable<string> Statements(string text)
    {
        var current = new StringBuilder();
        var quotes = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current.Length == 0 && (line.Length == 0 || line.StartsWith("--", StringComparison.Ordinal) || line.StartsWith('\\')))
            {
                continue;
            }

            if (current.Length > 0)
            {
                current.Append('\n');
            }

            current.Append(line);
            quotes += line.Count(c => c == '\'');
            if (quotes % 2 == 0 && line.TrimEnd().EndsWith(';'))
            {
                yield return current.ToString().Trim();
                current.Clear();
                quotes = 0;
            }
        }
    }

    private static bool TryRoleStatement(string statement, string prefix, out string name, out string rest)
    {
        name = "";
        rest = "";
        if (!statement.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var position = prefix.Length;
        if (!TryIdentifier(statement, ref position, out name))
        {
            return false;
        }

        rest = statement[position..].TrimStart();
        return true;
    }

    private static bool TryGrant(string statement, out RoleMembership membership)
    {
        membership = null!;
        if (!statement.StartsWith("GRANT ", StringComparison.Ordinal))
        {
            return false;
        }

        var position = "GRANT ".Length;
        if (!TryIdentifier(statement, ref position, out var role) || !statement.AsSpan(position).StartsWith(" TO ", StringComparison.Ordinal))
        {
            return false;
        }

        position += " TO ".Length;
        if (!TryIdentifier(statement, ref position, out var member))
        {
            return false;
        }

        // Keep WITH ADMIN / INHERIT / SET options; drop GRANTED BY, which only the original grantor may claim.
        var options = statement[position..].TrimEnd(';').Trim();
        var grantedBy = options.IndexOf("GRANTED BY ", StringComparison.Ordinal);
        if (grantedBy >= 0)
        {
            options = options[..grantedBy].Trim();
        }

        membership = new RoleMembership(role, member, options);
        return true;
    }

    /// <summary>Reads a quoted ("a""b") or bare identifier at <paramref name="position"/>.</summary>
    private static bool TryIdentifier(string text, ref int position, out string name)
    {
        name = "";
        if (position >= text.Length)
        {
            return false;
        }

        if (text[position] == '"')
        {
            var builder = new StringBuilder();
            for (var i = position + 1; i < text.Length; i++)
            {
                if (text[i] != '"')
                {
                    builder.Append(text[i]);
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    builder.Append('"');
                    i++;
                }
                else
                {
                    name = builder.ToString();
                    position = i + 1;
                    return name.Length > 0;
                }
            }

            return false;
        }

        var end = position;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] is '_' or '$'))
        {
            end++;
        }

        name = text[position..end];
        position = end;
        return name.Length > 0;
    }
}
