using System.Globalization;
using MigrationTasks.Common;
using MigrationTasks.Migrations;
using MigrationTasks.Sql;
using MigrationTasks.Templates;
using MigrationTasks.Tests.Infrastructure;
using Npgsql;

namespace MigrationTasks.Tests.Data;

/// <summary>
/// Built once per run: the data and cleanup migrations generated from the repository spec against the sample
/// production (scale 1), and a database template holding the sample with its pending migrations and the data migration
/// applied by the migration runner (as ApplyMigrations applies them). Tests copy it.
/// </summary>
internal static class MigratedSample
{
    private static readonly Lazy<Task<Built>> Once = new(BuildAsync);

    public sealed record Built(string Template, string DataFile, string CleanupFile, string MigrationsFolder);

    public static Task<Built> GetAsync() => Once.Value;

    /// <summary>A fresh copy of the migrated sample.</summary>
    public static async Task<TestDatabase> CopyAsync() => await TestServer.CreateDatabaseAsync((await GetAsync()).Template);

    private static async Task<Built> BuildAsync()
    {
        var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        var supabase = TestTemplates.SupabaseDirectory;
        var folder = TestPaths.NewFolder("migrations");
        foreach (var file in TestTemplates.MigrationFiles)
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var cleanupFolder = TestPaths.NewFolder("cleanup");
        GenerateOptions Options(string name, string template, string version, string into) => new()
        {
            Name = name,
            Template = template,
            SupabaseDirectory = supabase,
            MigrationsDirectory = into,
            ArtifactsDirectory = TestPaths.NewFolder("artifacts"),
            Version = version,
            OpenDatabase = _ => Task.FromResult(new TemplateDatabase(database.Connection, "the sample production (test)")),
        };
        var dataFile = await MigrationGenerator.GenerateAsync(Options("migrate_v1_data", "data", "20250101000000", folder), NullEngineLog.Instance, CancellationToken.None);
        var cleanupFile = await MigrationGenerator.GenerateAsync(Options("cleanup_v1_artifacts", "cleanup", "20250101000001", cleanupFolder), NullEngineLog.Instance, CancellationToken.None);

        var report = await MigrationRunner.ApplyAsync(database.Connection, MigrationSet.Load(folder, NullEngineLog.Instance), new ApplyOptions { LockTimeout = null }, NullEngineLog.Instance, CancellationToken.None);
        if (report.Failure is not null)
        {
            throw report.Failure;
        }

        Assert.AreEqual(3, report.Applied, "the two pending migrations and the data migration");
        NpgsqlConnection.ClearAllPools();
        await using (var connection = new NpgsqlConnection(TestServer.Server.Connection.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"ALTER DATABASE {SqlQuote.Identifier(database.Name)} ALLOW_CONNECTIONS false", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new Built(database.Name, dataFile, cleanupFile, folder);
    }

    /// <summary>Every table of the user schemas with its row count and a content hash: equal fingerprints, equal data.</summary>
    public static Task<List<string>> FingerprintAsync(TestDatabase database) => database.ColumnAsync<string>("""
        SELECT format('%s %s', c.oid::regclass,
               (xpath('/row/x/text()', query_to_xml(format('SELECT count(*) || ''/'' || coalesce(sum(hashtextextended(t::text, 0)), 0) AS x FROM %s t', c.oid::regclass), false, false, '')))[1]::text)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname IN ('public', 'auth', 'migration_keymap')
        UNION ALL
        SELECT format('sequence %s %s', s.schemaname || '.' || s.sequencename, coalesce(s.last_value::text, '-'))
        FROM pg_sequences s WHERE s.schemaname IN ('public', 'migration_keymap')
        ORDER BY 1
        """);

    public static string Scale1 => string.Create(CultureInfo.InvariantCulture, $"scale 1");
}
