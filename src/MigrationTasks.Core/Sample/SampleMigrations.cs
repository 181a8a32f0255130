using MigrationTasks.Common;

namespace MigrationTasks.Sample;

/// <summary>
/// The bundled sample production's own migration plan. <c>supabase/migrations</c> is the team's v3 schema; the align,
/// data and cleanup migrations that take the sample production there (what <c>NewMigration</c> wrote for it, in
/// <c>supabase/sample/migrations</c>) belong to that stand-in database, not to the schema. When Rehearse runs on the
/// sample, the two folders are combined into one migration set, and the log and report say so; a real production
/// rehearses only <c>supabase/migrations</c>, where its own generated migrations are committed.
/// </summary>
public static class SampleMigrations
{
    /// <summary>
    /// Copies every file of <paramref name="migrationsDirectory"/> and <paramref name="sampleMigrationsDirectory"/> into a fresh
    /// <paramref name="combinedDirectory"/> and returns it; the sample's files must not reuse a version of the migrations.
    /// </summary>
    public static string Combine(string migrationsDirectory, string sampleMigrationsDirectory, string combinedDirectory, IEngineLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (Directory.Exists(combinedDirectory))
        {
            Directory.Delete(combinedDirectory, recursive: true);
        }

        Directory.CreateDirectory(combinedDirectory);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in new[] { migrationsDirectory, sampleMigrationsDirectory })
        {
            foreach (var path in Directory.EnumerateFiles(folder, "*.sql").Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(path);
                if (!names.Add(name))
                {
                    throw Errors.Errors.InvalidProperty("SampleMigrationsDirectory", sampleMigrationsDirectory, $"a folder whose files do not repeat those of {migrationsDirectory} ({name} is in both)");
                }

                File.Copy(path, Path.Combine(combinedDirectory, name));
            }
        }

        var added = Directory.EnumerateFiles(sampleMigrationsDirectory, "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        log.Info($"The bundled sample's own migrations ({sampleMigrationsDirectory}: {string.Join(", ", added)}) are rehearsed after supabase/migrations, as a team would commit them for this production; combined in {combinedDirectory}.");
        return combinedDirectory;
    }
}
