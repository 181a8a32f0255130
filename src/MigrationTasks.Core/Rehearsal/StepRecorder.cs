using System.Diagnostics;
using MigrationTasks.Common;
using MigrationTasks.Errors;

namespace MigrationTasks.Rehearsal;

/// <summary>
/// Runs the steps of a rehearsal or a migration one after the other, timing each and recording how it ended. A step
/// that throws a coded error fails (the run goes on where later steps do not depend on it); cancellation and bugs
/// propagate.
/// </summary>
public sealed class StepRecorder(IEngineLog log, string reportDirectory)
{
    private readonly List<StepResult> _steps = [];

    public IReadOnlyList<StepResult> Steps => _steps;

    public bool AllPassed => _steps.Count > 0 && _steps.All(s => s.Status != StepStatus.Failed);

    /// <summary>The first coded error a step failed with (Migrate raises it).</summary>
    public MigrationTasksException? FirstFailure { get; private set; }

    /// <summary>Runs a step; returns its value, or default when it failed.</summary>
    public async Task<T?> RunAsync<T>(string name, string title, Func<StepResult, Task<T>> body)
    {
        // Passed unless the body fails it, skips it (nothing to do, said in its summary) or throws.
        var step = new StepResult { Name = name, Title = title, Status = StepStatus.Passed };
        _steps.Add(step);
        log.Info($"[{name}] {title}");
        var watch = Stopwatch.StartNew();
        try
        {
            var value = await body(step).ConfigureAwait(false);
            return step.Status == StepStatus.Failed ? default : value;
        }
        catch (MigrationTasksException exception)
        {
            step.Status = StepStatus.Failed;
            step.ErrorCode = exception.Code;
            step.Summary = exception.Message;
            FirstFailure ??= exception;
            return default;
        }
        finally
        {
            step.DurationSeconds = Math.Round(watch.Elapsed.TotalSeconds, 3);
            log.Info($"[{name}] {Describe(step.Status)} in {step.DurationSeconds:0.0} s: {step.Summary}");
            foreach (var detail in step.Details.Take(20))
            {
                log.Info($"[{name}]   {detail}");
            }
        }
    }

    /// <summary>Runs a step that returns nothing; true when it passed (or was skipped by its own decision).</summary>
    public async Task<bool> RunAsync(string name, string title, Func<StepResult, Task> body)
    {
        var outcome = await RunAsync(name, title, async step =>
        {
            await body(step).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>Marks a step failed from inside its body, with the lines that say why.</summary>
    public void Fail(StepResult step, MigrationTasksException error, IEnumerable<string>? details = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        step.Status = StepStatus.Failed;
        step.ErrorCode = error.Code;
        if (details is not null)
        {
            step.Details.AddRange(details);
        }

        FirstFailure ??= error;
    }

    /// <summary>Records a step that did not run, and why.</summary>
    public void Skip(string name, string title, string why)
    {
        _steps.Add(new StepResult { Name = name, Title = title, Status = StepStatus.Skipped, Summary = why });
        log.Info($"[{name}] skipped: {why}");
    }

    /// <summary>A report's path as the run's report shows it: relative to the run's folder when inside it.</summary>
    public string Link(string path)
    {
        var relative = Path.GetRelativePath(reportDirectory, Path.GetFullPath(path));
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(path) : relative.Replace('\\', '/');
    }

    private static string Describe(StepStatus status) => status switch
    {
        StepStatus.Passed => "passed",
        StepStatus.Failed => "FAILED",
        _ => "skipped",
    };
}
