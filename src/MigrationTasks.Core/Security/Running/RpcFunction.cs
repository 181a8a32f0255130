using Npgsql;

namespace MigrationTasks.Security.Running;

/// <summary>A function an RPC call resolved to, with what the call needs to know about it.</summary>
/// <param name="Schema">The function's schema.</param>
/// <param name="Name">The function's name.</param>
/// <param name="Identity">Its argument types, as <c>oidvectortypes</c> writes them (<c>uuid, daterange, integer</c>).</param>
/// <param name="ReadOnly">STABLE or IMMUTABLE: PostgREST calls it in a READ ONLY transaction.</param>
/// <param name="Scalar">It returns one value per call (not a set, not a row type): <c>result</c> is that value.</param>
/// <param name="InputTypes">The named input arguments and their types.</param>
public sealed record RpcFunction(string Schema, string Name, string Identity, bool ReadOnly, bool Scalar, IReadOnlyDictionary<string, string> InputTypes)
{
    /// <summary><c>schema.name(argument types)</c>, as coverage and reports name functions.</summary>
    public string QualifiedIdentity => $"{Schema}.{Name}({Identity})";

    public string ArgumentType(string argument) => InputTypes[argument];

    /// <summary>
    /// Finds the function PostgREST would call for <c>rpc(name, args)</c>: among the overloads in the schema, the
    /// one whose named input arguments include every given one and whose arguments without a default are all given.
    /// Returns an explanation instead when none or several match (PostgREST's PGRST202 / PGRST203).
    /// </summary>
    public static async Task<(RpcFunction? Function, string? Problem)> ResolveAsync(NpgsqlConnection connection, string schema, string name,
        IReadOnlyCollection<string> argumentNames, CancellationToken cancellationToken)
    {
        const string sql = """
            select pg_catalog.oidvectortypes(p.proargtypes), p.provolatile in ('s', 'i'), p.pronargs, p.pronargdefaults,
                   coalesce(p.proargnames, '{}'::text[]), coalesce(p.proargmodes::text[], '{}'::text[]),
                   array(select pg_catalog.format_type(t, null) from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) t),
                   not p.proretset and rt.typtype <> 'c' and p.prorettype <> 'pg_catalog.record'::pg_catalog.regtype
            from pg_catalog.pg_proc p
            join pg_catalog.pg_namespace n on n.oid = p.pronamespace
            join pg_catalog.pg_type rt on rt.oid = p.prorettype
            where n.nspname = @schema and p.proname = @name and p.prokind = 'f'
            """;
        var candidates = new List<RpcFunction>();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("schema", schema);
        command.Parameters.AddWithValue("name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var overloads = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            overloads++;
            var identity = reader.GetString(0);
            var readOnly = reader.GetBoolean(1);
            var inputCount = reader.GetInt16(2);
            var defaults = reader.GetInt16(3);
            var names = reader.GetFieldValue<string[]>(4);
            var modes = reader.GetFieldValue<string[]>(5);
            var types = reader.GetFieldValue<string[]>(6);
            var scalar = reader.GetBoolean(7);

            // Input arguments, in order: all of them without modes; otherwise in, inout and variadic.
            var inputs = new List<(string Name, string Type)>();
            for (var i = 0; i < types.Length; i++)
            {
                var mode = modes.Length == 0 ? "i" : modes[i];
                if (mode is "i" or "b" or "v")
                {
                    inputs.Add((i < names.Length ? names[i] : "", types[i]));
                }
            }

            var required = inputs.Take(inputCount - defaults).Select(input => input.Name);
            var byName = inputs.Where(input => input.Name.Length > 0).ToDictionary(input => input.Name, input => input.Type, StringComparer.Ordinal);
            if (argumentNames.All(byName.ContainsKey) && required.All(argumentNames.Contains))
            {
                candidates.Add(new RpcFunction(schema, name, identity, readOnly, scalar, byName));
            }
        }

        return candidates.Count switch
        {
            1 => (candidates[0], null),
            0 when overloads == 0 => (null, $"no function {schema}.{name} (PostgREST: PGRST202)"),
            0 => (null, $"no overload of {schema}.{name} takes the arguments ({string.Join(", ", argumentNames)}) (PostgREST: PGRST202)"),
            _ => (null, $"{candidates.Count} overloads of {schema}.{name} take these arguments (PostgREST: PGRST203): {string.Join("; ", candidates.Select(c => c.Identity))}"),
        };
    }
}
