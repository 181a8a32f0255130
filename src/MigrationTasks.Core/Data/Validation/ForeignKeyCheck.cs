using Npgsql;
using static MigrationTasks.Sql.SqlQuote;

namespace MigrationTasks.Data.Validation;

/// <summary>
/// Every v3 foreign key resolves: for each foreign key of a table in the targets' schemas (the v1 tables and the
/// key-map schema aside), the child rows whose key has no parent row, counted in PostgreSQL, with the first few named
/// by the child's primary key. Catches what a load with triggers off, or a NOT VALID constraint, could leave behind.
/// </summary>
internal static class ForeignKeyCheck
{
    private const int Examples = 5;

    public static async Task<List<ForeignKeyResult>> RunAsync(DataSession session, CancellationToken cancellationToken)
    {
        var plan = session.Plan;
        var schemas = plan.Mappings.Select(m => m.Target.Schema).ToHashSet(StringComparer.Ordinal);
        var legacy = plan.Spec.Legacy.Tables.Select(t => t.Text).ToHashSet(StringComparer.Ordinal);
        var results = new List<ForeignKeyResult>();
        foreach (var key in plan.Catalog.ForeignKeys.Where(k => schemas.Contains(k.Schema) && k.Schema != plan.KeymapSchema && !legacy.Contains($"{k.Schema}.{k.Table}")))
        {
            var child = plan.Catalog.Relation(key.Schema, key.Table)!;
            var childKey = child.PrimaryKey is { Count: > 0 } pk
                ? pk.Count == 1 ? $"{Literal(pk[0] + "=")} || (c.{Identifier(pk[0])})::text" : $"{Literal($"({string.Join(", ", pk)})=")} || ROW({string.Join(", ", pk.Select(p => "c." + Identifier(p)))})::text"
                : "'ctid=' || c.ctid::text";
            var value = key.Columns.Count == 1 ? $"(c.{Identifier(key.Columns[0])})::text" : $"ROW({string.Join(", ", key.Columns.Select(c => "c." + Identifier(c)))})::text";
            var sql = $"""
                SELECT count(*) OVER (), {childKey}, {value}
                FROM {Qualified(key.Schema, key.Table)} AS c
                WHERE {string.Join(" AND ", key.Columns.Select(c => $"c.{Identifier(c)} IS NOT NULL"))}
                  AND NOT EXISTS (SELECT 1 FROM {Qualified(key.ParentSchema, key.ParentTable)} AS p
                                  WHERE {string.Join(" AND ", key.Columns.Select((c, i) => $"p.{Identifier(key.ParentColumns[i])} = c.{Identifier(c)}"))})
                LIMIT {Examples}
                """;
            var result = new ForeignKeyResult
            {
                Constraint = key.Name,
                Table = $"{key.Schema}.{key.Table}",
                Columns = string.Join(", ", key.Columns),
                References = $"{key.ParentSchema}.{key.ParentTable} ({string.Join(", ", key.ParentColumns)})",
                Validated = key.Validated,
            };
            await using (var command = new NpgsqlCommand(sql, session.Connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Orphans = reader.GetInt64(0);
                    result.Examples.Add(new Mismatch("orphan", result.Table, reader.GetString(1), null, result.Columns, result.References, reader.IsDBNull(2) ? null : reader.GetString(2)));
                }
            }

            results.Add(result);
        }

        return results;
    }
}
