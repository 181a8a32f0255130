using System.Globalization;
using CliWrap;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Sample;
using MigrationTasks.Sql;
using Npgsql;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// Building the sample production through the engine (<see cref="SampleProduction.BuildAsync"/>) against the honest
/// baseline, the same script run by hand with <c>psql -f supabase/sample/production.sql</c>, at each scale of
/// --scales (default 1 and 10; scale 100 and above: three runs per side without warm-up, a few minutes each).
/// </summary>
public sealed class SampleScenario : IBenchmarkScenario
{
    public string Name => "sample";

    public string Description => "sample production build (engine) vs psql -f production.sql, per scale";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var binaries = context.Server.Binaries;
        if (binaries is null || !binaries.HasClient)
        {
            Console.WriteLine("sample | not run (no psql on this machine)");
            return;
        }

        var supabase = Path.Combine(BenchmarkContext.RepositoryRoot, "supabase");
        var script = SampleProduction.Script(supabase);
        foreach (var scale in context.Scales)
        {
            var counter = 0;
            DatabaseConnection? current = null;
            async Task FreshDatabaseAsync()
            {
                await DropAsync(context, current, cancellationToken);
                var name = string.Create(CultureInfo.InvariantCulture, $"bench_sample_{scale}_{++counter}");
                await ExecuteAsync(context.Server.Connection, $"CREATE DATABASE {SqlQuote.Identifier(name)}", cancellationToken);
                current = context.Server.Connection.WithDatabase(name);
            }

            var large = scale >= 100;
            var (ours, baseline) = await context.MeasureAsync(
                () => SampleProduction.BuildAsync(binaries, current!, supabase, scale, SampleProduction.DefaultSeed, NullEngineLog.Instance, cancellationToken),
                async () => await Cli.Wrap(binaries.Tool("psql"))
                    .WithArguments(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", $"scale={scale}", "-v", $"seed={SampleProduction.DefaultSeed}", "-f", script])
                    .WithEnvironmentVariables(current!.LibpqEnvironment())
                    .WithStandardOutputPipe(PipeTarget.Null)
                    .ExecuteAsync(cancellationToken),
                FreshDatabaseAsync,
                runs: large ? 3 : null,
                warmUp: !large);

            var rows = await CountRowsAsync(current!, cancellationToken);
            await DropAsync(context, current, cancellationToken);
            context.Report(string.Create(CultureInfo.InvariantCulture, $"sample: build scale {scale} ({rows:N0} rows)"), ours, "psql -f production.sql", baseline);
        }
    }

    private static async Task<long> CountRowsAsync(DatabaseConnection database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var tables = new NpgsqlCommand("""
            SELECT string_agg(format('(SELECT count(*) FROM %s)', c.oid::regclass), ' + ')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname IN ('public', 'auth', 'supabase_migrations')
            """, connection);
        var sum = (string)(await tables.ExecuteScalarAsync(cancellationToken))!;
        await using var count = new NpgsqlCommand($"SELECT {sum}", connection) { CommandTimeout = 0 };
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task DropAsync(BenchmarkContext context, DatabaseConnection? database, CancellationToken cancellationToken)
    {
        if (database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(context.Server.Connection, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(database.Database)} WITH (FORCE)", cancellationToken);
        }
    }

    private static async Task ExecuteAsync(DatabaseConnection server, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
