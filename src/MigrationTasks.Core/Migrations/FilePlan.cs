namespace MigrationTasks.Migrations;

/// <summary>A statement of a file with its position in the file and its kind.</summary>
public sealed record PlannedStatement(SqlStatement Statement, int Index, StatementClass Class)
{
    /// <summary>Comment-only statements are recorded in the history but there is nothing to send.</summary>
    public bool Runs => Class.Kind != StatementKind.CommentOnly;
}

/// <summary>
/// A part of a file that commits as a unit: a transaction (any number of statements), or one statement that
/// cannot run in a transaction and runs alone in autocommit.
/// </summary>
public sealed record PlanSegment(bool Transactional, IReadOnlyList<PlannedStatement> Statements)
{
    /// <summary>The non-transactional statement of a standalone segment.</summary>
    public PlannedStatement? Standalone => Transactional ? null : Statements.Single(s => s.Runs);

    /// <summary>The 1-based line where the segment's first statement to run starts.</summary>
    public int Line(MigrationFile file) => Statements.FirstOrDefault(s => s.Runs)?.Statement.Line ?? Statements.FirstOrDefault()?.Statement.Line ?? 1;
}

/// <summary>
/// How a file runs: its segments in order, the history rows going into the last one (which is always a
/// transaction). A file without non-transactional statements is exactly one transaction: the whole file and
/// its history row commit together or not at all.
/// </summary>
public sealed class FilePlan
{
    private FilePlan(MigrationFile file, IReadOnlyList<PlanSegment> segments, PlannedStatement? ownBegin, PlannedStatement? ownCommit)
    {
        File = file;
        Segments = segments;
        OwnBegin = ownBegin;
        OwnCommit = ownCommit;
    }

    public MigrationFile File { get; }

    public IReadOnlyList<PlanSegment> Segments { get; }

    /// <summary>The file's own BEGIN when it wraps itself in BEGIN ... COMMIT (it then opens the transaction).</summary>
    public PlannedStatement? OwnBegin { get; }

    /// <summary>The file's own COMMIT (the history rows go in just before it).</summary>
    public PlannedStatement? OwnCommit { get; }

    /// <summary>True when the file cannot be applied atomically (it has non-transactional statements).</summary>
    public bool IsMultiPart => Segments.Count > 1;

    public int NonTransactionalCount => Segments.Count(s => !s.Transactional);

    /// <summary>
    /// Plans a file, or throws MT0319/MT0320 for transaction control the runner cannot honour. Nothing runs
    /// before every pending file is planned, so a bad file stops the run before anything is applied.
    /// </summary>
    public static FilePlan Create(MigrationFile file, Version? serverVersion = null)
    {
        var statements = file.Statements;
        var planned = Enumerable.Range(0, statements.Count)
            .Select(i => new PlannedStatement(statements[i], i, StatementClassifier.Classify(statements, i, serverVersion)))
            .ToList();
        var running = planned.Where(p => p.Runs).ToList();

        // A file wrapped as a whole in BEGIN; ... COMMIT; is honoured: its BEGIN opens and its COMMIT closes the
        // file's one transaction. Any other transaction control would split the file silently (supabase/cli#5047).
        PlannedStatement? ownBegin = null, ownCommit = null;
        if (running.Count >= 2 && running[0].Class.Kind == StatementKind.TransactionStart && running[^1].Class.Kind == StatementKind.TransactionEnd)
        {
            ownBegin = running[0];
            ownCommit = running[^1];
        }

        foreach (var statement in running)
        {
            if (statement == ownBegin || statement == ownCommit)
            {
                continue;
            }

            switch (statement.Class.Kind)
            {
                case StatementKind.TransactionStart or StatementKind.TransactionEnd or StatementKind.TransactionControl:
                    throw Errors.Errors.TransactionControlInFile(file.Path, statement.Statement.Line, FirstWords(statement.Statement.Text));
                case StatementKind.NonTransactional when ownBegin is not null:
                    throw Errors.Errors.NonTransactionalInOwnTransaction(file.Path, statement.Statement.Line, statement.Class.Reason!);
            }
        }

        var segments = new List<PlanSegment>();
        var current = new List<PlannedStatement>();
        foreach (var statement in planned)
        {
            if (statement.Class.Kind == StatementKind.NonTransactional)
            {
                if (current.Any(s => s.Runs))
                {
                    segments.Add(new PlanSegment(true, current));
                    current = [];
                }

                // Comments just before it travel with it.
                segments.Add(new PlanSegment(false, [.. current, statement]));
                current = [];
            }
            else
            {
                current.Add(statement);
            }
        }

        // The history rows always go into a final transaction: the file's last part, or a part of their own.
        segments.Add(new PlanSegment(true, current));
        return new FilePlan(file, segments, ownBegin, ownCommit);
    }

    private static string FirstWords(string text) =>
        string.Join(' ', SqlTokens.Read(text, 3).Select(t => t.Text.ToUpperInvariant()));
}
