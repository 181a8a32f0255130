using System.Globalization;

namespace MigrationTasks.Tasks.Infrastructure;

/// <summary>Where restore and clone reports go: one new folder per run, named by its UTC start.</summary>
internal static class ReportFolders
{
    public static string New(string? root, string fallback)
    {
        var parent = Path.GetFullPath(string.IsNullOrWhiteSpace(root) ? fallback : root);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        for (var attempt = 1; ; attempt++)
        {
            var folder = Path.Combine(parent, attempt == 1 ? stamp : $"{stamp}-{attempt.ToString(CultureInfo.InvariantCulture)}");
            if (!Path.Exists(folder))
            {
                return folder;
            }
        }
    }
}
