namespace MigrationTasks.Common;

/// <summary>
/// How the engine reports progress. The engine never writes to MSBuild or the console itself: the MSBuild
/// tasks (and tests) pass an implementation. Errors are not logged here; they are thrown as
/// <see cref="Errors.MigrationTasksException"/>.
/// </summary>
public interface IEngineLog
{
    /// <summary>A line a user wants to see at normal verbosity (progress, results).</summary>
    void Info(string message);

    /// <summary>A line for -v:detailed and above (commands, timings, internals).</summary>
    void Detail(string message);

    /// <summary>A coded warning (MT + 4 digits).</summary>
    void Warning(string code, string message);
}

/// <summary>A log that drops everything; for callers that do not care.</summary>
public sealed class NullEngineLog : IEngineLog
{
    public static readonly NullEngineLog Instance = new();

    public void Info(string message) { }

    public void Detail(string message) { }

    public void Warning(string code, string message) { }
}
