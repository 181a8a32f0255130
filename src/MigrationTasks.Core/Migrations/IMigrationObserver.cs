namespace MigrationTasks.Migrations;

/// <summary>The kinds of step the runner takes inside a file.</summary>
public enum MigrationStepKind
{
    /// <summary>Opening the file's transaction (or a part's).</summary>
    Begin,

    /// <summary>Sending a statement of the file.</summary>
    Statement,

    /// <summary>Writing the history rows (or the progress row of a part).</summary>
    Record,

    /// <summary>Committing.</summary>
    Commit,
}

/// <summary>A step about to be taken: which file, which part, which statement, on which server process.</summary>
public sealed record MigrationStep(MigrationFile File, MigrationStepKind Kind, int Segment, int StatementIndex, int BackendProcessId);

/// <summary>Told before every step of a run; the crash tests use it to fail the run at each boundary.</summary>
public interface IMigrationObserver
{
    Task BeforeStepAsync(MigrationStep step, CancellationToken cancellationToken);
}
