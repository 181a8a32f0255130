using System.Text;

namespace MigrationTasks.Diff.Sql;

/// <summary>
/// Writes the steps as one psql-runnable script: enum labels in their own transaction first (a new label
/// cannot be used in the transaction that adds it), then everything else in one transaction (all or nothing),
/// then what cannot run in a transaction (CREATE INDEX CONCURRENTLY). Withheld statements are written as
/// comments with the reason.
/// </summary>
public static class ScriptRenderer
{
    public static string Render(IReadOnlyList<Step> steps, string header)
    {
        var sql = new StringBuilder();
        foreach (var line in header.Split('\n'))
        {
            sql.Append("-- ").AppendLine(line.TrimEnd());
        }

        sql.AppendLine();
        if (steps.Count == 0)
        {
            sql.AppendLine("-- No differences: nothing to do.");
            return sql.ToString();
        }

        var before = steps.Where(s => s.Transaction == StepTransaction.Before).ToList();
        var main = steps.Where(s => s.Transaction == StepTransaction.Main).ToList();
        var after = steps.Where(s => s.Transaction == StepTransaction.After).ToList();
        if (before.Count > 0)
        {
            sql.AppendLine("-- New enum labels, committed first: a label cannot be used in the transaction that adds it.");
            Block(sql, before, transaction: true, preamble: false);
        }

        if (main.Count > 0)
        {
            Block(sql, main, transaction: true, preamble: true);
        }

        if (after.Count > 0)
        {
            sql.AppendLine("-- Outside a transaction: indexes built without blocking writes. If one fails, drop the INVALID index it leaves and run it again.");
            Block(sql, after, transaction: false, preamble: false);
        }

        return sql.ToString();
    }

    private static void Block(StringBuilder sql, IReadOnlyList<Step> steps, bool transaction, bool preamble)
    {
        if (transaction)
        {
            sql.AppendLine("BEGIN;");
        }

        if (preamble)
        {
            // As pg_dump: bodies are not validated while objects they mention may not exist yet, and every name is qualified.
            sql.AppendLine("SET LOCAL check_function_bodies = off;");
            sql.AppendLine("SET LOCAL search_path = '';");
        }

        Change? current = null;
        foreach (var step in steps)
        {
            if (!ReferenceEquals(step.Change, current))
            {
                current = step.Change;
                sql.AppendLine();
                sql.Append("-- ").Append(current.Action.ToString().ToLowerInvariant()).Append(' ').Append(current.Object.KindName).Append(' ')
                    .Append(current.Object.DisplayName).Append(": ").AppendLine(OneLine(current.Description));
            }

            foreach (var hazard in step.Hazards)
            {
                sql.Append("-- hazard ").Append(hazard.Kind).Append(": ").AppendLine(OneLine(hazard.Message));
            }

            if (step.WithheldBecause is not null)
            {
                sql.Append("-- WITHHELD, ").AppendLine(OneLine(step.WithheldBecause));
                foreach (var line in step.Sql.Split('\n'))
                {
                    sql.Append("-- ").AppendLine(line);
                }
            }
            else
            {
                sql.AppendLine(step.Sql);
            }
        }

        sql.AppendLine();
        if (transaction)
        {
            sql.AppendLine("COMMIT;");
            sql.AppendLine();
        }
    }

    private static string OneLine(string text) => text.Replace('\n', ' ').Replace('\r', ' ');
}
