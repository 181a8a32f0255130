using System.Diagnostics;
using Npgsql;

namespace MigrationTasks.Security.Lint;

/// <summary>
/// Runs every <see cref="LintRule"/> over the catalog in one round trip, inside a READ ONLY transaction that is
/// rolled back, with <c>search_path = ''</c> (as <c>supabase db advisors</c> runs its lints) so expressions are
/// read schema-qualified.
/// </summary>
public static class SecurityLinter
{
    public static async Task<LintRun> RunAsync(NpgsqlConnection connection, LintOptions options, CancellationToken cancellationToken, IReadOnlyList<LintRule>? rules = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        var watch = Stopwatch.StartNew();
        rules ??= LintRules.All;
        var skipped = new List<SkippedLint>();
        var findings = new List<LintFinding>();
        await ExecuteAsync(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, "SET LOCAL search_path = ''", cancellationToken).ConfigureAwait(false);
            var missingRelations = await MissingRelationsAsync(connection, rules.SelectMany(r => r.RequiredRelations).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
            var toRun = new List<LintRule>();
            foreach (var rule in rules)
            {
                if (rule.NeedsUsageStatistics && !options.UsageStatistics)
                {
                    skipped.Add(new SkippedLint(rule, "reads usage statistics, which only the live database has (runs with -p:Database=production)"));
                }
                else if (rule.RequiredRelations.FirstOrDefault(missingRelations.Contains) is { } missing)
                {
                    skipped.Add(new SkippedLint(rule, $"{missing} does not exist here"));
                }
                else
                {
                    toRun.Add(rule);
                }
            }

            await using var batch = new NpgsqlBatch(connection);
            foreach (var rule in toRun)
            {
                var command = new NpgsqlBatchCommand(rule.Sql);
                AddParameters(command, rule.Sql, options);
                batch.BatchCommands.Add(command);
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            foreach (var rule in toRun)
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var extra = Enumerable.Range(3, reader.FieldCount - 3).Select(i => reader.IsDBNull(i) ? null : reader.GetString(i)).ToList();
                    var row = new LintRow(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? "" : reader.GetString(2), extra);
                    if (rule.Refine is { } refine)
                    {
                        if (refine(row) is not { } refined)
                        {
                            continue;
                        }

                        row = refined;
                    }

                    findings.Add(new LintFinding(rule, row.Object, row.Detail, row.Fix));
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None).ConfigureAwait(false);
            }
        }

        return new LintRun(findings, skipped, watch.Elapsed);
    }

    private static void AddParameters(NpgsqlBatchCommand command, string sql, LintOptions options)
    {
        if (sql.Contains("@exposed", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("exposed", options.ExposedSchemas.ToArray());
        }

        if (sql.Contains("@internal", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("internal", LintRules.InternalSchemas.ToArray());
        }

        if (sql.Contains("@anonymous_sign_ins", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("anonymous_sign_ins", options.AnonymousSignIns);
        }
    }

    private static async Task<HashSet<string>> MissingRelationsAsync(NpgsqlConnection connection, IReadOnlyList<string> relations, CancellationToken cancellationToken)
    {
        var missing = new HashSet<string>(StringComparer.Ordinal);
        if (relations.Count == 0)
        {
            return missing;
        }

        await using var command = new NpgsqlCommand("select r from unnest(@relations) r where to_regclass(r) is null", connection);
        command.Parameters.AddWithValue("relations", relations.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            missing.Add(reader.GetString(0));
        }

        return missing;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
