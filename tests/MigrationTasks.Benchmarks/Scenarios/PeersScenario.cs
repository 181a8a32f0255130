using System.Globalization;
using MigrationTasks.Benchmarks.Peers;
using MigrationTasks.Common;
using MigrationTasks.Conformance;
using MigrationTasks.Servers;
using Npgsql;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// Introspection + diff of a generated catalog (the diff scenario's generator: scale 10 = 1,000 tables, 14,106
/// objects as our reader counts them, the "about 12,000"; 5% of the tables drifted) against the peers a
/// Supabase user would pick instead, from npm: pg-delta (<c>supabase db diff --use-pg-delta</c>) and @pgkit/migra (the CLI's default engine). Each side reads
/// both databases, compares and writes its script; the peers run warm in one Node.js process, ours in this one.
/// Also the statements each tool sends to the server for one diff, counted by pg_stat_statements on a cluster of
/// the scenario's own (never taken from the code).
/// </summary>
public sealed class PeersScenario : IBenchmarkScenario
{
    public string Name => "peers";

    public IReadOnlyList<int> DefaultScales => [10];

    public string Description => "introspection + diff of a generated catalog (scale 10: 1,000 tables, 14,106 objects): ours vs pg-delta and @pgkit/migra (npm); queries per diff";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var work = Path.Combine(Path.GetTempPath(), $"migrationtasks-bench-peers-work-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        var peers = await context.PeersAsync(cancellationToken);

        // A cluster of our own with pg_stat_statements, when the binaries allow it; else the shared server, uncounted.
        await using var own = context.Server.Binaries is { HasServer: true } binaries
            ? await LocalCluster.StartAsync(new LocalClusterOptions
            {
                Installation = binaries,
                Settings = new Dictionary<string, string>
                {
                    ["shared_preload_libraries"] = "pg_stat_statements",
                    ["pg_stat_statements.track_utility"] = "off",
                    ["pg_stat_statements.max"] = "10000",
                },
            }, NullEngineLog.Instance, cancellationToken)
            : null;
        IPostgresServer server = own is null ? context.Server : own;
        var counting = own is not null && await TryAsync(() => DiffScenario.ExecuteAsync(server, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", cancellationToken));

        await using var driver = peers.NotRunReason is null ? PeerDriver.Start(peers, server.Connection) : null;
        ISchemaDiffTool ours = new OurDiffTool();
        var others = new ISchemaDiffTool[] { new PeerDiffTool(driver!, "pg-delta"), new PeerDiffTool(driver!, "migra") };
        try
        {
            foreach (var scale in context.Scales)
            {
                var tables = 100 * scale;
                var (desired, actual) = ($"bench_peers_{scale}_desired", $"bench_peers_{scale}_actual");
                await DiffScenario.ExecuteAsync(server, $"DROP DATABASE IF EXISTS {desired} WITH (FORCE)", cancellationToken);
                await DiffScenario.ExecuteAsync(server, $"DROP DATABASE IF EXISTS {actual} WITH (FORCE)", cancellationToken);
                await DiffScenario.ExecuteAsync(server, $"CREATE DATABASE {desired}", cancellationToken);
                await DiffScenario.ExecuteAsync(server, DiffScenario.Generate(tables), cancellationToken, desired);
                await DiffScenario.ExecuteAsync(server, $"CREATE DATABASE {actual} TEMPLATE {desired}", cancellationToken);
                await DiffScenario.ExecuteAsync(server, DiffScenario.Drift(tables), cancellationToken, actual);
                var source = server.Connection.WithDatabase(actual).With(b => b.Pooling = false);
                var target = server.Connection.WithDatabase(desired).With(b => b.Pooling = false);
                var objects = (await Catalog.CatalogReader.ReadAsync(target, cancellationToken)).Objects.Count;
                var what = string.Create(CultureInfo.InvariantCulture, $"peers: read + diff {tables} tables ({objects:N0} objects, {tables / 20} drifted tables)");

                Func<Task> Run(ISchemaDiffTool tool) => async () =>
                {
                    var scripts = await tool.PlanAsync(source, target, Path.Combine(work, $"{tool.Name}-{scale}"), cancellationToken);
                    if (scripts.Count == 0)
                    {
                        throw new InvalidOperationException($"{tool.Name} found no difference in the drifted catalog.");
                    }
                };

                var oursQueries = counting ? await CountStatementsAsync(server, Run(ours), cancellationToken) : (int?)null;
                if (counting)
                {
                    var perCatalog = await CountStatementsAsync(server, () => Catalog.CatalogReader.ReadAsync(target, cancellationToken), cancellationToken);
                    context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peers: our CatalogReader sent {perCatalog} statements to read one catalog (pg_stat_statements)"));
                }

                foreach (var peer in others)
                {
                    if (peers.NotRunReason is { } reason)
                    {
                        var (alone, _) = await context.MeasureAsync(Run(ours), () => Task.CompletedTask, runs: 3);
                        context.ReportNotRun(what, alone, peer.Name, reason);
                        continue;
                    }

                    string? failure = null;
                    try
                    {
                        var (oursTime, peerTime) = await context.MeasureAsync(Run(ours), Run(peer), runs: 3);
                        context.Report(what, oursTime, peer.Name, peerTime);
                    }
                    catch (InvalidOperationException exception)
                    {
                        failure = exception.Message;
                    }

                    if (failure is not null)
                    {
                        context.ReportNotRun(what, null, peer.Name, $"failed: {failure}");
                        continue;
                    }

                    if (oursQueries is { } count)
                    {
                        context.Report($"peers: statements sent for one diff of {tables} tables (pg_stat_statements)", count, peer.Name,
                            await CountStatementsAsync(server, Run(peer), cancellationToken), "queries");
                    }
                }

                if (oursQueries is { } mine && peers.NotRunReason is not null)
                {
                    context.ReportNotRun($"peers: statements sent for one diff of {tables} tables (pg_stat_statements)", mine, "peers", peers.NotRunReason, "queries");
                }

                await DiffScenario.ExecuteAsync(server, $"DROP DATABASE IF EXISTS {desired} WITH (FORCE)", CancellationToken.None);
                await DiffScenario.ExecuteAsync(server, $"DROP DATABASE IF EXISTS {actual} WITH (FORCE)", CancellationToken.None);
            }

            if (!counting)
            {
                context.ReportNotRun("peers: statements sent for one diff (pg_stat_statements)", "no cluster with pg_stat_statements (needs local PostgreSQL server binaries with contrib)");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// The statements (utility commands excluded) the server ran for the action, in every database, counted by
    /// pg_stat_statements: reset before, summed after, less the two statements of the reset and the count themselves.
    /// </summary>
    private static async Task<int> CountStatementsAsync(IPostgresServer server, Func<Task> action, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server.Connection.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var reset = new NpgsqlCommand("SELECT pg_stat_statements_reset()", connection))
        {
            await reset.ExecuteNonQueryAsync(cancellationToken);
        }

        await action();
        await using var count = new NpgsqlCommand(
            "SELECT coalesce(sum(calls), 0)::int FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'", connection);
        return (int)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<bool> TryAsync(Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (PostgresException)
        {
            return false;
        }
    }
}
