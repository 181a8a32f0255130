using MigrationTasks.Connections;
using MigrationTasks.Servers;
using Npgsql;

namespace MigrationTasks.Rehearsal;

/// <summary>
/// The server's roles as lines (attributes, settings, memberships). Roles belong to the server, not the database: a
/// restore never undoes a migration's ALTER ROLE or GRANT role, so the failure drill compares them before and after.
/// </summary>
public static class RoleSnapshot
{
    private const string Query = """
        SELECT 'role ' || quote_ident(r.rolname) || ':' ||
               CASE WHEN r.rolsuper THEN ' SUPERUSER' ELSE '' END || CASE WHEN r.rolinherit THEN '' ELSE ' NOINHERIT' END ||
               CASE WHEN r.rolcreaterole THEN ' CREATEROLE' ELSE '' END || CASE WHEN r.rolcreatedb THEN ' CREATEDB' ELSE '' END ||
               CASE WHEN r.rolcanlogin THEN ' LOGIN' ELSE '' END || CASE WHEN r.rolreplication THEN ' REPLICATION' ELSE '' END ||
               CASE WHEN r.rolbypassrls THEN ' BYPASSRLS' ELSE '' END ||
               CASE WHEN r.rolconnlimit <> -1 THEN ' CONNECTION LIMIT ' || r.rolconnlimit ELSE '' END ||
               coalesce(' SET ' || (SELECT string_agg(c, ', ' ORDER BY c) FROM unnest(r.rolconfig) AS c), '')
        FROM pg_catalog.pg_roles r WHERE r.rolname !~ '^pg_'
        UNION ALL
        SELECT 'member ' || quote_ident(m.member::regrole::text) || ' of ' || quote_ident(m.roleid::regrole::text) ||
               CASE WHEN m.admin_option THEN ' WITH ADMIN OPTION' ELSE '' END
        FROM pg_catalog.pg_auth_members m
        WHERE m.roleid::regrole::text !~ '^pg_' AND m.member::regrole::text !~ '^pg_'
        UNION ALL
        SELECT 'setting ' || coalesce(quote_ident(r.rolname), 'ALL') || ' in this database: ' || c
        FROM pg_catalog.pg_db_role_setting s
        JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
        LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
        CROSS JOIN LATERAL unnest(s.setconfig) AS c
        WHERE d.datname = current_database()
        """;

    public static async Task<IReadOnlySet<string>> ReadAsync(DatabaseConnection database, CancellationToken cancellationToken)
    {
        await using var connection = await ServerInfo.OpenAsync(database.With(b => b.Pooling = false), cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(Query, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }

    /// <summary>What changed from <paramref name="before"/> to <paramref name="after"/>: "- line" gone, "+ line" new.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlySet<string> before, IReadOnlySet<string> after) =>
        [.. before.Except(after).Select(l => "- " + l).Concat(after.Except(before).Select(l => "+ " + l))];
}
