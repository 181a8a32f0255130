using MigrationTasks.Errors;
using MigrationTasks.Common;

namespace MigrationTasks.Migrations;

/// <summary>A file to apply, and how far an interrupted run got with it.</summary>
public sealed record PendingFile(MigrationFile File, ProgressRow? Progress);

/// <summary>
/// Compares the local files with the history, as the CLI's <c>FindPendingMigrations</c> does and then some:
/// versions in the history without a file (MT0318), applied files that changed (MT0316), files older than
/// the newest applied one (MT0317 unless IncludeAll), and files an interrupted run left part-way.
/// </summary>
public static class PendingMigrations
{
    public static IReadOnlyList<PendingFile> Resolve(MigrationSet set, MigrationHistory history, ApplyOptions options, IEngineLog log)
    {
        var missing = history.Applied.Where(a => set.Find(a.Version) is null).Select(a => a.Version).ToList();
        if (missing.Count > 0)
        {
            throw Errors.Errors.MissingLocalMigrations(List(missing), set.Directory);
        }

        CheckAppliedFilesUnchanged(set, history, options, log);

        var pending = set.Files.Where(f => !history.AppliedVersions.Contains(f.Version)).ToList();
        var newest = history.NewestVersion;
        var older = newest is null ? [] : pending.Where(f => MigrationVersion.Compare(f.Version, newest) < 0).ToList();
        if (older.Count > 0 && !options.IncludeAll)
        {
            throw Errors.Errors.OutOfOrderMigrations(older[0].Path, List(older.Select(f => f.FileName)), newest!);
        }

        var result = new List<PendingFile>();
        foreach (var file in pending)
        {
            var progress = history.Progress.GetValueOrDefault(file.Version);
            if (progress is not null && progress.Sha256 != file.Sha256)
            {
                throw Errors.Errors.PartiallyAppliedFileChanged(file.Path, progress.SegmentsDone, progress.SegmentsTotal);
            }

            result.Add(new PendingFile(file, progress));
        }

        return result;
    }

    private static void CheckAppliedFilesUnchanged(MigrationSet set, MigrationHistory history, ApplyOptions options, IEngineLog log)
    {
        var changed = new List<MigrationFile>();
        foreach (var applied in history.Applied)
        {
            var file = set.Find(applied.Version)!;
            if (history.Bookkeeping.TryGetValue(applied.Version, out var ours))
            {
                if (ours.Sha256 != file.Sha256)
                {
                    changed.Add(file);
                }
            }
            else if (applied.Statements is null)
            {
                log.Detail($"{file.FileName}: applied without statements in the history; its content cannot be compared.");
            }
            else if (!applied.Statements.SequenceEqual(file.RecordedStatements, StringComparer.Ordinal)
                     && !applied.Statements.SequenceEqual(file.CliStatements, StringComparer.Ordinal))
            {
                // Applied by the CLI or another tool: older CLI versions split some files differently, so this warns only.
                log.Warning(MigrationWarnings.DiffersFromRecordedStatements,
                    $"{file.FileName} differs from the statements the history recorded when it was applied (by the Supabase CLI or another tool): it may have been edited since.");
            }
        }

        if (changed.Count == 0)
        {
            return;
        }

        if (!options.AllowChangedMigrations)
        {
            throw Errors.Errors.ChangedMigrations(changed[0].Path, List(changed.Select(f => f.FileName)));
        }

        foreach (var file in changed)
        {
            log.Warning(MigrationWarnings.ChangedMigrationAccepted,
                $"{file.FileName} changed since it was applied; accepted because AllowChangedMigrations is true (its new content is not run).");
        }
    }

    private static string List(IEnumerable<string> items)
    {
        var all = items.ToList();
        return all.Count <= 10 ? string.Join(", ", all) : string.Join(", ", all.Take(10)) + $" and {all.Count - 10} more";
    }
}
