namespace MigrationTasks.Backup;

/// <summary>Finds the backup a path names: a backup folder itself, or a folder of backups (the newest verified one).</summary>
public static class BackupFolder
{
    /// <summary>
    /// <paramref name="path"/> when it holds <c>manifest.json</c>; otherwise the newest sub-folder (by its UTC
    /// timestamp name) whose manifest says it passed. In-progress (<c>.partial</c>) and failed (<c>.failed</c>) folders
    /// are never chosen. MT0404 when there is none.
    /// </summary>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            throw Errors.Errors.BackupNotFound(path, "the folder does not exist");
        }

        if (File.Exists(Path.Combine(full, BackupManifest.FileName)))
        {
            return full;
        }

        foreach (var candidate in Directory.EnumerateDirectories(full).Where(d => !Path.GetFileName(d).Contains('.', StringComparison.Ordinal))
                     .OrderByDescending(d => Path.GetFileName(d), StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(candidate, BackupManifest.FileName)) && BackupManifest.Read(candidate).Passed)
            {
                return candidate;
            }
        }

        throw Errors.Errors.BackupNotFound(path, $"it holds no {BackupManifest.FileName} and no verified backup folder");
    }
}
