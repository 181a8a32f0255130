namespace MigrationTasks.Migrations;

/// <summary>What a statement means for the transaction around it.</summary>
public enum StatementKind
{
    /// <summary>Runs inside the file's transaction.</summary>
    Transactional,

    /// <summary>Cannot run inside a transaction block: runs on its own, in autocommit, not batched.</summary>
    NonTransactional,

    /// <summary>BEGIN / START TRANSACTION.</summary>
    TransactionStart,

    /// <summary>COMMIT / END.</summary>
    TransactionEnd,

    /// <summary>Any other statement that ends or manages transactions (ROLLBACK, COMMIT PREPARED, ...).</summary>
    TransactionControl,

    /// <summary>Only comments: recorded, nothing to run.</summary>
    CommentOnly,
}

/// <summary>A statement's kind, and for the non-transactional ones why.</summary>
public sealed record StatementClass(StatementKind Kind, string? Reason = null);

/// <summary>
/// Recognises statements that PostgreSQL refuses inside a transaction block ("cannot run inside a
/// transaction block", and <c>25001</c> when pipelined), and transaction control in a file.
/// </summary>
public static class StatementClassifier
{
    /// <summary>
    /// Classifies statement <paramref name="index"/> of <paramref name="statements"/>. The later statements
    /// matter for <c>ALTER TYPE ... ADD VALUE</c>: a new enum value cannot be used in the transaction that added it.
    /// </summary>
    public static StatementClass Classify(IReadOnlyList<SqlStatement> statements, int index, Version? serverVersion = null)
    {
        var tokens = SqlTokens.Read(statements[index].Text, 64);
        if (tokens.Count == 0)
        {
            return new StatementClass(StatementKind.CommentOnly);
        }

        bool Word(int at, string keyword) => at < tokens.Count && tokens[at].Is(keyword);
        bool Has(string keyword) => tokens.Any(t => t.Is(keyword));

        switch (tokens[0].Text.ToUpperInvariant())
        {
            case "BEGIN":
            case "START" when Word(1, "TRANSACTION"):
                return new StatementClass(StatementKind.TransactionStart);
            case "COMMIT" or "END" when Has("PREPARED") || Has("CHAIN"):
                return new StatementClass(StatementKind.TransactionControl);
            case "COMMIT" or "END":
                return new StatementClass(StatementKind.TransactionEnd);
            case "ROLLBACK" when Word(1, "TO") || (Word(1, "WORK") || Word(1, "TRANSACTION")) && Word(2, "TO"):
                return new StatementClass(StatementKind.Transactional); // ROLLBACK TO SAVEPOINT stays inside
            case "ROLLBACK" or "ABORT":
            case "PREPARE" when Word(1, "TRANSACTION"):
                return new StatementClass(StatementKind.TransactionControl);
            case "CREATE" when (Word(1, "INDEX") && Word(2, "CONCURRENTLY")) || (Word(1, "UNIQUE") && Word(2, "INDEX") && Word(3, "CONCURRENTLY")):
                return NonTransactional("CREATE INDEX CONCURRENTLY");
            case "DROP" when Word(1, "INDEX") && Word(2, "CONCURRENTLY"):
                return NonTransactional("DROP INDEX CONCURRENTLY");
            case "REINDEX" when Has("CONCURRENTLY"):
                return NonTransactional("REINDEX CONCURRENTLY");
            case "REINDEX" when Has("SCHEMA") || Has("DATABASE") || Has("SYSTEM"):
                return NonTransactional("REINDEX SCHEMA/DATABASE/SYSTEM");
            case "VACUUM":
                return NonTransactional("VACUUM");
            case "CLUSTER" when tokens.Skip(1).All(t => t.Kind == SqlTokenKind.Symbol || t.Is("VERBOSE")):
                return NonTransactional("CLUSTER without a table");
            case "ALTER" when Word(1, "SYSTEM"):
                return NonTransactional("ALTER SYSTEM");
            case "ALTER" when Word(1, "DATABASE") && Has("TABLESPACE") && Has("SET"):
                return NonTransactional("ALTER DATABASE ... SET TABLESPACE");
            case "CREATE" or "DROP" when Word(1, "DATABASE") || Word(1, "TABLESPACE") || Word(1, "SUBSCRIPTION"):
                return NonTransactional($"{tokens[0].Text.ToUpperInvariant()} {tokens[1].Text.ToUpperInvariant()}");
            case "ALTER" when Word(1, "SUBSCRIPTION") && (Has("REFRESH") || Has("PUBLICATION")):
                return NonTransactional("ALTER SUBSCRIPTION ... PUBLICATION");
            case "DISCARD" when Word(1, "ALL"):
                return NonTransactional("DISCARD ALL");
            case "ALTER" when Word(1, "TYPE") && AddedEnumValue(tokens) is { } label:
                if (serverVersion is not null && serverVersion.Major < 12)
                {
                    return NonTransactional("ALTER TYPE ... ADD VALUE before PostgreSQL 12");
                }

                return UsedLater(statements, index, label)
                    ? NonTransactional($"ALTER TYPE ... ADD VALUE '{label}', used later in the file (a new enum value cannot be used in the transaction that adds it)")
                    : new StatementClass(StatementKind.Transactional);
            default:
                return new StatementClass(StatementKind.Transactional);
        }
    }

    private static StatementClass NonTransactional(string reason) => new(StatementKind.NonTransactional, reason);

    /// <summary>The label of <c>ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'label'</c>, or null.</summary>
    private static string? AddedEnumValue(IReadOnlyList<SqlToken> tokens)
    {
        for (var i = 2; i + 1 < tokens.Count; i++)
        {
            if (tokens[i].Is("ADD") && tokens[i + 1].Is("VALUE"))
            {
                return tokens.Skip(i + 2).FirstOrDefault(t => t.Kind == SqlTokenKind.String)?.Value;
            }
        }

        return null;
    }

    /// <summary>Whether a later statement mentions the label as a quoted literal (function bodies included: they are checked at creation).</summary>
    private static bool UsedLater(IReadOnlyList<SqlStatement> statements, int index, string label)
    {
        var quoted = "'" + label.Replace("'", "''", StringComparison.Ordinal) + "'";
        return statements.Skip(index + 1).Any(s => s.Text.Contains(quoted, StringComparison.Ordinal));
    }
}
