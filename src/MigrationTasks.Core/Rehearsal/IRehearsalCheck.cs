using MigrationTasks.Common;
using MigrationTasks.Connections;

namespace MigrationTasks.Rehearsal;

/// <summary>What a check found on a database: passed or not, one line, its reports and its failures.</summary>
public sealed record CheckOutcome(bool Passed, string Summary, IReadOnlyList<string> Reports, IReadOnlyList<string> Failures);

/// <summary>
/// A check that runs on the migrated database as one step of Rehearse and Migrate (the smoke flows are one). It must
/// leave the database as it found it: Migrate runs it on production.
/// </summary>
public interface IRehearsalCheck
{
    /// <summary>The step's name in receipts (<c>smoke</c>).</summary>
    string Name { get; }

    /// <summary>What the step does, in a sentence.</summary>
    string Title { get; }

    Task<CheckOutcome> RunAsync(DatabaseConnection database, string reportDirectory, IEngineLog log, CancellationToken cancellationToken);
}
