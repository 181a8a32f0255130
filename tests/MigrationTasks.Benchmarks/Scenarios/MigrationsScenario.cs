using System.Globalization;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Migrations;
using MigrationTasks.Sql;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// ApplyMigrations' runner (lock, history, one transaction per file with its history rows, statements one by one)
/// against plain `psql -f` of the same files in one psql process (no history, no checks): the runner's overhead.
/// Measured on the sample's v3 migrations and on a synthetic set of scale x 20 files of 25 statements.
/// </summary>
public sealed class MigrationsScenario : IBenchmarkScenario
{
    public string Name => "migrations";

    public string Description => "ApplyMigrations' runner vs plain psql -f of the same files";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var binaries = context.Server.Binaries;
        if (binaries is null || !binaries.HasClient)
        {
            Console.WriteLine("migrations | not run (no psql next to the benchmark server)");
            return;
        }

        var supabase = Path.Combine(BenchmarkContext.RepositoryRoot, "supabase");
        var layer = Path.Combine(supabase, "sample", "supabase_layer.sql");
        var template = await CreateTemplateAsync(context, layer, cancellationToken);

        var sample = MigrationSet.Load(Path.Combine(supabase, "migrations"), NullEngineLog.Instance);
        await MeasureAsync(context, template, sample, $"migrations: the v3 sample ({sample.Files.Count} files, {sample.Files.Sum(f => f.Statements.Count)} statements)", cancellationToken);

        foreach (var scale in context.Scales)
        {
            var synthetic = Synthetic(scale);
            await MeasureAsync(context, template, synthetic, $"migrations: synthetic x{scale} ({synthetic.Files.Count} files, {synthetic.Files.Sum(f => f.Statements.Count)} statements)", cancellationToken);
        }
    }

    private static async Task MeasureAsync(BenchmarkContext context, string template, MigrationSet set, string what, CancellationToken cancellationToken)
    {
        var target = context.Server.Connection.WithDatabase("bench_migrations");
        var (ours, baseline) = await context.MeasureAsync(
            async () =>
            {
                var report = await MigrationRunner.ApplyAsync(target, set, new ApplyOptions(), NullEngineLog.Instance, cancellationToken);
                if (!report.Passed)
                {
                    throw new InvalidOperationException(report.Failure!.ToString());
                }
            },
            async () =>
            {
                var arguments = new List<string> { "-X", "-q", "-v", "ON_ERROR_STOP=1" };
                foreach (var file in set.Files)
                {
                    arguments.AddRange(["-f", file.Path]);
                }

                await PostgresTool.RunAsync(context.Server.Binaries!, "psql", target, arguments, cancellationToken);
            },
            reset: () => RecreateAsync(context.Server.Connection, "bench_migrations", template, cancellationToken));
        context.Report(what, ours, "psql -f", baseline);
    }

    /// <summary>An empty database with the Supabase layer, copied for each run.</summary>
    private static async Task<string> CreateTemplateAsync(BenchmarkContext context, string layer, CancellationToken cancellationToken)
    {
        const string name = "bench_migrations_template";
        await RecreateAsync(context.Server.Connection, name, null, cancellationToken);
        if (File.Exists(layer))
        {
            await SqlScript.RunAsync(context.Server.Connection.WithDatabase(name), layer, cancellationToken);
        }

        NpgsqlConnection.ClearAllPools();
        return name;
    }

    private static async Task RecreateAsync(DatabaseConnection server, string name, string? template, CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var sql in new[]
        {
            $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(name)} WITH (FORCE)",
            $"CREATE DATABASE {SqlQuote.Identifier(name)}" + (template is null ? "" : $" TEMPLATE {SqlQuote.Identifier(template)}"),
        })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>scale x 20 files, each a table, 20 inserts, an index, a function, a view and a comment (25 statements).</summary>
    private static MigrationSet Synthetic(int scale)
    {
        var directory = Path.Combine(Path.GetTempPath(), "migrationtasks-bench-migrations", scale.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        for (var i = 0; i < scale * 20; i++)
        {
            var table = $"t{i}";
            var sql = new System.Text.StringBuilder();
            sql.AppendLine(CultureInfo.InvariantCulture, $"create table {table} (id int primary key, name text not null, created_at timestamptz not null default now());");
            for (var row = 0; row < 20; row++)
            {
                sql.AppendLine(CultureInfo.InvariantCulture, $"insert into {table} (id, name) values ({row}, 'row; {row}');");
            }

            sql.AppendLine(CultureInfo.InvariantCulture, $"create index {table}_name on {table} (name);");
            sql.AppendLine(CultureInfo.InvariantCulture, $"create function {table}_count() returns bigint language sql stable as $$ select count(*) from {table} $$;");
            sql.AppendLine(CultureInfo.InvariantCulture, $"create view {table}_names as select name from {table};");
            sql.AppendLine(CultureInfo.InvariantCulture, $"comment on table {table} is 'synthetic {i}';");
            File.WriteAllText(Path.Combine(directory, $"{20240101000000L + i}_synthetic_{i}.sql"), sql.ToString());
        }

        return MigrationSet.Load(directory, NullEngineLog.Instance);
    }
}
