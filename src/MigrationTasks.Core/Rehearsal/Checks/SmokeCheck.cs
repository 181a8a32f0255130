using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Smoke;

namespace MigrationTasks.Rehearsal.Checks;

/// <summary>
/// The smoke step: the critical user flows of <c>supabase/tests/smoke.yaml</c> as PostgREST personas
/// (<see cref="SmokeRunner"/>), each flow one transaction that is rolled back, so it is safe on production too.
/// </summary>
public sealed class SmokeCheck(SmokeFile file, SmokeRunOptions options, Func<string, string>? redact) : IRehearsalCheck
{
    public string Name => "smoke";

    public string Title => "Smoke flows: the critical user flows as PostgREST personas, rolled back";

    public async Task<CheckOutcome> RunAsync(DatabaseConnection database, string reportDirectory, IEngineLog log, CancellationToken cancellationToken)
    {
        var result = await SmokeRunner.RunAsync(database, file, log, cancellationToken, options).ConfigureAwait(false);
        Directory.CreateDirectory(reportDirectory);
        var markdown = Path.Combine(reportDirectory, "smoke.md");
        var json = Path.Combine(reportDirectory, "smoke.json");
        redact ??= text => text;
        await File.WriteAllTextAsync(markdown, redact(result.ToMarkdown()), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(json, redact(result.ToJson()), cancellationToken).ConfigureAwait(false);
        var failures = result.Failed.Select(f => $"{Path.GetFileName(file.File)}:{f.Line} {f.Name}: {f.Failure}").ToList();
        var summary = $"{result.Flows.Count(f => f.Passed)} of {result.Flows.Count} flows passed ({result.Flows.Sum(f => f.Steps.Count)} steps); nothing was kept";
        return new CheckOutcome(result.Passed, summary, [markdown, json], failures);
    }
}
