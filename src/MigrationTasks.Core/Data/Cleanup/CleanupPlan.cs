using System.Globalization;
using System.Text.RegularExpressions;
using MigrationTasks.Data.Spec;
using Npgsql;
using static MigrationTasks.Sql.SqlQuote;

namespace MigrationTasks.Data.Cleanup;

/// <summary>One DROP statement of the cleanup migration, with the comment that says what goes with it.</summary>
public sealed record CleanupStatement(IReadOnlyList<string> Comments, string Sql);

/// <summary>
/// The cleanup migration: <c>DROP ... IF EXISTS</c> for every legacy object the spec lists, in dependency order
/// (triggers, views, tables in one statement, functions with their exact signatures, sequences, types), then the data
/// migration's helper functions (the key maps and the quarantine stay). Built against a catalog: each statement's
/// comment lists the objects PostgreSQL drops with it, a function must exist with exactly the listed argument types
/// (MT0515), and the whole cleanup is rehearsed in a rolled-back transaction: if it would drop anything that is not a
/// listed v1 object or part of one (a v3 view on a v1 table, say), it is refused (MT0514).
/// </summary>
public static partial class CleanupPlan
{
    public static async Task<IReadOnlyList<CleanupStatement>> BuildAsync(MappingSpec spec, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var legacy = spec.Legacy;
        var statements = new List<CleanupStatement>();
        var file = Path.GetFileName(spec.File);
        string At(LegacyObject o) => $"{file}:{o.Location.Line}";

        foreach (var trigger in legacy.Triggers)
        {
            var match = MappingSpecLoader.TriggerShape().Match(trigger.Text);
            statements.Add(new CleanupStatement([$"trigger {trigger.Text} ({At(trigger)})"],
                $"DROP TRIGGER IF EXISTS {Identifier(match.Groups[1].Value)} ON {Qualified(match.Groups[2].Value, match.Groups[3].Value)};"));
        }

        async Task AddRelationsAsync(string kind, IReadOnlyList<LegacyObject> objects, string keyword)
        {
            if (objects.Count == 0)
            {
                return;
            }

            var comments = new List<string>();
            foreach (var o in objects)
            {
                var dependents = await DependentsAsync(connection, $"SELECT pg_catalog.to_regclass({Literal(Quote(o.Text))})::oid, 'pg_catalog.pg_class'::pg_catalog.regclass::oid", cancellationToken).ConfigureAwait(false);
                comments.Add($"{kind} {o.Text} ({At(o)})" + (dependents.Count > 0 ? $": with it {string.Join(", ", dependents)}" : ""));
            }

            // One statement per kind: PostgreSQL resolves the dependencies among the listed objects itself.
            statements.Add(new CleanupStatement(comments, $"DROP {keyword} IF EXISTS {string.Join(", ", objects.Select(o => Quote(o.Text)))};"));
        }

        await AddRelationsAsync("view", legacy.Views, "VIEW").ConfigureAwait(false);
        await AddRelationsAsync("table", legacy.Tables, "TABLE").ConfigureAwait(false);

        foreach (var function in legacy.Functions)
        {
            var match = MappingSpecLoader.FunctionShape().Match(function.Text);
            var (schema, name, arguments) = (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value.Trim());
            await CheckSignatureAsync(spec, connection, function, schema, name, arguments, cancellationToken).ConfigureAwait(false);
            statements.Add(new CleanupStatement([$"function {function.Text} ({At(function)})"], $"DROP FUNCTION IF EXISTS {Qualified(schema, name)}({arguments});"));
        }

        foreach (var sequence in legacy.Sequences)
        {
            var owned = await OwnerAsync(connection, Quote(sequence.Text), cancellationToken).ConfigureAwait(false);
            statements.Add(new CleanupStatement([$"sequence {sequence.Text} ({At(sequence)})" + (owned is null ? "" : $": owned by {owned}, so already gone with its table")],
                $"DROP SEQUENCE IF EXISTS {Quote(sequence.Text)};"));
        }

        foreach (var type in legacy.Types)
        {
            statements.Add(new CleanupStatement([$"type {type.Text} ({At(type)})"], $"DROP TYPE IF EXISTS {Quote(type.Text)};"));
        }

        // The data migration's helpers, newest first (a helper can call an earlier one). The key maps and the quarantine stay.
        foreach (var helper in spec.Functions.Reverse())
        {
            statements.Add(new CleanupStatement([$"the data migration's helper {spec.KeymapSchema}.{helper.Name} ({file}:{helper.Location.Line})"],
                $"DROP FUNCTION IF EXISTS {Qualified(spec.KeymapSchema, helper.Name)}({helper.ArgumentTypes});"));
        }

        return statements;
    }

    /// <summary>
    /// Runs the statements in a savepoint that is rolled back and returns what they dropped; throws MT0514 when anything
    /// dropped is neither a listed legacy object nor part of one (a constraint, index, trigger, policy, rule or owned
    /// sequence of a listed table, an array or row type of a listed type or table).
    /// </summary>
    public static async Task<IReadOnlyList<string>> RehearseAsync(MappingSpec spec, IReadOnlyList<CleanupStatement> statements, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(statements);
        var before = await ObjectsAsync(connection, cancellationToken).ConfigureAwait(false);
        await Execute(connection, "SAVEPOINT mt_cleanup_rehearsal", cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var statement in statements)
            {
                try
                {
                    await Execute(connection, statement.Sql, cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException exception)
                {
                    var line = spec.Legacy.All.FirstOrDefault()?.Location.Line ?? 1;
                    throw Errors.Errors.CleanupWouldDropV3(spec.File, line, statement.Comments[0],
                        $"{statement.Sql} failed in the rehearsal: {exception.MessageText}{(exception.Detail is { } detail ? $" ({detail.ReplaceLineEndings("; ")})" : "")}");
                }
            }

            var after = await ObjectsAsync(connection, cancellationToken).ConfigureAwait(false);
            var dropped = before.Keys.Except(after.Keys).Order(StringComparer.Ordinal).ToList();
            var allowed = spec.Legacy.All.Select(o => o.Kind == "functions" ? o.Text[..o.Text.IndexOf('(', StringComparison.Ordinal)] : o.Kind == "triggers" ? o.Text.Split(" on ")[1] : o.Text)
                .Concat(spec.Functions.Select(f => $"{spec.KeymapSchema}.{f.Name}"))
                .ToHashSet(StringComparer.Ordinal);
            var surprises = dropped.Where(d => !allowed.Contains(before[d].Owner)).ToList();
            if (surprises.Count > 0)
            {
                var first = spec.Legacy.All.FirstOrDefault()?.Location.Line ?? 1;
                throw Errors.Errors.CleanupWouldDropV3(spec.File, first, "the legacy objects", string.Join(", ", surprises));
            }

            return dropped;
        }
        finally
        {
            await Execute(connection, "ROLLBACK TO SAVEPOINT mt_cleanup_rehearsal", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every object of the user schemas as "kind schema.name [on table]", with the top-level object it belongs to.</summary>
    internal static async Task<Dictionary<string, (string Owner, string Kind)>> ObjectsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string UserSchema = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";
        var sql = $"""
            SELECT 'relation ' || n.nspname || '.' || c.relname, n.nspname || '.' || coalesce(
                       (SELECT oc.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class oc ON oc.oid = i.indrelid WHERE i.indexrelid = c.oid),
                       (SELECT oc.relname FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class oc ON oc.oid = d.refobjid
                        WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i') LIMIT 1),
                       c.relname)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind <> 't' AND {UserSchema}
            UNION ALL
            SELECT 'function ' || p.oid::pg_catalog.regprocedure::text, n.nspname || '.' || p.proname
            FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE {UserSchema}
            UNION ALL
            SELECT 'type ' || n.nspname || '.' || t.typname, n.nspname || '.' || coalesce(
                       (SELECT e.typname FROM pg_catalog.pg_type e WHERE e.oid = t.typelem AND t.typcategory = 'A'),
                       (SELECT r.relname FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid),
                       t.typname)
            FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE {UserSchema}
            UNION ALL
            SELECT 'trigger ' || tg.tgname || ' on ' || n.nspname || '.' || c.relname, n.nspname || '.' || c.relname
            FROM pg_catalog.pg_trigger tg JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT tg.tgisinternal AND {UserSchema}
            UNION ALL
            SELECT 'constraint ' || con.conname || ' on ' || n.nspname || '.' || coalesce(c.relname, ty.typname), n.nspname || '.' || coalesce(c.relname, ty.typname)
            FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_namespace n ON n.oid = con.connamespace
            LEFT JOIN pg_catalog.pg_class c ON c.oid = con.conrelid LEFT JOIN pg_catalog.pg_type ty ON ty.oid = con.contypid
            WHERE {UserSchema}
            UNION ALL
            SELECT 'policy ' || pol.polname || ' on ' || n.nspname || '.' || c.relname, n.nspname || '.' || c.relname
            FROM pg_catalog.pg_policy pol JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE {UserSchema}
            """;
        var objects = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            objects[reader.GetString(0)] = (reader.GetString(1), reader.GetString(0).Split(' ')[0]);
        }

        return objects;
    }

    private static async Task CheckSignatureAsync(MappingSpec spec, NpgsqlConnection connection, LegacyObject function, string schema, string name, string arguments, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT pg_catalog.oidvectortypes(p.proargtypes)
            FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = $1 AND p.proname = $2
            ORDER BY 1
            """, connection);
        command.Parameters.AddWithValue(schema);
        command.Parameters.AddWithValue(name);
        var found = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add(reader.GetString(0));
            }
        }

        if (found.Count == 0)
        {
            return; // gone already: DROP ... IF EXISTS does nothing
        }

        var wanted = Normalize(arguments);
        if (!found.Any(f => Normalize(f) == wanted))
        {
            throw Errors.Errors.CleanupUnknownFunction(spec.File, function.Location.Line, function.Text,
                "the database has " + string.Join(", ", found.Select(f => $"{schema}.{name}({f})")));
        }
    }

    /// <summary>What PostgreSQL drops together with a relation (its constraints, indexes, triggers, policies, owned sequences).</summary>
    private static async Task<List<string>> DependentsAsync(NpgsqlConnection connection, string objectQuery, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            WITH o(objid, classid) AS ({objectQuery})
            SELECT DISTINCT pg_catalog.pg_describe_object(d.classid, d.objid, 0)
            FROM o, pg_catalog.pg_depend d
            WHERE o.objid IS NOT NULL AND d.refclassid = o.classid AND d.refobjid = o.objid AND d.deptype IN ('n', 'a')
              AND d.classid <> 'pg_catalog.pg_type'::pg_catalog.regclass
              AND NOT (d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = o.objid)
            ORDER BY 1
            """, connection);
        var dependents = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var text = reader.IsDBNull(0) ? null : reader.GetString(0);
            if (text is not null && !text.StartsWith("default value for", StringComparison.Ordinal) && !text.StartsWith("rule _RETURN", StringComparison.Ordinal))
            {
                dependents.Add(text);
            }
        }

        return dependents;
    }

    private static async Task<string?> OwnerAsync(NpgsqlConnection connection, string sequence, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT c.oid::pg_catalog.regclass::text || '.' || a.attname
            FROM pg_catalog.pg_depend d
            JOIN pg_catalog.pg_class c ON c.oid = d.refobjid
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
            WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = pg_catalog.to_regclass({Literal(sequence)}) AND d.deptype = 'a'
            """, connection);
        return (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>"public.v1_users" → "public"."v1_users".</summary>
    private static string Quote(string qualified)
    {
        var parts = qualified.Split('.', 2);
        return Qualified(parts[0], parts[1]);
    }

    private static string Normalize(string arguments) => WhiteSpace().Replace(arguments.Trim().ToLower(CultureInfo.InvariantCulture), " ").Replace(" ,", ",", StringComparison.Ordinal);

    [GeneratedRegex("\\s+")]
    private static partial Regex WhiteSpace();
}
