using System.Globalization;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Migrations;
using MigrationTasks.Sample;
using MigrationTasks.Security.Matrix;
using MigrationTasks.Smoke;
using MigrationTasks.Sql;
using Npgsql;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// Smoke's engine on the migrated sample production (supabase/tests/smoke.yaml: persona choice, every step as a
/// PostgREST request, checked, each flow rolled back) against the same work written by hand: one psql session running,
/// per flow, a transaction with each step's role and claims switch and its statement (nothing checked), rolled back.
/// </summary>
public sealed class SmokeScenario : IBenchmarkScenario
{
    public string Name => "smoke";

    public string Description => "Smoke (the flows of smoke.yaml, checked) vs the same statements as SQL in one psql session";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        if (context.Server.Binaries is not { HasClient: true })
        {
            Console.WriteLine("smoke | not run (no psql next to the benchmark server)");
            return;
        }

        var supabase = Path.Combine(BenchmarkContext.RepositoryRoot, "supabase");
        var file = SmokeFileLoader.Load(Path.Combine(supabase, "tests", "smoke.yaml"));
        foreach (var scale in context.Scales)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"bench_smoke_{scale}");
            await ExecuteAsync(context.Server.Connection, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(name)} WITH (FORCE)", cancellationToken);
            await ExecuteAsync(context.Server.Connection, $"CREATE DATABASE {SqlQuote.Identifier(name)}", cancellationToken);
            var database = context.Server.Connection.WithDatabase(name);
            await SampleProduction.BuildAsync(context.Server.Binaries, database, supabase, scale, SampleProduction.DefaultSeed, NullEngineLog.Instance, cancellationToken);
            var applied = await MigrationRunner.ApplyAsync(database, MigrationSet.Load(Path.Combine(supabase, "migrations"), NullEngineLog.Instance), new ApplyOptions(), NullEngineLog.Instance, cancellationToken);
            if (applied.Failure is not null)
            {
                throw applied.Failure;
            }

            var result = await SmokeRunner.RunAsync(database, file, NullEngineLog.Instance, cancellationToken);
            if (!result.Passed)
            {
                throw new InvalidOperationException("The migrated sample should pass the smoke flows:\n" + result.ToMarkdown());
            }

            // Flows that chain steps by saved values (a booking of the adventure just created) cannot be replayed by a
            // static script, since the new rows get new ids: the baseline covers the flows without saved values.
            var replayable = file.Flows.Where(f => f.Steps.All(step => step.Save.Count == 0)).Select(f => f.Name).ToList();
            var subset = new SmokeRunOptions { Flows = replayable };
            var script = Script(file, await SmokeRunner.RunAsync(database, file, NullEngineLog.Instance, cancellationToken, subset));
            await CheckScriptAsync(context, database, script, await SmokeRunner.RunAsync(database, file, NullEngineLog.Instance, cancellationToken, subset), cancellationToken);
            var steps = result.Flows.Where(f => replayable.Contains(f.Name)).Sum(f => f.Steps.Count);
            var (ours, baseline) = await context.MeasureAsync(
                () => SmokeRunner.RunAsync(database, file, NullEngineLog.Instance, cancellationToken, subset),
                () => Cli.Wrap(context.Server.Binaries.Tool("psql"))
                    .WithArguments(["-X", "-q", "-f", "-"])
                    .WithEnvironmentVariables(database.LibpqEnvironment())
                    .WithStandardInputPipe(PipeSource.FromString(script))
                    .WithStandardOutputPipe(PipeTarget.Null)
                    .WithStandardErrorPipe(PipeTarget.Null)
                    .ExecuteAsync(cancellationToken));
            context.Report(string.Create(CultureInfo.InvariantCulture, $"smoke: {replayable.Count} flows without saved values, {steps} steps (sample scale {scale}, migrated)"), ours, "the same statements in psql", baseline);

            var (all, _) = await context.MeasureAsync(() => SmokeRunner.RunAsync(database, file, NullEngineLog.Instance, cancellationToken), () => Task.CompletedTask);
            context.ReportNotRun(string.Create(CultureInfo.InvariantCulture, $"smoke: all {result.Flows.Count} flows, {result.Flows.Sum(f => f.Steps.Count)} steps (sample scale {scale}, migrated)"), all,
                "a psql script", "saved values chain the steps; a static script cannot replay them");
            await ExecuteAsync(context.Server.Connection, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(name)} WITH (FORCE)", cancellationToken);
        }
    }

    /// <summary>The flows as a person would write them for psql: the personas' user queries, then per step a savepoint, the role and claims, the statement, kept or undone.</summary>
    private static string Script(SmokeFile file, SmokeRunResult result)
    {
        var sql = new StringBuilder("\\set ON_ERROR_STOP 0\n");
        var used = result.Flows.SelectMany(f => f.Steps).Select(step => step.Persona.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
        foreach (var persona in file.Personas.Where(p => p.UserQuery is not null && used.Contains(p.Name)))
        {
            sql.AppendLine(Placeholders.Resolve(persona.UserQuery!, name => file.Values[name], asSqlLiteral: true).TrimEnd().TrimEnd(';') + ";");
        }

        foreach (var flow in result.Flows)
        {
            sql.AppendLine("BEGIN;");
            foreach (var step in flow.Steps)
            {
                sql.AppendLine("SAVEPOINT s;");
                sql.AppendLine("SET LOCAL SESSION AUTHORIZATION authenticator;");
                sql.AppendLine(CultureInfo.InvariantCulture, $"SELECT set_config('search_path', 'public, extensions', true), set_config('role', {SqlQuote.Literal(step.Role)}, true), set_config('request.jwt.claims', {SqlQuote.Literal(step.ClaimsJson)}, true);");
                sql.AppendLine(step.Statement + ";");
                sql.AppendLine(step.Kept
                    ? "RELEASE SAVEPOINT s; SELECT set_config('role', 'none', true), set_config('request.jwt.claims', '', true); SET LOCAL SESSION AUTHORIZATION DEFAULT;"
                    : "ROLLBACK TO SAVEPOINT s; RELEASE SAVEPOINT s;");
            }

            sql.AppendLine("ROLLBACK;");
        }

        return sql.ToString();
    }

    // The baseline must do the same work: exactly the errors the flows expect (denied, not found), nothing else.
    private static async Task CheckScriptAsync(BenchmarkContext context, DatabaseConnection database, string script, SmokeRunResult result, CancellationToken cancellationToken)
    {
        var run = await Cli.Wrap(context.Server.Binaries!.Tool("psql"))
            .WithArguments(["-X", "-q", "-f", "-"])
            .WithEnvironmentVariables(database.LibpqEnvironment())
            .WithStandardInputPipe(PipeSource.FromString(script))
            .ExecuteBufferedAsync(cancellationToken);
        var errors = run.StandardError.Split('\n').Count(line => line.Contains("ERROR:", StringComparison.Ordinal));
        var expected = result.Flows.SelectMany(f => f.Steps).Count(s => s.Actual.StartsWith("error", StringComparison.Ordinal));
        if (errors != expected)
        {
            throw new InvalidOperationException($"The psql baseline raised {errors} errors where the flows expect {expected}:\n{run.StandardError}");
        }
    }

    private static async Task ExecuteAsync(DatabaseConnection target, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(target.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
