using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MigrationTasks.Sql;

namespace MigrationTasks.Migrations;

/// <summary>
/// The SQL a run would send, in order, as a script a reviewer can read (and psql could run): the lock, the
/// history tables when missing, and per file the session setup, the transactions and their history rows,
/// with every non-transactional statement marked as running alone, outside any transaction.
/// </summary>
public static partial class DryRunScript
{
    public static string Render(string database, MigrationHistory history, IReadOnlyList<(PendingFile Pending, FilePlan Plan)> files, ApplyOptions options)
    {
        var sql = new StringBuilder();
        sql.AppendLine(CultureInfo.InvariantCulture, $"-- MigrationTasks dry run: the SQL ApplyMigrations would send to {database}, in this order. Nothing was changed.");
        sql.AppendLine("-- Statements marked NON-TRANSACTIONAL run on their own, in autocommit, outside any transaction, never batched.");
        sql.AppendLine();
        sql.AppendLine(CultureInfo.InvariantCulture, $"SELECT pg_try_advisory_lock({RunnerLock.Key}); -- the migration lock, retried for up to {options.RunnerLockTimeout.TotalSeconds:0} s");
        if (!history.Provisioned)
        {
            sql.AppendLine();
            sql.AppendLine("-- The Supabase CLI's history table, created as the CLI creates it.");
            Transaction(sql, [SupabaseHistorySql.SetLockTimeout, .. SupabaseHistorySql.CreateTableStatements]);
        }

        sql.AppendLine();
        sql.AppendLine("-- MigrationTasks' bookkeeping beside it (when missing).");
        Transaction(sql, [SupabaseHistorySql.SetLockTimeout, .. BookkeepingSql.CreateTableStatements]);

        foreach (var (pending, plan) in files)
        {
            var file = plan.File;
            var resumeFrom = Math.Min(pending.Progress?.SegmentsDone ?? 0, plan.Segments.Count - 1);
            sql.AppendLine();
            var shape = plan.IsMultiPart
                ? string.Create(CultureInfo.InvariantCulture, $"{plan.Segments.Count} parts ({plan.NonTransactionalCount} non-transactional)")
                : "one transaction with its history row";
            var resume = resumeFrom > 0 ? string.Create(CultureInfo.InvariantCulture, $"; resuming at part {resumeFrom + 1} after an interrupted run") : "";
            sql.AppendLine(CultureInfo.InvariantCulture, $"-- ===== {file.FileName}: {file.Statements.Count} statement(s), {shape}{resume} =====");
            foreach (var statement in FileApplier.SessionSetup(options))
            {
                sql.AppendLine(statement + ";");
            }

            for (var index = resumeFrom; index < plan.Segments.Count; index++)
            {
                var segment = plan.Segments[index];
                var last = index == plan.Segments.Count - 1;
                if (!segment.Transactional)
                {
                    var standalone = segment.Standalone!;
                    Statement(sql, Literal(BookkeepingSql.UpsertProgress, file.Version, file.Sha256, index, plan.Segments.Count) + " -- progress, in autocommit");
                    sql.AppendLine(CultureInfo.InvariantCulture, $"-- NON-TRANSACTIONAL ({standalone.Class.Reason}): runs on its own, outside any transaction (line {standalone.Statement.Line})");
                    foreach (var statement in segment.Statements)
                    {
                        Statement(sql, statement.Statement.Text);
                    }

                    Statement(sql, Literal(BookkeepingSql.UpsertProgress, file.Version, file.Sha256, index + 1, plan.Segments.Count) + " -- progress, in autocommit");
                    continue;
                }

                var ownBegin = segment.Statements.Contains(plan.OwnBegin!) ? plan.OwnBegin : null;
                Statement(sql, ownBegin?.Statement.Text ?? "BEGIN");
                foreach (var statement in segment.Statements.Where(s => s != plan.OwnBegin && s != plan.OwnCommit))
                {
                    Statement(sql, statement.Statement.Text);
                }

                if (last)
                {
                    Statement(sql, Literal(SupabaseHistorySql.Insert, file.Version, file.Name, file.RecordedStatements));
                    Statement(sql, Literal(BookkeepingSql.UpsertApplied, file.Version, file.Name, file.Sha256, file.Statements.Count, "<duration in ms, measured>", options.ToolVersion, resumeFrom > 0 ? "resumed" : "applied"));
                    if (plan.IsMultiPart)
                    {
                        Statement(sql, Literal(BookkeepingSql.DeleteProgress, (object)new[] { file.Version }));
                    }
                }
                else
                {
                    Statement(sql, Literal(BookkeepingSql.UpsertProgress, file.Version, file.Sha256, index + 1, plan.Segments.Count));
                }

                Statement(sql, last && plan.OwnCommit is not null ? plan.OwnCommit.Statement.Text : "COMMIT");
            }
        }

        sql.AppendLine();
        sql.AppendLine(CultureInfo.InvariantCulture, $"SELECT pg_advisory_unlock({RunnerLock.Key});");
        return sql.ToString();
    }

    private static void Transaction(StringBuilder sql, IEnumerable<string> statements)
    {
        Statement(sql, "BEGIN");
        foreach (var statement in statements)
        {
            Statement(sql, statement);
        }

        Statement(sql, "COMMIT");
    }

    /// <summary>A statement and its ';' (on a line of its own when the statement ends in a line comment).</summary>
    private static void Statement(StringBuilder sql, string text)
    {
        var lastLine = text[(text.LastIndexOf('\n') + 1)..];
        sql.AppendLine(lastLine.Contains("--", StringComparison.Ordinal) ? text + "\n;" : text + ";");
    }

    /// <summary>A parameterised statement with its $n replaced by the values as SQL literals (in one pass: values may hold "$1").</summary>
    private static string Literal(string statement, params object[] values) =>
        Placeholder().Replace(statement, match => values[int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) - 1] switch
        {
            int number => SqlQuote.Literal(number),
            IEnumerable<string> list => "ARRAY[" + string.Join(", ", list.Select(SqlQuote.Literal)) + "]::text[]",
            string text when text.StartsWith('<') => "/* " + text + " */ 0",
            var other => SqlQuote.Literal(Convert.ToString(other, CultureInfo.InvariantCulture)),
        });

    [GeneratedRegex(@"\$(\d+)")]
    private static partial Regex Placeholder();
}
