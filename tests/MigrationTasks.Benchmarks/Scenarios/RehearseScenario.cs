using System.Globalization;
using MigrationTasks.Backup;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Data.Spec;
using MigrationTasks.Diff.Classification;
using MigrationTasks.Migrations;
using MigrationTasks.Rehearsal;
using MigrationTasks.Rehearsal.Checks;
using MigrationTasks.Security;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// The whole rehearsal (clone, diff, validation, apply, the schema check, policies, the failure drill) on the sample
/// production, against the raw work it stands on, measured in the same run: <c>pg_dump -Fd -j2</c> of production,
/// <c>pg_restore -j2</c> into a new database and the pending migrations' SQL through one <c>psql</c>. Prints the total,
/// the ratio, and each step's share of the rehearsal.
/// </summary>
public sealed class RehearseScenario : IBenchmarkScenario
{
    private const int Jobs = 2;

    public string Name => "rehearse";

    /// <summary>
    /// compare measures scale 1 (3 runs per side); scale 10 took 4 of compare's 30 minutes, and the whole target at
    /// scales 1 and 10 is in rehearse-target. Run <c>rehearse --scales 10</c> for the engine against raw at 10.
    /// </summary>
    public IReadOnlyList<int> DefaultScales => [1];

    public string? OnRequest => "rehearse --scales 10";

    public string Description => "Rehearse (every step) vs pg_dump -Fd -j2 + pg_restore -j2 + psql of the pending migrations";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var server = context.Server;
        if (server.Binaries is not { HasClient: true } clients)
        {
            Console.WriteLine("rehearse | not run (no local pg_dump / pg_restore)");
            return;
        }

        var supabase = Path.Combine(BenchmarkContext.RepositoryRoot, "supabase");
        var work = Path.Combine(Path.GetTempPath(), $"migrationtasks-bench-rehearse-{Environment.ProcessId}");

        // The repository's migrations and the sample's align, data and cleanup migrations (supabase/sample/migrations):
        // the rehearsal that passes, with the data migration and its validation.
        var folder = Path.Combine(Path.GetTempPath(), $"migrationtasks-bench-rehearse-migrations-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.Combine(supabase, "migrations"), "*.sql").Concat(Directory.GetFiles(Path.Combine(supabase, "sample", "migrations"), "*.sql")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        }

        var migrations = MigrationSet.Load(folder, NullEngineLog.Instance);
        try
        {
            foreach (var scale in context.Scales)
            {
                var production = await BenchmarkSource.CreateAsync(server, scale, cancellationToken);
                var pending = await PendingAsync(production, migrations, cancellationToken);
                var target = server.Connection.WithDatabase($"bench_rehearse_target_{scale}");
                RehearsalResult? last = null;
                var (ours, baseline) = await context.MeasureAsync(
                    async () => last = await RehearsalRunner.RunAsync(Options(server, production, supabase, folder, Path.Combine(work, "ours", Guid.NewGuid().ToString("N"))), NullEngineLog.Instance, cancellationToken),
                    async () =>
                    {
                        var byHand = Path.Combine(work, "by-hand");
                        Directory.CreateDirectory(work);
                        await PostgresTool.RunAsync(clients, "pg_dump", production, ["-Fd", $"-j{Jobs}", "-f", byHand], cancellationToken);
                        await ExecuteAsync(server.Connection, $"CREATE DATABASE {SqlQuote.Identifier(target.Database)}", cancellationToken);
                        await PostgresTool.RunAsync(clients, "pg_restore", target, [$"-j{Jobs}", "-d", target.Database, byHand], cancellationToken);
                        var script = Path.Combine(work, "pending.sql");
                        await File.WriteAllLinesAsync(script, pending.Select(f => $"\\i {f.Path}"), cancellationToken);
                        await PostgresTool.RunPsqlFileAsync(clients, target, script, null, cancellationToken);
                    },
                    async () =>
                    {
                        if (Directory.Exists(work))
                        {
                            Directory.Delete(work, recursive: true);
                        }

                        NpgsqlConnection.ClearAllPools();
                        await ExecuteAsync(server.Connection, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(target.Database)} WITH (FORCE)", cancellationToken);
                    }, Math.Min(context.Runs, 3), warmUp: false);

                var what = string.Create(CultureInfo.InvariantCulture, $"scale {scale}, {pending.Count} pending migrations, passed: {last?.Receipt.Passed}");
                context.Report($"rehearse: {what}", ours, "pg_dump + pg_restore + psql of the pending SQL", baseline);
                if (last is not null)
                {
                    var total = last.Receipt.Steps.Sum(s => s.DurationSeconds);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rehearse: scale {scale} step shares (last run, {total:0.00} s in steps): ") +
                        string.Join(", ", last.Receipt.Steps.Where(s => s.DurationSeconds > 0).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.DurationSeconds:0.00} s ({100 * s.DurationSeconds / total:0}%)"))));
                }

                await ExecuteAsync(server.Connection, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(production.Database)} WITH (FORCE)", cancellationToken);
            }
        }
        finally
        {
            foreach (var temporary in new[] { work, folder }.Where(Directory.Exists))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    private static RehearsalOptions Options(IPostgresServer server, DatabaseConnection production, string supabase, string migrations, string folder) => new()
    {
        Production = production,
        ProductionLabel = "the sample production",
        Staging = server.Connection,
        SupabaseDirectory = supabase,
        MigrationsDirectory = migrations,
        ReportDirectory = Path.Combine(folder, "rehearsal"),
        CacheDirectory = Path.Combine(folder, "cache"),
        Backup = new BackupOptions { Root = Path.Combine(folder, "backups"), Label = "production", Jobs = Jobs, BinDirectory = server.Binaries!.BinDirectory },
        RestoreJobs = Jobs,
        ShadowServer = new ServerRequest { Existing = server.Connection },
        DiffConfig = DiffConfig.Load(Path.Combine(supabase, "diff.toml")),
        DataValidation = new DataValidationCheck(MappingSpecLoader.Load(Path.Combine(supabase, "v1_to_v3.yaml")), 1),
        Checks =
        [
            new PolicyCheck(new PolicyVerificationOptions
            {
                MatrixFile = Path.Combine(supabase, "tests", "policies.yaml"),
                AcceptanceFile = Path.Combine(supabase, "tests", "lint-accepted.yaml"),
                ConfigFile = Path.Combine(supabase, "config.toml"),
            }, BenchmarkContext.RepositoryRoot, null),
        ],
    };

    private static async Task<IReadOnlyList<MigrationFile>> PendingAsync(DatabaseConnection production, MigrationSet migrations, CancellationToken cancellationToken)
    {
        var applied = await MigrationTasks.Diff.Desired.AppliedMigrations.ReadAsync(production, cancellationToken) ?? new HashSet<string>();
        return [.. migrations.Files.Where(f => !applied.Contains(f.Version))];
    }

    private static async Task ExecuteAsync(DatabaseConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var session = new NpgsqlConnection(connection.ConnectionString);
        await session.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, session) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
