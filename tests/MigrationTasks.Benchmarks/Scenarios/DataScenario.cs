using System.Globalization;
using System.Text;
using CliWrap;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Data;
using MigrationTasks.Data.Spec;
using MigrationTasks.Data.Validation;
using MigrationTasks.Migrations;
using MigrationTasks.Sample;
using MigrationTasks.Sql;
using MigrationTasks.Templates;
using Npgsql;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// The v1 to v3 data migration at each scale of --scales (compare: 1; scale 10 and 100 on request, see DefaultScales):
/// <list type="bullet">
/// <item>the generated migration (guards, key maps with ON CONFLICT, the quarantine, key-range batches, ANALYZE) against
/// the same mapping as plain INSERT ... SELECT statements (key maps and targets, no guard, no ON CONFLICT, no quarantine,
/// no batches), both through <c>psql --single-transaction -f</c> on a fresh copy of the sample;</item>
/// <item>Validate's after phase (counts, key maps, quarantine, transform-aware checksums, spot checks, foreign keys)
/// against one sequential scan of every source and target (count and a row hash of each table, the cheapest read of
/// all the data), and the managed memory Validate allocates (flat as the scale grows: nothing is streamed through .NET).</item>
/// </list>
/// </summary>
public sealed class DataScenario : IBenchmarkScenario
{
    public string Name => "data";

    /// <summary>
    /// compare measures scale 1: scale 10 (4 runs per side of a migration of about 800,000 v1 rows, then validation)
    /// took 15 minutes on a loaded 2-core machine, half the compare budget; run it with <c>data --scales 10</c>.
    /// </summary>
    public IReadOnlyList<int> DefaultScales => [1];

    public string? OnRequest => "data --scales 10";

    public string Description => "data migration vs plain INSERT ... SELECT of the same mapping; Validate vs one scan of source and target";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var binaries = context.Server.Binaries;
        if (binaries is null || !binaries.HasClient)
        {
            Console.WriteLine("data | not run (no psql next to the benchmark server)");
            return;
        }

        var supabase = Path.Combine(BenchmarkContext.RepositoryRoot, "supabase");
        var spec = MappingSpecLoader.Load(Path.Combine(supabase, "v1_to_v3.yaml"));
        foreach (var scale in context.Scales)
        {
            var source = $"bench_data_{scale}";
            await ExecuteAsync(context.Server.Connection, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(source)} WITH (FORCE)", cancellationToken);
            await ExecuteAsync(context.Server.Connection, $"CREATE DATABASE {SqlQuote.Identifier(source)}", cancellationToken);
            var sourceConnection = context.Server.Connection.WithDatabase(source);
            await SampleProduction.BuildAsync(binaries, sourceConnection, supabase, scale, SampleProduction.DefaultSeed, NullEngineLog.Instance, cancellationToken);

            var folder = Directory.CreateTempSubdirectory("migrationtasks-bench-data-").FullName;
            var ours = await MigrationGenerator.GenerateAsync(new GenerateOptions
            {
                Name = "migrate_v1_data",
                Template = "data",
                SupabaseDirectory = supabase,
                MigrationsDirectory = folder,
                ArtifactsDirectory = folder,
                OpenDatabase = _ => Task.FromResult(new TemplateDatabase(sourceConnection, "the benchmark sample")),
            }, NullEngineLog.Instance, cancellationToken);
            var plain = Path.Combine(folder, "plain.sql");
            await using (var session = await DataSession.OpenAsync(sourceConnection, spec, "benchmark", NullEngineLog.Instance, cancellationToken))
            {
                await File.WriteAllTextAsync(plain, PlainMigration(session.Plan), cancellationToken);
            }

            NpgsqlConnection.ClearAllPools();
            var copy = context.Server.Connection.WithDatabase($"bench_data_{scale}_copy");
            async Task FreshCopyAsync()
            {
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync(context.Server.Connection, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(copy.Database)} WITH (FORCE)", cancellationToken);
                await ExecuteAsync(context.Server.Connection, $"CREATE DATABASE {SqlQuote.Identifier(copy.Database)} TEMPLATE {SqlQuote.Identifier(source)}", cancellationToken);
            }

            Task PsqlAsync(string file) => Cli.Wrap(binaries.Tool("psql"))
                .WithArguments(["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", file])
                .WithEnvironmentVariables(copy.LibpqEnvironment())
                .WithStandardOutputPipe(PipeTarget.Null)
                .ExecuteAsync(cancellationToken);

            var large = scale >= 100;
            var rows = await ScalarAsync<long>(sourceConnection, "SELECT (SELECT count(*) FROM public.v1_users) + (SELECT count(*) FROM public.v1_vendors) + (SELECT count(*) FROM public.v1_adventures) + (SELECT count(*) FROM public.v1_bookings) + (SELECT count(*) FROM public.v1_payments) + (SELECT count(*) FROM public.v1_reviews) + (SELECT count(*) FROM public.v1_friendships) + (SELECT count(*) FROM public.v1_notifications)", cancellationToken);
            var (migrate, plainMigrate) = await context.MeasureAsync(() => PsqlAsync(ours), () => PsqlAsync(plain), FreshCopyAsync, runs: large ? 1 : 3, warmUp: !large);
            context.Report(string.Create(CultureInfo.InvariantCulture, $"data: migrate scale {scale} ({rows:N0} v1 rows)"), migrate, "plain INSERT ... SELECT", plainMigrate);

            // Validation on a copy the generated migration migrated (the last run may have been the baseline's).
            await FreshCopyAsync();
            await PsqlAsync(ours);
            var reports = Path.Combine(folder, "validation");
            long allocated = 0;
            var (validate, scan) = await context.MeasureAsync(
                async () =>
                {
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    var report = await DataValidator.AfterAsync(copy, spec, reports, "after", 1, NullEngineLog.Instance, cancellationToken);
                    allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                    if (!report.Passed)
                    {
                        throw new InvalidOperationException("validation failed in the benchmark: " + string.Join("; ", report.Failures.Take(3)));
                    }
                },
                () => ScanAsync(copy, spec, cancellationToken),
                runs: large ? 1 : 3,
                warmUp: !large);
            context.Report(string.Create(CultureInfo.InvariantCulture, $"data: validate scale {scale}"), validate, "one scan of source and target", scan);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"data: validate scale {scale} | managed memory allocated {allocated / 1048576.0:0.0} MB | peak working set {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MB"));

            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(context.Server.Connection, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(copy.Database)} WITH (FORCE)", cancellationToken);
            await ExecuteAsync(context.Server.Connection, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(source)} WITH (FORCE)", cancellationToken);
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The same mapping written as plain INSERT ... SELECT statements, as someone would by hand: the same helper functions
    /// and key maps, key maps filled from the rows the spec migrates, targets from the key maps; statistics refreshed after
    /// each key map as the generated file does (the plans are otherwise the same). No guard, ON CONFLICT, quarantine or batches.
    /// </summary>
    private static string PlainMigration(DataPlan plan)
    {
        var sql = new StringBuilder("SET jit = off;\n");
        foreach (var statement in DataSetupSql.Schema(plan.Spec).Concat(DataSetupSql.Functions(plan.Spec)))
        {
            sql.Append(statement).Append(";\n");
        }

        foreach (var mapping in plan.Mappings)
        {
            var m = new MappingSql(plan, mapping);
            var alias = SqlQuote.Identifier(mapping.Spec.Alias);
            foreach (var (trigger, _) in mapping.Spec.DisableTriggers)
            {
                sql.Append(CultureInfo.InvariantCulture, $"ALTER TABLE {mapping.Target.Quoted} DISABLE TRIGGER {SqlQuote.Identifier(trigger)};\n");
            }

            if (mapping.Keymap is { } keymap)
            {
                sql.Append(DataSetupSql.Keymap(mapping)).Append(";\n");
                sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {keymap.Quoted} (\"v1_id\", \"v3_id\")\nSELECT {m.KeyColumns[0]}, {mapping.V3KeyExpression}\nFROM (\n{m.Classified}\n) AS {alias}\nWHERE {alias}.\"{MappingSql.Prefix}class\" = 'migrated';\n");
                if (mapping.Spec.Dedupe is not null)
                {
                    sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {keymap.Quoted} (\"v1_id\", \"v3_id\", \"duplicate_of\")\nSELECT {m.KeyColumns[0]}, k.\"v3_id\", {alias}.\"{MappingSql.Prefix}survivor\"\nFROM (\n{m.Classified}\n) AS {alias}\nJOIN {keymap.Quoted} AS k ON k.\"v1_id\" = {alias}.\"{MappingSql.Prefix}survivor\"\nWHERE {alias}.\"{MappingSql.Prefix}class\" = 'deduplicated';\n");
                }

                sql.Append(CultureInfo.InvariantCulture, $"ANALYZE {keymap.Quoted};\n");
            }

            sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {mapping.Target.Quoted} ({m.TargetColumns}){(mapping.OverridingSystemValue ? " OVERRIDING SYSTEM VALUE" : "")}\nSELECT\n{m.LoadSelectList}\n{m.LoadFrom()};\n");
            if (mapping.Spec.OnConflict == "update")
            {
                // The rows exist already (profiles): the plain form updates them, one statement.
                var text = sql.ToString();
                var insert = text.LastIndexOf("INSERT INTO " + mapping.Target.Quoted, StringComparison.Ordinal);
                sql.Length = insert;
                var updated = mapping.Columns.Where(c => !mapping.Arbiter.Contains(c.Column.Name)).Select(c => c.Column.Name).ToList();
                sql.Append(CultureInfo.InvariantCulture, $"UPDATE {mapping.Target.Quoted} AS \"t\" SET ({string.Join(", ", updated.Select(SqlQuote.Identifier))}) = ({string.Join(", ", updated.Select(c => "s." + SqlQuote.Identifier(c)))})\nFROM (\nSELECT\n{string.Join(",\n", mapping.Columns.Select((c, i) => $"{m.ColumnValues[i]} AS {SqlQuote.Identifier(c.Column.Name)}"))}\n{m.LoadFrom()}\n) AS s\nWHERE \"t\".{SqlQuote.Identifier(mapping.Arbiter[0])} = s.{SqlQuote.Identifier(mapping.Arbiter[0])};\n");
            }

            sql.Append(CultureInfo.InvariantCulture, $"ANALYZE {mapping.Target.Quoted};\n");
            foreach (var (trigger, _) in mapping.Spec.DisableTriggers)
            {
                sql.Append(CultureInfo.InvariantCulture, $"ALTER TABLE {mapping.Target.Quoted} ENABLE TRIGGER {SqlQuote.Identifier(trigger)};\n");
            }
        }

        return sql.ToString();
    }

    /// <summary>The baseline of validation: every source and every target read once (row count and a hash of each row).</summary>
    private static async Task ScanAsync(DatabaseConnection database, MappingSpec spec, CancellationToken cancellationToken)
    {
        var tables = spec.Mappings.Select(m => m.SourceTable?.Quoted).OfType<string>().Concat(spec.Mappings.Select(m => m.Target.Quoted)).Distinct();
        await using var connection = new NpgsqlConnection(database.With(b => b.CommandTimeout = 0).ConnectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT count(*), sum(hashtextextended(t::text, 0)) FROM {table} AS t", connection);
            await command.ExecuteScalarAsync(cancellationToken);
        }
    }

    private static async Task<T> ScalarAsync<T>(DatabaseConnection database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(DatabaseConnection server, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
