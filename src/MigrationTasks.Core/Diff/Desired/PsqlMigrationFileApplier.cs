using System.Globalization;
using System.Text.RegularExpressions;
using MigrationTasks.Connections;
using MigrationTasks.Errors;
using MigrationTasks.Servers;
using MigrationTasks.Tools;

namespace MigrationTasks.Diff.Desired;

/// <summary>
/// The simplest correct way to apply migration files to a fresh database: psql, one transaction per file,
/// stopping at the first error, which becomes MT0204 with the file and line psql names.
/// </summary>
public sealed partial class PsqlMigrationFileApplier : IMigrationFileApplier
{
    public static readonly PsqlMigrationFileApplier Instance = new();

    [GeneratedRegex(@"psql:(?<file>.+?):(?<line>\d+): ERROR:\s*(?<message>.*)")]
    private static partial Regex PsqlError();

    public async Task ApplyAsync(PostgresInstallation binaries, DatabaseConnection database, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            try
            {
                await PostgresTool.RunAsync(binaries, "psql", database, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", file], cancellationToken).ConfigureAwait(false);
            }
            catch (MigrationTasksException exception)
            {
                var match = PsqlError().Match(exception.Message);
                throw match.Success
                    ? Errors.Errors.MigrationFailedOnShadow(file, int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture), match.Groups["message"].Value.Split(" | ")[0])
                    : Errors.Errors.MigrationFailedOnShadow(file, 0, exception.Message);
            }
        }
    }
}
