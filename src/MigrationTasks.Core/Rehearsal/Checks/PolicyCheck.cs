using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Security;
using MigrationTasks.Security.Reports;

namespace MigrationTasks.Rehearsal.Checks;

/// <summary>
/// The policies and functions step: <see cref="PolicyVerifier"/> with the policy matrix (RLS per persona as PostgREST
/// runs requests, the RPC functions, coverage, the security lint), read-only, its reports in the step's folder.
/// </summary>
public sealed class PolicyCheck(PolicyVerificationOptions options, string reportBase, Func<string, string>? redact) : IRehearsalCheck
{
    public string Name => "policies";

    public string Title => "Verify the RLS policies and functions per role (policy matrix, coverage, security lint)";

    public async Task<CheckOutcome> RunAsync(DatabaseConnection database, string reportDirectory, IEngineLog log, CancellationToken cancellationToken)
    {
        var report = await PolicyVerifier.VerifyAsync(database, options with { Target = database.Describe() }, log, cancellationToken).ConfigureAwait(false);
        var (markdown, json) = PolicyReportWriter.Write(report, reportDirectory, reportBase, redact);
        var failures = report.Run.Cases.Where(c => !c.Passed)
            .Select(c => $"{Path.GetFileName(c.Case.Location.File)}:{c.Case.Location.Line} {c.Case.Name}: {c.Failure ?? c.Actual}")
            .Concat(report.OpenFailing.Select(f => $"lint {f.Rule.Name}: {f.Detail}"))
            .Concat(report.RequireFullCoverage ? report.Coverage.DescribeGaps().Select(g => "not covered: " + g) : [])
            .ToList();
        return new CheckOutcome(report.Passed, report.Summary, [markdown, json], failures);
    }
}
