using System.Reflection;

namespace MigrationTasks.Tests.Infrastructure;

/// <summary>Where things are: the repository, the test's own scratch folders, the built task assembly.</summary>
public static class TestPaths
{
    private static readonly string RunId = $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}";

    /// <summary>The repository root (written into the test assembly at build time by Directory.Build.targets).</summary>
    public static string RepositoryRoot { get; } =
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>The task assembly the tests built (copied next to the test assembly by the project reference).</summary>
    public static string TaskAssembly { get; } = Path.Combine(AppContext.BaseDirectory, "MigrationTasks.dll");

    /// <summary>This run's scratch root; everything under it is deleted at the end of the run.</summary>
    public static string RunRoot { get; } = Path.Combine(Path.GetTempPath(), "migrationtasks-tests", RunId);

    /// <summary>Where this run's ephemeral clusters live, so tests can prove none is left behind.</summary>
    public static string ClusterRoot { get; } = Path.Combine(RunRoot, "clusters");

    /// <summary>A new empty folder for one test.</summary>
    public static string NewFolder(string name)
    {
        var path = Path.Combine(RunRoot, $"{name}-{Guid.NewGuid():N}"[..Math.Min(name.Length + 9, 80)]);
        Directory.CreateDirectory(path);
        return path;
    }
}
