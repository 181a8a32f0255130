using System.Globalization;
using System.Text;
using CliWrap;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Migrations;
using MigrationTasks.Sample;
using MigrationTasks.Security;
using MigrationTasks.Security.Lint;
using MigrationTasks.Security.Matrix;
using MigrationTasks.Security.Running;
using MigrationTasks.Sql;
using Npgsql;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// VerifyPolicies' engine on a migrated, aligned clone of the sample production (the trvl-social matrix: fixtures,
/// personas, every case in a savepoint as PostgREST would run it, checked; then the security lint) against the
/// same work written by hand: one psql session running the same fixtures, the same role and claims switches and
/// the same statements per case (nothing checked), and the same lint queries.
/// </summary>
public sealed class PoliciesScenario : IBenchmarkScenario
{
    public string Name => "policies";

    public string Description => "VerifyPolicies (matrix + lint) vs the same cases and lint queries as SQL in one psql session";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var binaries = context.Server.Binaries;
        if (binaries is null || !binaries.HasClient)
        {
            Console.WriteLine("policies | not run (no psql next to the benchmark server)");
            return;
        }

        var supabase = Path.Combine(BenchmarkContext.RepositoryRoot, "supabase");
        var options = new PolicyVerificationOptions
        {
            MatrixFile = Path.Combine(supabase, "tests", "policies.yaml"),
            AcceptanceFile = Path.Combine(supabase, "tests", "lint-accepted.yaml"),
            ConfigFile = Path.Combine(supabase, "config.toml"),
        };
        var config = SupabaseApiConfig.Load(options.ConfigFile);
        var matrix = PolicyMatrixLoader.Load(options.MatrixFile);
        foreach (var scale in context.Scales)
        {
            var database = await CloneAsync(context, supabase, scale, cancellationToken);
            var report = await PolicyVerifier.VerifyAsync(database, options, NullEngineLog.Instance, cancellationToken);
            if (!report.Passed)
            {
                throw new InvalidOperationException("The aligned clone should pass: " + report.Summary);
            }

            var matrixScript = MatrixScript(matrix, report.Run, config);
            var lintScript = LintScript(config);
            var what = string.Create(CultureInfo.InvariantCulture, $"sample scale {scale}, {report.Run.Cases.Count} cases");

            var (oursMatrix, psqlMatrix) = await context.MeasureAsync(
                async () =>
                {
                    await using var connection = await OpenAsync(database, cancellationToken);
                    _ = await PolicyMatrixRunner.RunAsync(connection, matrix, config.ToApiSettings(), new MatrixRunOptions(), NullEngineLog.Instance, cancellationToken);
                },
                () => PsqlAsync(context, database, matrixScript, cancellationToken));
            context.Report($"policies: the matrix ({what})", oursMatrix, "the same cases in psql", psqlMatrix);

            var (oursLint, psqlLint) = await context.MeasureAsync(
                async () =>
                {
                    await using var connection = await OpenAsync(database, cancellationToken);
                    _ = await SecurityLinter.RunAsync(connection, new LintOptions { ExposedSchemas = config.ExposedSchemas }, cancellationToken);
                },
                () => PsqlAsync(context, database, lintScript, cancellationToken));
            context.Report($"policies: the lint ({LintRules.All.Count} lints, sample scale {scale})", oursLint, "the same queries in psql", psqlLint);

            var (ours, baseline) = await context.MeasureAsync(
                () => PolicyVerifier.VerifyAsync(database, options, NullEngineLog.Instance, cancellationToken),
                () => PsqlAsync(context, database, matrixScript + lintScript, cancellationToken));
            context.Report($"policies: VerifyPolicies' engine, matrix + coverage + lint ({what})", ours, "both scripts in psql", baseline);

            await DropAsync(context, database.Database, cancellationToken);
        }
    }

    /// <summary>The sample production at <paramref name="scale"/>, its pending migrations applied and its security drift aligned.</summary>
    private static async Task<DatabaseConnection> CloneAsync(BenchmarkContext context, string supabase, int scale, CancellationToken cancellationToken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"bench_policies_{scale}");
        await DropAsync(context, name, cancellationToken);
        await ExecuteAsync(context.Server.Connection, $"CREATE DATABASE {SqlQuote.Identifier(name)}", cancellationToken);
        var database = context.Server.Connection.WithDatabase(name);
        await SampleProduction.BuildAsync(context.Server.Binaries, database, supabase, scale, SampleProduction.DefaultSeed, NullEngineLog.Instance, cancellationToken);
        var applied = await MigrationRunner.ApplyAsync(database, MigrationSet.Load(Path.Combine(supabase, "migrations"), NullEngineLog.Instance), new ApplyOptions(), NullEngineLog.Instance, cancellationToken);
        if (applied.Failure is not null)
        {
            throw applied.Failure;
        }

        await ExecuteAsync(database, """
            alter policy "Authors update their reviews" on public.reviews using (author_id = (select auth.uid())) with check (author_id = (select auth.uid()));
            alter table public.follows enable row level security;
            revoke execute on function public.create_booking(uuid, daterange, integer) from anon;
            alter view public.adventure_cards set (security_invoker = true);
            create index bookings_adventure_id_idx on public.bookings (adventure_id);
            analyze;
            """, cancellationToken);
        return database;
    }

    /// <summary>The matrix as a person would write it for psql: the fixtures, then per case a savepoint, the role and claims, the statement.</summary>
    private static string MatrixScript(PolicyMatrix matrix, MatrixRunResult run, SupabaseApiConfig config)
    {
        var personas = run.Personas.ToDictionary(p => p.Name);
        var sql = new StringBuilder("\\set ON_ERROR_STOP 0\nBEGIN;\nSET LOCAL lock_timeout = '5s';\n");
        foreach (var fixture in matrix.Fixtures)
        {
            sql.AppendLine(Placeholders.Resolve(fixture.Sql, name => matrix.Values[name], asSqlLiteral: true));
        }

        var searchPath = config.ToApiSettings().SearchPathFor("public");
        foreach (var result in run.Cases)
        {
            var persona = personas[result.Case.Persona];
            sql.AppendLine("SAVEPOINT c;");
            sql.AppendLine("SET LOCAL SESSION AUTHORIZATION authenticator;");
            sql.AppendLine(CultureInfo.InvariantCulture, $"SELECT set_config('search_path', {SqlQuote.Literal(searchPath)}, true), set_config('role', {SqlQuote.Literal(persona.Role)}, true), set_config('request.jwt.claims', {SqlQuote.Literal(persona.ClaimsJson)}, true);");
            if (result.Case.Check.Command == ApiCommand.Select)
            {
                sql.AppendLine("SET LOCAL transaction_read_only = on;");
            }

            sql.AppendLine(result.Statement + ";");
            sql.AppendLine("ROLLBACK TO SAVEPOINT c;");
            sql.AppendLine("RELEASE SAVEPOINT c;");
        }

        return sql.Append("ROLLBACK;\n").ToString();
    }

    /// <summary>The lint's own queries, parameters written in.</summary>
    private static string LintScript(SupabaseApiConfig config)
    {
        static string Array(IEnumerable<string> values) => "array[" + string.Join(", ", values.Select(SqlQuote.Literal)) + "]::text[]";
        var sql = new StringBuilder("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSET LOCAL search_path = '';\n");
        foreach (var rule in LintRules.All.Where(r => !r.NeedsUsageStatistics && r.RequiredRelations.Count == 0))
        {
            sql.AppendLine(rule.Sql.Replace("@exposed", Array(config.ExposedSchemas), StringComparison.Ordinal)
                .Replace("@internal", Array(LintRules.InternalSchemas), StringComparison.Ordinal)
                .Replace("@anonymous_sign_ins", config.AnonymousSignIns ? "true" : "false", StringComparison.Ordinal) + ";");
        }

        return sql.Append("ROLLBACK;\n").ToString();
    }

    private static Task PsqlAsync(BenchmarkContext context, DatabaseConnection database, string script, CancellationToken cancellationToken) =>
        Cli.Wrap(context.Server.Binaries!.Tool("psql"))
            .WithArguments(["-X", "-q", "-f", "-"])
            .WithEnvironmentVariables(database.LibpqEnvironment())
            .WithStandardInputPipe(PipeSource.FromString(script))
            .WithStandardOutputPipe(PipeTarget.Null)
            .WithStandardErrorPipe(PipeTarget.Null)
            .ExecuteAsync(cancellationToken);

    private static async Task<NpgsqlConnection> OpenAsync(DatabaseConnection database, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(database.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task DropAsync(BenchmarkContext context, string name, CancellationToken cancellationToken) =>
        await ExecuteAsync(context.Server.Connection, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(name)} WITH (FORCE)", cancellationToken);

    private static async Task ExecuteAsync(DatabaseConnection target, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(target.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
