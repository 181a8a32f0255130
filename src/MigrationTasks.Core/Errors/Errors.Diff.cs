namespace MigrationTasks.Errors;

public static partial class Errors
{
    public static MigrationTasksException ServerTooOldForDiff(string database, Version version, Version minimum) => new(
        "MT0201",
        $"The database \"{database}\" runs PostgreSQL {version}, but reading a schema needs PostgreSQL {minimum} or newer.",
        $"Upgrade the server, or diff a copy restored on PostgreSQL {minimum.Major} or newer.");

    public static MigrationTasksException DependencyCycle(IEnumerable<string> objects) => new(
        "MT0202",
        $"The changes cannot be ordered: these statements depend on each other in a cycle: {string.Join(" | ", objects)}.",
        "Split the change into two migrations (for example create the function first, then the table that uses it), and report the case so the differ learns it.");
}
