using MigrationTasks.Servers;

namespace MigrationTasks.Tools;

/// <summary>
/// Finds the client programs (pg_dump, pg_restore, ...) to use against a server. pg_dump refuses a server of a
/// newer major version, and pg_restore cannot read archives written by a newer pg_dump, so the installation's
/// major version must be at least <c>minimumMajor</c>; the newest one found is taken.
/// </summary>
public static class PostgresClients
{
    /// <summary>
    /// The installation to run <paramref name="tools"/> from. With <paramref name="binDirectory"/> set only that
    /// folder is considered; otherwise <paramref name="searchDirectories"/> (default: PATH and the usual places).
    /// Throws MT0401, naming the package to install, when none has all the tools at a recent enough version.
    /// </summary>
    public static async Task<PostgresInstallation> FindAsync(int minimumMajor, IReadOnlyList<string> tools, string? binDirectory,
        IReadOnlyList<string>? searchDirectories, CancellationToken cancellationToken)
    {
        IReadOnlyList<PostgresInstallation> found;
        if (binDirectory is not null)
        {
            var one = await PostgresInstallation.ReadAsync(binDirectory, cancellationToken).ConfigureAwait(false);
            found = one is null ? [] : [one];
        }
        else
        {
            found = await PostgresInstallation.DiscoverAsync(searchDirectories ?? PostgresInstallation.DefaultSearchDirectories(), cancellationToken).ConfigureAwait(false);
        }

        var complete = found.Where(i => tools.All(i.Exists)).ToList();
        var usable = complete.FirstOrDefault(i => i.Major >= minimumMajor);
        if (usable is not null)
        {
            return usable;
        }

        var where = binDirectory is null ? "on PATH or in the usual install folders" : $"in {binDirectory} (PostgresBinDirectory)";
        var seen = complete.Count > 0
            ? $"only older ones were found: {string.Join(", ", complete.Select(i => $"{i.Version} in {i.BinDirectory}"))}"
            : found.Count > 0
                ? $"the installations found lack some of them: {string.Join(", ", found.Select(i => $"{i.Version} in {i.BinDirectory} (missing {string.Join(", ", tools.Where(t => !i.Exists(t)))})"))}"
                : "none was found";
        throw Errors.Errors.ClientToolsNotFound(string.Join(", ", tools), minimumMajor, where, seen);
    }
}
