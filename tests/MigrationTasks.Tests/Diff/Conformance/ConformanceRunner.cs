using System.Globalization;
using System.Text;
using MigrationTasks.Catalog;
using MigrationTasks.Catalog.Model;
using MigrationTasks.Connections;
using MigrationTasks.Diff;
using MigrationTasks.Diff.Sql;
using MigrationTasks.Errors;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Tests.Diff.Conformance;

public enum Outcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>One direction of one case (or the whole case, when skipped).</summary>
public sealed record CaseResult(CorpusCase Case, string Direction, Outcome Outcome, string Detail);

/// <summary>
/// Proves the differ on the corpus: for each case and each direction, build both states (from template
/// databases, seeded), diff, apply the script to the source with psql, then require an empty re-diff
/// and equal normalised <c>pg_dump --schema-only</c> output (an oracle independent of the differ's own catalog).
/// Both directions are planned from the pristine states before either script runs, so each script is applied
/// to its own source database: two databases per case.
/// </summary>
public sealed class ConformanceRunner(IPostgresServer server, PostgresInstallation binaries, string workFolder)
{
    /// <summary>
    /// Object kinds left out on purpose, with the reason; their cases count as skipped. Keys are case-name prefixes.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> OutOfScope = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["publication-operations"] = "publications: Supabase manages supabase_realtime and its own publications",
        ["dependencies-cycles--drop-publication"] = "publications: Supabase manages supabase_realtime and its own publications",
        ["subscription-operations"] = "subscriptions: replication setup, not application schema",
        ["foreign-data-wrapper-operations"] = "foreign data wrappers, servers and user mappings: infrastructure (and user mappings hold secrets)",
        ["fdw-option-secret-redaction"] = "foreign data wrappers, servers and user mappings: infrastructure (and user mappings hold secrets)",
        ["sensitive-handling--server"] = "foreign servers: infrastructure",
        ["sensitive-handling--user-mapping"] = "user mappings: infrastructure, and they hold secrets",
        ["foreign-table"] = "foreign tables: depend on foreign servers",
        ["event-trigger-operations"] = "event triggers: superuser-only; Supabase installs its own",
        ["rule-operations"] = "rules: legacy rewrite rules, not used by Supabase projects",
        ["role-"] = "roles: cluster-wide, managed by Supabase (auth roles) or by the platform, not by migrations",
        ["sensitive-handling--role"] = "roles: cluster-wide, managed by Supabase or by the platform",
        ["privilege-operations--role-membership"] = "role membership: cluster-wide",
    };

    private int _counter;

    public async Task<IReadOnlyList<CaseResult>> RunAsync(IReadOnlyList<CorpusCase> cases, int parallelism, CancellationToken cancellationToken)
    {
        var results = new List<CaseResult>();
        var major = server.ServerVersion.Major;
        var toRun = new List<CorpusCase>();
        foreach (var item in cases)
        {
            var reason = OutOfScope.FirstOrDefault(p => item.Name.StartsWith(p.Key, StringComparison.Ordinal)).Value
                ?? (item.MinVersion > major ? $"needs PostgreSQL {item.MinVersion}, the server is {major}" : null)
                ?? (item.IsolatedCluster ? "needs a cluster of its own (creates or changes roles)" : null);
            if (reason is null)
            {
                toRun.Add(item);
            }
            else
            {
                results.Add(new CaseResult(item, "both", Outcome.Skipped, reason));
            }
        }

        await Parallel.ForEachAsync(toRun, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            var caseResults = await RunCaseAsync(item, ct);
            lock (results)
            {
                results.AddRange(caseResults);
            }
        });
        return results.OrderBy(r => r.Case.Name, StringComparer.Ordinal).ThenBy(r => r.Direction, StringComparer.Ordinal).ToList();
    }

    private async Task<IReadOnlyList<CaseResult>> RunCaseAsync(CorpusCase item, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);
        var a = $"conformance_{id}_a";
        var b = $"conformance_{id}_b";
        var results = new List<CaseResult>();
        try
        {
            await BuildAsync(a, item.StateA, item.SeedA, cancellationToken);
            await BuildAsync(b, item.StateB, item.SeedB, cancellationToken);
            var catalogA = await CatalogReader.ReadAsync(Database(a), cancellationToken);
            var catalogB = await CatalogReader.ReadAsync(Database(b), cancellationToken);
            var dumpA = SchemaDump.Normalize(await DumpAsync(a, cancellationToken));
            var dumpB = SchemaDump.Normalize(await DumpAsync(b, cancellationToken));

            // Both directions are planned from the pristine states, then each script is applied to its source in place.
            results.Add(await DirectionAsync(item, "a→b", a, catalogA, catalogB, dumpB, cancellationToken));
            results.Add(await DirectionAsync(item, "b→a", b, catalogB, catalogA, dumpA, cancellationToken));
        }
        catch (Exception exception) when (exception is MigrationTasksException or NpgsqlException)
        {
            results.Add(new CaseResult(item, "setup", Outcome.Failed, exception.Message));
        }
        finally
        {
            await DropAsync(a);
            await DropAsync(b);
        }

        return results;
    }

    private async Task<CaseResult> DirectionAsync(CorpusCase item, string direction, string source, DatabaseCatalog sourceCatalog, DatabaseCatalog targetCatalog,
        IReadOnlyList<string> targetDump, CancellationToken cancellationToken)
    {
        try
        {
            var diff = SchemaDiffer.Compare(targetCatalog, sourceCatalog, new DiffOptions { AllowDestructive = true });
            var script = Path.Combine(workFolder, $"{item.Name}.{(direction == "a→b" ? "a-to-b" : "b-to-a")}.sql");
            await File.WriteAllTextAsync(script, ScriptRenderer.Render(diff.Steps, $"{item.Name} {direction}"), cancellationToken);
            try
            {
                await PostgresTool.RunPsqlFileAsync(binaries, Database(source), script, null, cancellationToken);
            }
            catch (MigrationTasksException exception)
            {
                return new CaseResult(item, direction, Outcome.Failed, $"applying the script failed: {exception.Message} (script: {script})");
            }

            var after = await CatalogReader.ReadAsync(Database(source), cancellationToken);
            var again = SchemaDiffer.Compare(targetCatalog, after, new DiffOptions { AllowDestructive = true });
            if (!again.IsEmpty)
            {
                return new CaseResult(item, direction, Outcome.Failed, $"re-diff not empty: {string.Join(" | ", again.Changes.Take(5))} (script: {script})");
            }

            var dumpDifference = SchemaDump.Difference(SchemaDump.Normalize(await DumpAsync(source, cancellationToken)), targetDump);
            return dumpDifference.Length == 0
                ? new CaseResult(item, direction, Outcome.Passed, $"{diff.Steps.Count} statements")
                : new CaseResult(item, direction, Outcome.Failed, $"{dumpDifference} (script: {script})");
        }
        catch (MigrationTasksException exception)
        {
            return new CaseResult(item, direction, Outcome.Failed, exception.Message);
        }
    }

    /// <summary>The per-category table and the totals, as the runner prints them.</summary>
    public static string Summary(IReadOnlyList<CaseResult> results)
    {
        var byCase = results.GroupBy(r => r.Case).Select(g => (Case: g.Key, Outcome: g.Any(r => r.Outcome == Outcome.Failed) ? Outcome.Failed : g.First().Outcome)).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"category",-44} {"pass",5} {"fail",5} {"skip",5}");
        foreach (var category in byCase.GroupBy(c => c.Case.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{category.Key,-44} {category.Count(c => c.Outcome == Outcome.Passed),5} {category.Count(c => c.Outcome == Outcome.Failed),5} {category.Count(c => c.Outcome == Outcome.Skipped),5}");
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"total (cases)",-44} {byCase.Count(c => c.Outcome == Outcome.Passed),5} {byCase.Count(c => c.Outcome == Outcome.Failed),5} {byCase.Count(c => c.Outcome == Outcome.Skipped),5}");
        var directions = results.Where(r => r.Outcome != Outcome.Skipped).ToList();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"total (directions run)",-44} {directions.Count(r => r.Outcome == Outcome.Passed),5} {directions.Count(r => r.Outcome == Outcome.Failed),5}");
        foreach (var reason in results.Where(r => r.Outcome == Outcome.Skipped).GroupBy(r => r.Detail).OrderByDescending(g => g.Count()))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"skipped {reason.Count(),3}: {reason.Key}");
        }

        return text.ToString();
    }

    private DatabaseConnection Database(string name) => server.Connection.WithDatabase(name).With(b => b.Pooling = false);

    private async Task BuildAsync(string database, string state, string? seed, CancellationToken cancellationToken)
    {
        // FILE_COPY: a file-level copy of template0 costs a few milliseconds; the default (WAL_LOG) costs several times more.
        await ExecuteAsync($"CREATE DATABASE {SqlQuote.Identifier(database)} TEMPLATE template0 STRATEGY FILE_COPY", cancellationToken);
        await PostgresTool.RunPsqlFileAsync(binaries, Database(database), state, null, cancellationToken);
        if (seed is not null)
        {
            await PostgresTool.RunPsqlFileAsync(binaries, Database(database), seed, null, cancellationToken);
        }
    }

    private async Task<string> DumpAsync(string database, CancellationToken cancellationToken) =>
        (await PostgresTool.RunAsync(binaries, "pg_dump", Database(database), ["--schema-only", "--no-password"], cancellationToken)).StandardOutput;

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server.Connection.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task DropAsync(string database)
    {
        try
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS {SqlQuote.Identifier(database)} WITH (FORCE)", CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // best effort: the server is thrown away after the run
        }
    }
}
