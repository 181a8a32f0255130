using Npgsql;

namespace MigrationTasks.Security.Coverage;

/// <summary>A table, view or function the Data API exposes, and the commands on it that coverage counts.</summary>
/// <param name="Name"><c>schema.table</c>, or <c>schema.function(argument types)</c>.</param>
/// <param name="Kind">table, partitioned table, view, materialized view, foreign table, or function.</param>
/// <param name="Commands">select, insert, update, delete (what the relation supports), or execute for a function.</param>
public sealed record ApiObject(string Name, string Kind, IReadOnlyList<string> Commands);

/// <summary>
/// Everything in the exposed schemas that a request can reach: tables (all four commands), views and foreign
/// tables (select, and the writes PostgreSQL can route through them: <c>pg_relation_is_updatable</c>),
/// materialized views (select), and functions PostgREST can call (not trigger or event-trigger functions,
/// not procedures or aggregates). Objects that belong to an extension are not the project's surface.
/// </summary>
public static class ApiSurface
{
    public static async Task<IReadOnlyList<ApiObject>> ReadAsync(NpgsqlConnection connection, IReadOnlyList<string> exposedSchemas, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            select name, kind, commands from (
            select n.nspname || '.' || c.relname as name,
                   case c.relkind when 'r' then 'table' when 'p' then 'partitioned table' when 'v' then 'view'
                                  when 'm' then 'materialized view' else 'foreign table' end as kind,
                   case when c.relkind in ('r', 'p') then array['select', 'insert', 'update', 'delete']
                        when c.relkind = 'm' then array['select']
                        else array['select']
                             || case when pg_catalog.pg_relation_is_updatable(c.oid, false) & 8 = 8 then array['insert'] else '{}' end
                             || case when pg_catalog.pg_relation_is_updatable(c.oid, false) & 4 = 4 then array['update'] else '{}' end
                             || case when pg_catalog.pg_relation_is_updatable(c.oid, false) & 16 = 16 then array['delete'] else '{}' end
                   end as commands
            from pg_catalog.pg_class c
            join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where n.nspname = any(@schemas)
              and c.relkind in ('r', 'p', 'v', 'm', 'f')
              and not c.relispartition
              and not exists (select from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e')
            union all
            select n.nspname || '.' || p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')', 'function', array['execute']
            from pg_catalog.pg_proc p
            join pg_catalog.pg_namespace n on n.oid = p.pronamespace
            where n.nspname = any(@schemas)
              and p.prokind = 'f'
              and p.prorettype not in ('pg_catalog.trigger'::pg_catalog.regtype, 'pg_catalog.event_trigger'::pg_catalog.regtype)
              and not exists (select from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass and d.objid = p.oid and d.deptype = 'e')
            ) surface
            order by kind = 'function', name
            """;
        var objects = new List<ApiObject>();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("schemas", exposedSchemas.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            objects.Add(new ApiObject(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2)));
        }

        return objects;
    }
}
