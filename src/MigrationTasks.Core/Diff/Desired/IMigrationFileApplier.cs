using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Migrations;

namespace MigrationTasks.Diff.Desired;

/// <summary>Applies migration files to the shadow database (the default: <see cref="RunnerMigrationApplier"/>, the migration runner).</summary>
public interface IMigrationFileApplier
{
    Task ApplyAsync(DatabaseConnection database, MigrationSet migrations, IEngineLog log, CancellationToken cancellationToken);
}

/// <summary>
/// The shadow database gets its migrations exactly as production will: through <see cref="MigrationRunner"/>
/// (one transaction per file, the Supabase CLI's statement splitting, non-transactional statements on their own).
/// A failure becomes MT0204, located in the migration file.
/// </summary>
public sealed class RunnerMigrationApplier : IMigrationFileApplier
{
    public static readonly RunnerMigrationApplier Instance = new();

    public async Task ApplyAsync(DatabaseConnection database, MigrationSet migrations, IEngineLog log, CancellationToken cancellationToken)
    {
        var report = await MigrationRunner.ApplyAsync(database, migrations, new ApplyOptions { TargetName = "shadow database", LockTimeout = null }, log, cancellationToken).ConfigureAwait(false);
        if (report.Failure is { } failure)
        {
            throw Errors.Errors.MigrationFailedOnShadow(failure.File ?? migrations.Directory, failure.Line, failure.Message);
        }
    }
}
