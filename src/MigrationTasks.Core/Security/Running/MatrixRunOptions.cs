namespace MigrationTasks.Security.Running;

/// <summary>How the matrix runs.</summary>
public sealed record MatrixRunOptions
{
    /// <summary>
    /// SQL run as the connecting role first in the transaction, before the fixtures, and rolled back with it: tests
    /// use it to loosen or drop a policy and see the matrix fail without touching the database.
    /// </summary>
    public string? SetupSql { get; init; }

    /// <summary><c>lock_timeout</c> for the fixtures, so a busy database makes the run fail fast rather than queue behind the app (5s).</summary>
    public string LockTimeout { get; init; } = "5s";
}
