namespace MigrationTasks.Diff;

/// <summary>How the differ writes its SQL.</summary>
public sealed record DiffOptions
{
    /// <summary>Include statements that can destroy data (drops of tables and columns, narrowing type changes). Off: they are written commented out, with the reason.</summary>
    public bool AllowDestructive { get; init; }

    /// <summary>Build indexes on existing tables with CREATE INDEX CONCURRENTLY, after the main transaction.</summary>
    public bool ConcurrentIndexes { get; init; }

    /// <summary>
    /// The role that will run the script (new objects are owned by it first, and get its default privileges).
    /// Null: the role that read the database being changed.
    /// </summary>
    public string? Role { get; init; }
}
