using System.Diagnostics;
using System.Globalization;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Indexes;
using MigrationTasks.Migrations;
using MigrationTasks.Sample;
using MigrationTasks.Sql;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// The app's workload (supabase/tests/workload.sql) before and after <c>optimize_v3_indexes</c>, at each scale of --scales:
/// the sample production built and migrated, its v3 tables filled by the test data generator (tests/fixtures), then
/// AnalyzeIndexes' engine, the migration written by the indexes template and applied by the runner (CREATE INDEX
/// CONCURRENTLY). Each query runs as the application runs it (its role, transaction-local claims), median of --runs
/// after a warm-up; the baseline is the same query on the same database before the migration. Also prints whether a
/// query still reads a table of more than 10,000 rows sequentially.
/// </summary>
public sealed class IndexesScenario : IBenchmarkScenario
{
    private const long LargeTableRows = 10_000;

    public string Name => "indexes";

    public string Description => "the workload before and after optimize_v3_indexes (analysed, generated, applied), per query and in total";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var binaries = context.Server.Binaries;
        if (binaries is null || !binaries.HasClient)
        {
            Console.WriteLine("indexes | not run (no psql next to the benchmark server)");
            return;
        }

        var supabase = Path.Combine(BenchmarkContext.RepositoryRoot, "supabase");
        var workload = Workload.Load(Path.Combine(supabase, "tests", "workload.sql"));
        foreach (var scale in context.Scales)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"bench_indexes_{scale}");
            await ExecuteAsync(context.Server.Connection, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(name)} WITH (FORCE)", cancellationToken);
            await ExecuteAsync(context.Server.Connection, $"CREATE DATABASE {SqlQuote.Identifier(name)}", cancellationToken);
            var database = context.Server.Connection.WithDatabase(name).With(b => b.Pooling = false);
            try
            {
                await RunScaleAsync(context, binaries, supabase, workload, database, scale, cancellationToken);
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync(context.Server.Connection, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(name)} WITH (FORCE)", cancellationToken);
            }
        }
    }

    private static async Task RunScaleAsync(BenchmarkContext context, Servers.PostgresInstallation binaries, string supabase, Workload workload, DatabaseConnection database, int scale, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await SampleProduction.BuildAsync(binaries, database, supabase, scale, SampleProduction.DefaultSeed, NullEngineLog.Instance, cancellationToken);
        var migrated = await MigrationRunner.ApplyAsync(database, MigrationSet.Load(Path.Combine(supabase, "migrations"), NullEngineLog.Instance), new ApplyOptions(), NullEngineLog.Instance, cancellationToken);
        if (migrated.Failure is not null)
        {
            throw migrated.Failure;
        }

        var generator = Path.Combine(BenchmarkContext.RepositoryRoot, "tests", "fixtures", "v3_workload_data.sql");
        await PostgresTool.RunPsqlFileAsync(binaries, database, generator, new Dictionary<string, string>
        {
            ["scale"] = scale.ToString(CultureInfo.InvariantCulture),
            ["seed"] = SampleProduction.DefaultSeed.ToString(CultureInfo.InvariantCulture),
        }, cancellationToken);
        var bookings = await BookingsAsync(database, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"indexes: scale {scale}: sample built, migrated and v3 tables filled in {watch.Elapsed.TotalSeconds:0} s ({bookings:N0} bookings)"));

        // Freshly loaded tables send autovacuum to work, which would slow the first measurements down; do its work first.
        await ExecuteAsync(database, "VACUUM (ANALYZE)", cancellationToken);
        var before = await MeasureWorkloadAsync(context, workload, database, cancellationToken);

        watch.Restart();
        var analysis = await IndexAnalyzer.AnalyzeAsync(database, workload, new IndexAnalysisOptions { Source = $"benchmark, sample scale {scale}", Runs = 3, LargeTableRows = LargeTableRows }, NullEngineLog.Instance, cancellationToken);
        var analysed = watch.Elapsed;
        var folder = Path.Combine(Path.GetTempPath(), "migrationtasks-bench-indexes", scale.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        var migrations = Path.Combine(folder, "migrations");
        Directory.CreateDirectory(Path.Combine(folder, "indexes"));
        Directory.CreateDirectory(migrations);
        foreach (var file in Directory.GetFiles(Path.Combine(supabase, "migrations"), "*.sql"))
        {
            File.Copy(file, Path.Combine(migrations, Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "indexes", "indexes.json"), analysis.ToJson(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "report.md"), analysis.ToMarkdown(), cancellationToken);
        var generated = await MigrationGenerator.GenerateAsync(new GenerateOptions
        {
            Name = "optimize_v3_indexes",
            Template = "indexes",
            SupabaseDirectory = supabase,
            MigrationsDirectory = migrations,
            ArtifactsDirectory = folder,
        }, NullEngineLog.Instance, cancellationToken);
        watch.Restart();
        var applied = await MigrationRunner.ApplyAsync(database, MigrationSet.Load(migrations, NullEngineLog.Instance), new ApplyOptions(), NullEngineLog.Instance, cancellationToken);
        if (applied.Failure is not null)
        {
            throw applied.Failure;
        }

        var applying = watch.Elapsed;
        await ExecuteAsync(database, "ANALYZE", cancellationToken);
        var after = await MeasureWorkloadAsync(context, workload, database, cancellationToken);

        foreach (var query in workload.Queries)
        {
            context.Report($"indexes: scale {scale}, {query.Name}", after[query.Name], "before optimize_v3_indexes", before[query.Name], "ms");
        }

        context.Report(string.Create(CultureInfo.InvariantCulture, $"indexes: scale {scale}, workload total ({workload.Queries.Count} queries)"), after.Values.Sum(), "before optimize_v3_indexes", before.Values.Sum(), "ms");
        var scans = await SequentialScansAsync(workload, database, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"indexes: scale {scale}: analysis {analysed.TotalSeconds:0.0} s ({analysis.Proposals.Count} proposals, kept {string.Join(", ", analysis.Kept.Select(p => p.Name))}); " +
            $"{Path.GetFileName(generated)} applied in {applying.TotalSeconds:0.0} s ({applied.Files.Sum(f => f.NonTransactional)} CREATE INDEX CONCURRENTLY); " +
            $"sequential scans of tables over {LargeTableRows:N0} rows after: {(scans.Count == 0 ? "none" : string.Join("; ", scans))}; report {Path.Combine(folder, "report.md")}"));
    }

    /// <summary>
    /// Each query as the application runs it: a warm-up round, then --runs rounds over all queries (round-robin, so a
    /// moment of background noise is shared out instead of landing on one query); the median wall time, in ms.
    /// </summary>
    private static async Task<Dictionary<string, double>> MeasureWorkloadAsync(BenchmarkContext context, Workload workload, DatabaseConnection database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var parameters = await WorkloadExecution.ReadParametersAsync(connection, workload, cancellationToken);
        var times = workload.Queries.ToDictionary(q => q.Name, _ => new List<double>());
        for (var round = -1; round < context.Runs; round++)
        {
            foreach (var query in workload.Queries)
            {
                var watch = Stopwatch.StartNew();
                await WorkloadExecution.ExecuteAsync(connection, workload, query, parameters, "10min", cancellationToken);
                if (round >= 0)
                {
                    times[query.Name].Add(watch.Elapsed.TotalMilliseconds);
                }
            }
        }

        return times.ToDictionary(t => t.Key, t => t.Value.Order().ElementAt(t.Value.Count / 2));
    }

    /// <summary>"query: table" for each sequential scan of a table over the threshold in the queries' plans now.</summary>
    private static async Task<List<string>> SequentialScansAsync(Workload workload, DatabaseConnection database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var parameters = await WorkloadExecution.ReadParametersAsync(connection, workload, cancellationToken);
        var large = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = (float)LargeTableRows });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                large.Add(reader.GetString(0));
            }
        }

        var scans = new List<string>();
        foreach (var query in workload.Queries)
        {
            var sql = "EXPLAIN (FORMAT JSON) " + Workload.Substitute(query.Sql, parameters, workload.File, query.Line);
            var plan = await WorkloadExecution.InRequestAsync(connection, query, parameters, "1min", async transaction =>
            {
                await using var command = new NpgsqlCommand(sql, connection, transaction);
                return QueryPlan.Parse((string)(await command.ExecuteScalarAsync(cancellationToken))!);
            }, cancellationToken);
            scans.AddRange(plan.Nodes.Where(n => n.IsSequentialScan && large.Contains(n.RelationName!)).Select(n => $"{query.Name}: {n.RelationName}"));
        }

        return scans;
    }

    private static async Task<long> BookingsAsync(DatabaseConnection database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM public.bookings", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(DatabaseConnection server, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
