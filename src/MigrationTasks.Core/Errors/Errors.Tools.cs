namespace MigrationTasks.Errors;

public static partial class Errors
{
    public static MigrationTasksException ToolFailed(string tool, int exitCode, string stderr) => new(
        "MT0020",
        $"{tool} failed with exit code {exitCode}: {stderr}",
        $"Read {tool}'s message above; the command and its inputs are in the log at -v:detailed.");
}
