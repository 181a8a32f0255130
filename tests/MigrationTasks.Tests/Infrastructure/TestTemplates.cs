using System.Collections.Concurrent;
using System.Globalization;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Migrations;
using MigrationTasks.Sample;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Tests.Infrastructure;

/// <summary>The prepared databases a test can start from (see <see cref="TestServer.CreateDatabaseAsync(TestTemplate)"/>).</summary>
public enum TestTemplate
{
    /// <summary>An empty database with <c>supabase/sample/supabase_layer.sql</c> applied: an empty Supabase-like database.</summary>
    Supabase,

    /// <summary><see cref="Supabase"/> plus every file of <c>supabase/migrations</c>, one transaction per file: the v3 schema, no data.</summary>
    Migrated,

    /// <summary>The sample production at scale 1, seed 42 (<c>supabase/sample/production.sql</c> through the engine): v1 data, applied and pending v3 migrations, drift.</summary>
    SampleProduction,

    /// <summary><see cref="SampleProduction"/> with its pending migrations applied by the runner: a migrated staging clone (its drift is still there).</summary>
    MigratedSample,

    /// <summary>
    /// <see cref="MigratedSample"/> with its v3 business tables filled by the
    /// test data generator <c>tests/fixtures/v3_workload_data.sql</c> (scale 1, seed 42): a migrated staging clone for the workload.
    /// </summary>
    SampleWorkload,
}

/// <summary>
/// Builds each <see cref="TestTemplate"/> once per test run (on first use), so a test gets a prepared database
/// with a fast <c>CREATE DATABASE ... TEMPLATE</c> instead of replaying SQL. Templates refuse connections, so
/// nothing can hold one open and block the copies; they are dropped when the run ends.
/// </summary>
public static class TestTemplates
{
    private static readonly ConcurrentDictionary<TestTemplate, Lazy<Task<string>>> Built = new();

    /// <summary>The template database's name, building it first if this run has not yet.</summary>
    public static Task<string> NameAsync(TestTemplate template) =>
        Built.GetOrAdd(template, t => new Lazy<Task<string>>(() => BuildAsync(t))).Value;

    /// <summary>The PostgreSQL client programs matching the test server (psql runs the SQL files).</summary>
    public static PostgresInstallation Binaries =>
        TestServer.Server.Binaries is { HasClient: true } binaries
            ? binaries
            : throw new AssertInconclusiveException("Not run: no psql on this machine for the test server.");

    /// <summary>The repository's supabase folder.</summary>
    public static string SupabaseDirectory => Path.Combine(TestPaths.RepositoryRoot, "supabase");

    /// <summary>The compatibility layer script.</summary>
    public static string LayerScript => Path.Combine(SupabaseDirectory, "sample", "supabase_layer.sql");

    /// <summary>The sample production's entry script.</summary>
    public static string ProductionScript => Path.Combine(SupabaseDirectory, "sample", "production.sql");

    /// <summary>The test data generator for the v3 business tables (not the product).</summary>
    public static string WorkloadDataScript => Path.Combine(TestPaths.RepositoryRoot, "tests", "fixtures", "v3_workload_data.sql");

    /// <summary>The application's workload.</summary>
    public static string WorkloadFile => Path.Combine(SupabaseDirectory, "tests", "workload.sql");

    /// <summary>The migration files in version order.</summary>
    public static IReadOnlyList<string> MigrationFiles =>
        [.. Directory.GetFiles(Path.Combine(SupabaseDirectory, "migrations"), "*.sql").Order(StringComparer.Ordinal)];

    /// <summary>Applies migration files with psql, each in its own transaction, stopping at the first error.</summary>
    public static async Task ApplyMigrationsAsync(DatabaseConnection connection, IEnumerable<string> files, CancellationToken cancellationToken = default)
    {
        foreach (var file in files)
        {
            await PostgresTool.RunAsync(Binaries, "psql", connection, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", file], cancellationToken);
        }
    }

    internal static async Task DropAllAsync()
    {
        foreach (var entry in Built.Values.Where(v => v.IsValueCreated && v.Value.IsCompletedSuccessfully))
        {
            await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {SqlQuote.Identifier(entry.Value.Result)} WITH (FORCE)");
        }

        Built.Clear();
    }

    private static async Task<string> BuildAsync(TestTemplate template)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"tpl_{Environment.ProcessId}_{template.ToString().ToLowerInvariant()}");
        var source = template switch
        {
            TestTemplate.Supabase => null,
            TestTemplate.Migrated => await NameAsync(TestTemplate.Supabase),
            TestTemplate.SampleProduction => null,
            TestTemplate.MigratedSample => await NameAsync(TestTemplate.SampleProduction),
            TestTemplate.SampleWorkload => await NameAsync(TestTemplate.MigratedSample),
            _ => throw new ArgumentOutOfRangeException(nameof(template)),
        };

        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {SqlQuote.Identifier(name)} WITH (FORCE)");
        await ExecuteOnServerAsync($"CREATE DATABASE {SqlQuote.Identifier(name)}" + (source is null ? "" : $" TEMPLATE {SqlQuote.Identifier(source)}"));
        var connection = TestServer.Server.Connection.WithDatabase(name);
        switch (template)
        {
            case TestTemplate.Supabase:
                await PostgresTool.RunPsqlFileAsync(Binaries, connection, LayerScript, null, CancellationToken.None);
                break;
            case TestTemplate.Migrated:
                await ApplyMigrationsAsync(connection, MigrationFiles);
                break;
            case TestTemplate.SampleProduction:
                await SampleProduction.BuildAsync(Binaries, connection, SupabaseDirectory, SampleProduction.DefaultScale, SampleProduction.DefaultSeed, NullEngineLog.Instance, CancellationToken.None);
                break;
            case TestTemplate.MigratedSample:
                var report = await MigrationRunner.ApplyAsync(connection, MigrationSet.Load(Path.Combine(SupabaseDirectory, "migrations"), NullEngineLog.Instance),
                    new ApplyOptions(), NullEngineLog.Instance, CancellationToken.None);
                if (report.Failure is not null)
                {
                    throw report.Failure;
                }

                break;
            case TestTemplate.SampleWorkload:
                // The migrated sample plus the v3 business tables filled by the workload data generator.
                await PostgresTool.RunPsqlFileAsync(Binaries, connection, WorkloadDataScript, new Dictionary<string, string> { ["scale"] = "1", ["seed"] = "42" }, CancellationToken.None);
                NpgsqlConnection.ClearAllPools();
                break;
        }

        await ExecuteOnServerAsync($"ALTER DATABASE {SqlQuote.Identifier(name)} ALLOW_CONNECTIONS false");
        return name;
    }

    private static async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestServer.Server.Connection.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
