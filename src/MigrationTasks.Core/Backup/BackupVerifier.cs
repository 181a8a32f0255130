using System.Security.Cryptography;
using MigrationTasks.Connections;
using MigrationTasks.Servers;
using MigrationTasks.Tools;

namespace MigrationTasks.Backup;

/// <summary>The outcome of verifying a backup folder against its manifest.</summary>
public sealed record BackupCheck(IReadOnlyList<string> Problems, ArchiveToc? Toc)
{
    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// Checks a backup folder: every file the manifest lists is there with its size and sha256, no file was added to
/// the archive, <c>pg_restore --list</c> reads the archive's table of contents and every table's data file exists;
/// with <see cref="BackupVerification.Full"/>, <c>pg_restore</c> also reads every data block.
/// </summary>
public static class BackupVerifier
{
    /// <summary>sha256 and size of every file under <paramref name="folder"/> except the manifest, paths relative and with '/'.</summary>
    public static async Task<IReadOnlyList<FileEntry>> HashFilesAsync(string folder, CancellationToken cancellationToken)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) is not (BackupManifest.FileName or BackupManifest.FileName + ".tmp"))
            .ToList();
        var entries = new FileEntry[files.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var file = files[index];
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
                var hash = await SHA256.HashDataAsync(stream, token).ConfigureAwait(false);
                entries[index] = new FileEntry(Path.GetRelativePath(folder, file).Replace('\\', '/'), stream.Length, Convert.ToHexStringLower(hash));
            }).ConfigureAwait(false);
        return [.. entries.OrderBy(e => e.Path, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Verifies <paramref name="folder"/> against <paramref name="manifest"/>; problems are returned, not thrown.
    /// <paramref name="justHashed"/> are the folder's files hashed a moment ago (by the backup that wrote the manifest
    /// from them), so they are not read twice; a restore always hashes again.
    /// </summary>
    public static async Task<BackupCheck> VerifyAsync(string folder, BackupManifest manifest, PostgresInstallation clients, BackupVerification depth,
        CancellationToken cancellationToken, IReadOnlyList<FileEntry>? justHashed = null)
    {
        var problems = new List<string>();
        var actual = (justHashed ?? await HashFilesAsync(folder, cancellationToken).ConfigureAwait(false)).ToDictionary(f => f.Path, StringComparer.Ordinal);
        foreach (var expected in manifest.Files)
        {
            if (!actual.TryGetValue(expected.Path, out var found))
            {
                problems.Add($"{expected.Path} is missing");
            }
            else if (found.Bytes != expected.Bytes)
            {
                problems.Add($"{expected.Path} has {found.Bytes} bytes, the manifest says {expected.Bytes}");
            }
            else if (!string.Equals(found.Sha256, expected.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{expected.Path} has sha256 {found.Sha256}, the manifest says {expected.Sha256}");
            }
        }

        var listed = manifest.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(actual.Keys.Where(path => !listed.Contains(path) && IsInside(path, manifest.Archive)).Order(StringComparer.Ordinal)
            .Select(path => $"{path} is in the archive but not in the manifest"));

        var archive = Path.Combine(folder, manifest.Archive);
        if (!Path.Exists(archive))
        {
            problems.Add($"the archive {manifest.Archive} is missing");
            return new BackupCheck(problems, null);
        }

        // pg_restore needs no connection to read an archive; an empty one keeps the user's PG* settings out of it.
        var offline = DatabaseConnection.Create("localhost", 5432, "postgres", null, "postgres");
        var list = await PostgresTool.ExecuteAsync(clients, "pg_restore", offline, ["--list", archive], cancellationToken).ConfigureAwait(false);
        if (!list.Succeeded)
        {
            problems.Add($"pg_restore --list cannot read the archive: {list.ErrorSummary()}");
            return new BackupCheck(problems, null);
        }

        var toc = ArchiveToc.Parse(list.StandardOutput);
        if (toc.Entries.Count == 0)
        {
            problems.Add("the archive's table of contents lists no entries");
        }

        if (manifest.Format == "directory")
        {
            var dataFiles = actual.Keys.Where(p => IsInside(p, manifest.Archive)).Select(p => Path.GetFileName(p)).ToHashSet(StringComparer.Ordinal);
            problems.AddRange(toc.Entries.Where(e => e.Description == "TABLE DATA")
                .Where(e => !dataFiles.Any(f => f.StartsWith($"{e.DumpId}.dat", StringComparison.Ordinal)))
                .Select(e => $"the data file of entry {e.DumpId} ({e.Namespace}.{e.Rest}) is missing"));
        }

        if (depth == BackupVerification.Full && problems.Count == 0)
        {
            var read = await PostgresTool.ExecuteAsync(clients, "pg_restore", offline, ["--file", OperatingSystem.IsWindows() ? "NUL" : "/dev/null", archive], cancellationToken)
                .ConfigureAwait(false);
            if (!read.Succeeded)
            {
                problems.Add($"pg_restore cannot read every data block: {read.ErrorSummary()}");
            }
        }

        return new BackupCheck(problems, toc);
    }

    private static bool IsInside(string relativePath, string archive) =>
        relativePath == archive || relativePath.StartsWith(archive + "/", StringComparison.Ordinal);
}
