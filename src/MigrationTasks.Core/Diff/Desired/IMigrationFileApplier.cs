using MigrationTasks.Connections;
using MigrationTasks.Servers;

namespace MigrationTasks.Diff.Desired;

/// <summary>
/// Applies migration files to the shadow database. The seam where the migration runner (ApplyMigrations)
/// plugs in; until then <see cref="PsqlMigrationFileApplier"/> runs each file with psql in one transaction.
/// </summary>
public interface IMigrationFileApplier
{
    Task ApplyAsync(PostgresInstallation binaries, DatabaseConnection database, IReadOnlyList<string> files, CancellationToken cancellationToken);
}
