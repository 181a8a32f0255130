using System.Globalization;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace MigrationTasks.Servers;

/// <summary>A folder of PostgreSQL binaries (server and/or client) and the version they report.</summary>
public sealed partial record PostgresInstallation(string BinDirectory, Version Version)
{
    public int Major => Version.Major;

    public bool HasServer => Exists("initdb") && Exists("pg_ctl") && Exists("postgres");

    public bool HasClient => Exists("pg_dump") && Exists("pg_restore") && Exists("psql");

    /// <summary>The full path of one of the binaries, for example <c>Tool("pg_dump")</c>.</summary>
    public string Tool(string name) => Path.Combine(BinDirectory, OperatingSystem.IsWindows() ? name + ".exe" : name);

    public bool Exists(string name) => File.Exists(Tool(name));

    /// <summary>
    /// The folders searched when none is configured: PATH first, then the usual install locations
    /// (Debian/Ubuntu, the PGDG RPMs, Homebrew, the EDB installer, source builds).
    /// </summary>
    public static IReadOnlyList<string> DefaultSearchDirectories()
    {
        var directories = new List<string>();
        directories.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        foreach (var pattern in new[] { "/usr/lib/postgresql", "/usr/pgsql-*", "/opt/homebrew/opt/postgresql@*", "/usr/local/opt/postgresql@*", "/Library/PostgreSQL" })
        {
            directories.AddRange(Expand(pattern));
        }

        directories.Add("/usr/local/pgsql/bin");
        return directories;
    }

    /// <summary>
    /// Every installation found in <paramref name="directories"/>, newest version first. A folder counts when it
    /// has <c>postgres</c> or <c>pg_dump</c>; its version is read by running the binary with <c>--version</c>.
    /// </summary>
    public static async Task<IReadOnlyList<PostgresInstallation>> DiscoverAsync(IEnumerable<string> directories, CancellationToken cancellationToken)
    {
        var found = new List<PostgresInstallation>();
        foreach (var directory in directories.Select(d => Path.GetFullPath(d)).Distinct(StringComparer.Ordinal))
        {
            var installation = await ReadAsync(directory, cancellationToken).ConfigureAwait(false);
            if (installation is not null && !found.Exists(f => SameFolder(f.BinDirectory, installation.BinDirectory)))
            {
                found.Add(installation);
            }
        }

        return [.. found.OrderByDescending(f => f.Version)];
    }

    /// <summary>The installation in one folder, or null when it holds no PostgreSQL binaries.</summary>
    public static async Task<PostgresInstallation?> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        var probe = new[] { "postgres", "pg_dump", "psql" }.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
        if (probe is null)
        {
            return null;
        }

        // Follow links to the real folder (Homebrew links bin/ into the Cellar). Debian's /usr/bin links to a
        // version-switching wrapper script instead; that folder is skipped, the real one is found by the search.
        var target = new FileInfo(probe).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? probe;
        if (!string.Equals(Path.GetFileName(target), Path.GetFileName(probe), StringComparison.Ordinal))
        {
            return null;
        }

        directory = Path.GetDirectoryName(target)!;
        probe = target;

        var result = await Cli.Wrap(probe).WithArguments("--version").WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
        var match = VersionPattern().Match(result.StandardOutput);
        if (result.ExitCode != 0 || !match.Success)
        {
            return null;
        }

        var version = new Version(
            int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0);
        return new PostgresInstallation(directory, version);
    }

    private static bool SameFolder(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.Ordinal);

    private static IEnumerable<string> Expand(string pattern)
    {
        // "/usr/lib/postgresql" holds one folder per major version, each with bin/.
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        var parent = star >= 0 ? Path.GetDirectoryName(pattern)! : pattern;
        if (!Directory.Exists(parent))
        {
            return [];
        }

        var children = star >= 0
            ? Directory.EnumerateDirectories(parent, Path.GetFileName(pattern))
            : Directory.EnumerateDirectories(parent);
        return children.Select(child => Path.Combine(child, "bin")).Where(Directory.Exists);
    }

    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")]
    private static partial Regex VersionPattern();
}
