using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Migrations;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using Npgsql;

namespace MigrationTasks.Indexes;

/// <summary>How <see cref="IndexAnalyzer"/> measures and decides.</summary>
public sealed record IndexAnalysisOptions
{
    /// <summary>Which data is analysed, in words, for the report (never a secret).</summary>
    public required string Source { get; init; }

    /// <summary>Measured runs per query and trial (after one warm-up run); the median counts.</summary>
    public int Runs { get; init; } = 5;

    /// <summary>Tables above this many rows are "large": reading one sequentially is a finding.</summary>
    public long LargeTableRows { get; init; } = 10_000;

    /// <summary>How much faster a query must get for its index to be kept (0.2 = 20%).</summary>
    public double MinimumGain { get; init; } = 0.2;

    /// <summary>statement_timeout for each workload query.</summary>
    public string StatementTimeout { get; init; } = "2min";

    /// <summary>The migration files, to warn when the analysed database has not applied them all.</summary>
    public MigrationSet? Migrations { get; init; }

    /// <summary>The repository root, to name the workload file relative to it in the report.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>How to recognise a transaction-mode pooler, which the analysis refuses (MT0720).</summary>
    public Pooler.PoolerCheckOptions PoolerCheck { get; init; } = new();
}

/// <summary>
/// <c>AnalyzeIndexes</c>: runs the workload on a migrated clone with EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) after
/// ANALYZE, reads findings out of the plans and the catalog (<see cref="IndexAdvisor"/>), then tries each proposal: it
/// creates the index on the clone, runs the queries that read its table again, and keeps it only when a query uses it
/// and got faster by the minimum gain. Every trial index is dropped again before it returns (and one left by an
/// interrupted run is dropped at the next start), so the clone ends as it began.
/// </summary>
public static class IndexAnalyzer
{
    /// <summary>The comment every trial index carries, so one left behind by a crash is recognised and dropped.</summary>
    public const string TrialComment = "MigrationTasks AnalyzeIndexes trial index";

    private const string GenericStatement = "migrationtasks_workload_generic";

    public static async Task<IndexAnalysis> AnalyzeAsync(DatabaseConnection target, Workload workload, IndexAnalysisOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var database = target.Describe();
        await Pooler.TransactionPoolerCheck.RequireSessionAsync(target, "the index analysis (trial indexes and prepared statements live in one session)", options.PoolerCheck, log, cancellationToken).ConfigureAwait(false);
        await using var connection = await ServerInfo.OpenAsync(target.With(b =>
        {
            b.ApplicationName = "MigrationTasks AnalyzeIndexes";
            b.Pooling = false;
            b.CommandTimeout = 0;
        }), cancellationToken).ConfigureAwait(false);

        await DropTrialIndexesAsync(connection, log, leftovers: true, cancellationToken).ConfigureAwait(false);
        await WarnAboutPendingMigrationsAsync(connection, options.Migrations, database, log, cancellationToken).ConfigureAwait(false);

        log.Info($"Analysing the workload {Path.GetFileName(workload.File)} ({workload.Queries.Count} queries) on {database}: {options.Source}.");
        await new SqlSession(connection).ExecuteAsync("ANALYZE", cancellationToken).ConfigureAwait(false);
        var parameters = await WorkloadExecution.ReadParametersAsync(connection, workload, cancellationToken).ConfigureAwait(false);
        CheckParameters(workload, parameters);
        var catalog = await IndexCatalog.ReadAsync(connection, cancellationToken).ConfigureAwait(false);

        var runner = new Runner(connection, database, workload, parameters, options, catalog);
        var analysed = new List<AnalysedQuery>();
        var reports = new List<QueryReport>();
        foreach (var query in workload.Queries)
        {
            var (measurement, plan) = await runner.MeasureAsync(query, cancellationToken).ConfigureAwait(false);
            var generic = await runner.GenericPlanAsync(query, log, cancellationToken).ConfigureAwait(false);
            analysed.Add(new AnalysedQuery(query, plan, generic ?? plan));
            reports.Add(new QueryReport { Name = query.Name, Description = query.Description, Role = query.Role, Before = measurement });
            log.Info(Invariant($"  {query.Name}: {measurement.Ms:0.###} ms{Scans(measurement)}"));
        }

        var tablesRead = TablesRead(catalog, analysed.Select(a => a.Measured));
        WarnAboutSmallTables(catalog, tablesRead, options, log);

        var (findings, proposals) = IndexAdvisor.AdviseOnWorkload(catalog, analysed, options.LargeTableRows);
        var used = analysed.SelectMany(a => a.Measured.IndexesUsed).ToHashSet(StringComparer.Ordinal);
        findings.AddRange(IndexAdvisor.AdviseOnSchema(catalog, options.LargeTableRows, used, tablesRead, proposals));

        var analysis = new IndexAnalysis
        {
            Database = database,
            Source = options.Source,
            Workload = Relative(workload.File, options.RepositoryRoot),
            Runs = options.Runs,
            LargeTableRows = options.LargeTableRows,
            MinimumGain = options.MinimumGain,
            Parameters = new Dictionary<string, string?>(parameters, StringComparer.Ordinal),
            Tables = [.. tablesRead.Select(oid => catalog.Tables[oid]).OrderBy(t => t.QualifiedName, StringComparer.Ordinal).Select(t => new TableReport(t.QualifiedName, t.Rows, t.TotalBytes))],
            Queries = reports,
            Findings = findings,
            Proposals = [.. proposals.OrderByDescending(p => p.Queries.Count).ThenByDescending(p => catalog.FindTable(p.Definition.Schema, p.Definition.Table)?.Rows ?? 0).ThenBy(p => p.Name, StringComparer.Ordinal)],
        };
        log.Info($"{findings.Count} finding(s), {analysis.Proposals.Count} index proposal(s) to try.");

        var created = new List<IndexProposal>();
        try
        {
            var current = reports.ToDictionary(r => r.Name, r => (r.Before, Plan: analysed.Single(a => a.Query.Name == r.Name).Measured), StringComparer.Ordinal);
            foreach (var proposal in analysis.Proposals)
            {
                await TryAsync(connection, runner, proposal, current, created, options, log, cancellationToken).ConfigureAwait(false);
            }

            var finalPlans = new List<QueryPlan>();
            foreach (var report in reports)
            {
                var query = workload.Queries.Single(q => q.Name == report.Name);
                if (created.Count == 0)
                {
                    report.After = report.Before;
                    continue;
                }

                var (measurement, plan) = await runner.MeasureAsync(query, cancellationToken).ConfigureAwait(false);
                report.After = measurement;
                finalPlans.Add(plan);
            }

            // An index kept early can be made redundant by a better one kept later (a GiST index beating a b-tree on
            // the same filter): when no final plan uses it any more, it goes.
            foreach (var proposal in created.Where(p => p.IsKept && !finalPlans.Any(plan => plan.IndexesUsed.Contains(p.Name))).ToList())
            {
                proposal.Status = ProposalStatus.NotUsed;
                proposal.StatusDetail = "Dropped: it helped in its trial, but once the later proposals existed no workload query used it any more.";
                log.Info($"  {proposal.Name}: superseded by a later proposal; dropped.");
            }
        }
        finally
        {
            foreach (var proposal in created)
            {
                await DropQuietlyAsync(connection, proposal).ConfigureAwait(false);
            }
        }

        analysis.Passed = true;
        analysis.DurationMs = watch.ElapsedMilliseconds;
        var kept = analysis.Kept.ToList();
        log.Info(Invariant($"Kept {kept.Count} of {analysis.Proposals.Count} proposal(s){(kept.Count == 0 ? "" : ": " + string.Join(", ", kept.Select(p => p.Name)))}; workload {analysis.BeforeMs:0.###} ms before, {analysis.AfterMs:0.###} ms after ({analysis.Speedup:0.#}x)."));
        return analysis;
    }

    /// <summary>Creates the proposal on the clone, re-measures the queries that read its table, and keeps or drops it.</summary>
    private static async Task TryAsync(NpgsqlConnection connection, Runner runner, IndexProposal proposal,
        Dictionary<string, (QueryMeasurement Measurement, QueryPlan Plan)> current, List<IndexProposal> created, IndexAnalysisOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        var definition = proposal.Definition;
        var affected = runner.Workload.Queries.Where(q => proposal.Queries.Contains(q.Name)
            || current[q.Name].Plan.Nodes.Any(n => n.RelationName is not null && runner.Catalog.FindTable(n.Schema, n.RelationName) is { } table
                && table.Schema == definition.Schema && table.Name == definition.Table)).ToList();
        if (affected.Count == 0)
        {
            proposal.Status = ProposalStatus.Untested;
            proposal.StatusDetail = "No workload query reads this table, so the trial has nothing to measure; it is not in the migration.";
            log.Info($"  {proposal.Name}: untested (no workload query reads {definition.Schema}.{definition.Table}).");
            return;
        }

        proposal.Name = await FreeNameAsync(connection, definition, proposal.Name, cancellationToken).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        try
        {
            await new SqlSession(connection).ExecuteAsync(definition.CreateSql(proposal.Name, concurrently: false, ifNotExists: false), cancellationToken).ConfigureAwait(false);
            created.Add(proposal);
            await new SqlSession(connection).ExecuteAsync($"COMMENT ON INDEX {SqlQuote.Qualified(definition.Schema, proposal.Name)} IS {SqlQuote.Literal(TrialComment)}", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception)
        {
            proposal.Status = ProposalStatus.Failed;
            proposal.StatusDetail = $"The trial index could not be built: {exception.SqlState}: {exception.MessageText}.";
            log.Warning(Errors.IndexWarnings.ProbeFailed, $"{proposal.Name} ({definition.Describe()}) could not be built for its trial ({exception.SqlState}: {exception.MessageText}); skipped.");
            return;
        }

        proposal.BuildMs = watch.Elapsed.TotalMilliseconds;
        proposal.Bytes = await new SqlSession(connection).ScalarAsync<long>($"SELECT pg_catalog.pg_relation_size({SqlQuote.Literal(SqlQuote.Qualified(definition.Schema, proposal.Name))}::regclass)", cancellationToken).ConfigureAwait(false);

        var after = new Dictionary<string, (QueryMeasurement Measurement, QueryPlan Plan)>(StringComparer.Ordinal);
        foreach (var query in affected)
        {
            var measured = await runner.MeasureAsync(query, cancellationToken).ConfigureAwait(false);
            after[query.Name] = measured;
            proposal.Gains.Add(new QueryGain(query.Name, current[query.Name].Measurement.Ms, measured.Measurement.Ms, measured.Plan.IndexesUsed.Contains(proposal.Name)));
        }

        var helped = proposal.Gains.Where(g => g.UsesIndex && g.AfterMs <= g.BeforeMs * (1 - options.MinimumGain) && g.BeforeMs - g.AfterMs >= 0.05).ToList();
        if (helped.Count > 0)
        {
            proposal.Status = ProposalStatus.Kept;
            proposal.StatusDetail = Invariant($"Kept: {string.Join(", ", helped.Select(g => $"{g.Query} {g.BeforeMs:0.###} → {g.AfterMs:0.###} ms ({g.Speedup:0.#}x)"))}.");
            foreach (var (name, measured) in after)
            {
                current[name] = measured;
            }
        }
        else
        {
            var usedAtAll = proposal.Gains.Any(g => g.UsesIndex);
            proposal.Status = usedAtAll ? ProposalStatus.NoGain : ProposalStatus.NotUsed;
            proposal.StatusDetail = usedAtAll
                ? Invariant($"Dropped: the plans used it, but no query got {options.MinimumGain:P0} faster.")
                : "Dropped: no workload query's plan used it.";
            await DropQuietlyAsync(connection, proposal).ConfigureAwait(false);
            created.Remove(proposal);
        }

        log.Info(Invariant($"  {proposal.Name} ({definition.Describe()}): {proposal.Status}; ") +
            string.Join(", ", proposal.Gains.Select(g => Invariant($"{g.Query} {g.BeforeMs:0.###} → {g.AfterMs:0.###} ms{(g.UsesIndex ? "" : " (not used)")}"))) + ".");
    }

    /// <summary>The proposal's name, or the next free one when another relation of the schema has it.</summary>
    private static async Task<string> FreeNameAsync(NpgsqlConnection connection, IndexDefinition definition, string name, CancellationToken cancellationToken)
    {
        var taken = (await new SqlSession(connection).QueryAsync("SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1",
            r => r.GetString(0), cancellationToken, definition.Schema).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        return taken.Contains(name) ? definition.SuggestName(taken.Contains) : name;
    }

    /// <summary>Drops trial indexes: those of this run, or (at the start) any an interrupted run left, recognised by their comment.</summary>
    private static async Task DropTrialIndexesAsync(NpgsqlConnection connection, IEngineLog log, bool leftovers, CancellationToken cancellationToken)
    {
        var names = await new SqlSession(connection).QueryAsync("""
            SELECT pg_catalog.format('%I.%I', n.nspname, c.relname)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'i' AND pg_catalog.obj_description(c.oid, 'pg_class') = $1
            """, r => r.GetString(0), cancellationToken, TrialComment).ConfigureAwait(false);
        foreach (var name in names)
        {
            await new SqlSession(connection).ExecuteAsync($"DROP INDEX IF EXISTS {name}", cancellationToken).ConfigureAwait(false);
        }

        if (leftovers && names.Count > 0)
        {
            log.Warning(Errors.IndexWarnings.LeftoverProbes, $"Dropped {names.Count} trial index(es) an interrupted AnalyzeIndexes left behind: {string.Join(", ", names)}.");
        }
    }

    private static async Task DropQuietlyAsync(NpgsqlConnection connection, IndexProposal proposal)
    {
        try
        {
            await new SqlSession(connection).ExecuteAsync($"DROP INDEX IF EXISTS {SqlQuote.Qualified(proposal.Definition.Schema, proposal.Name)}", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            // The connection is gone; the next run drops the trial index by its comment.
        }
    }

    private static async Task WarnAboutPendingMigrationsAsync(NpgsqlConnection connection, MigrationSet? set, string database, IEngineLog log, CancellationToken cancellationToken)
    {
        if (set is null || set.Files.Count == 0)
        {
            return;
        }

        var session = new SqlSession(connection);
        var applied = await session.ScalarAsync<bool>("SELECT pg_catalog.to_regclass('supabase_migrations.schema_migrations') IS NOT NULL", cancellationToken).ConfigureAwait(false)
            ? await session.QueryAsync("SELECT version FROM supabase_migrations.schema_migrations", r => r.GetString(0), cancellationToken).ConfigureAwait(false)
            : [];
        var pending = set.Files.Where(f => !applied.Contains(f.Version)).Select(f => f.FileName).ToList();
        if (pending.Count > 0)
        {
            log.Warning(Errors.IndexWarnings.PendingMigrations,
                $"{database} has not applied {pending.Count} migration(s) of {set.Directory}: {string.Join(", ", pending)}. The analysis sees the schema without them; apply them first (-t:ApplyMigrations) to analyse the migrated schema.");
        }
    }

    private static void WarnAboutSmallTables(IndexCatalog catalog, IReadOnlySet<uint> tablesRead, IndexAnalysisOptions options, IEngineLog log)
    {
        var largest = tablesRead.Select(oid => catalog.Tables[oid]).OrderByDescending(t => t.Rows).FirstOrDefault();
        if (largest is null || largest.Rows <= options.LargeTableRows)
        {
            log.Warning(Errors.IndexWarnings.SmallTables, Invariant(
                $"The largest table the workload reads holds {largest?.Rows ?? 0:N0} rows (threshold {options.LargeTableRows:N0}): with so little data every plan is cheap and no index can prove itself. Analyse a clone with production-sized data."));
        }
    }

    private static void CheckParameters(Workload workload, IReadOnlyDictionary<string, string?> parameters)
    {
        foreach (var query in workload.Queries)
        {
            foreach (var name in Workload.ParameterNames(query.Sql, workload.File, query.Line).Append(query.UserParameter).OfType<string>())
            {
                if (!parameters.ContainsKey(name))
                {
                    throw Errors.Errors.WorkloadUnknownParameter(name, parameters.Keys, workload.File, query.Line);
                }
            }
        }
    }

    private static HashSet<uint> TablesRead(IndexCatalog catalog, IEnumerable<QueryPlan> plans) =>
        [.. plans.SelectMany(p => p.Nodes).Where(n => n.RelationName is not null).Select(n => catalog.FindTable(n.Schema, n.RelationName!)).OfType<CatalogTable>().Select(t => t.Oid)];

    private static string Scans(QueryMeasurement measurement) =>
        measurement.SequentialScans.Count == 0 ? "" : $", sequential scan of {string.Join(", ", measurement.SequentialScans)}";

    private static string Relative(string path, string? root)
    {
        if (root is null)
        {
            return Path.GetFileName(path);
        }

        var relative = Path.GetRelativePath(root, Path.GetFullPath(path));
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFileName(path) : relative.Replace('\\', '/');
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs workload queries under EXPLAIN as their role, measured or generic.</summary>
    private sealed class Runner(NpgsqlConnection connection, string database, Workload workload, IReadOnlyDictionary<string, string?> parameters, IndexAnalysisOptions options, IndexCatalog catalog)
    {
        public Workload Workload { get; } = workload;

        public IndexCatalog Catalog { get; } = catalog;

        /// <summary>A warm-up run, then <see cref="IndexAnalysisOptions.Runs"/> measured ones; the median run's time and plan.</summary>
        public async Task<(QueryMeasurement Measurement, QueryPlan Plan)> MeasureAsync(WorkloadQuery query, CancellationToken cancellationToken)
        {
            var sql = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + Workload.Substitute(query.Sql, parameters, Workload.File, query.Line);
            var plans = new List<QueryPlan>();
            for (var run = 0; run <= Math.Max(options.Runs, 1); run++)
            {
                var plan = await ExplainAsync(query, sql, cancellationToken).ConfigureAwait(false);
                if (run > 0)
                {
                    plans.Add(plan);
                }
            }

            var ordered = plans.OrderBy(p => p.TotalMs).ToList();
            var median = ordered[ordered.Count / 2];
            using var json = JsonDocument.Parse(median.Json);
            return (new QueryMeasurement
            {
                Ms = Math.Round(median.TotalMs, 3),
                RunsMs = [.. plans.Select(p => Math.Round(p.TotalMs, 3))],
                Plan = median.Render(),
                PlanJson = json.RootElement.Clone(),
                SequentialScans = [.. median.Nodes.Where(n => n.IsSequentialScan).Select(n => Catalog.FindTable(n.Schema, n.RelationName!))
                    .OfType<CatalogTable>().Where(t => t.Rows > options.LargeTableRows).Select(t => t.QualifiedName).Distinct()],
                IndexesUsed = [.. median.IndexesUsed.Order(StringComparer.Ordinal)],
            }, median);
        }

        /// <summary>
        /// The query's generic plan (PREPARE with force_generic_plan): parameters print as $n there, so the literals left
        /// are the constants the query itself wrote. Null when PostgreSQL cannot prepare it (a parameter's type cannot be inferred).
        /// </summary>
        public async Task<QueryPlan?> GenericPlanAsync(WorkloadQuery query, IEngineLog log, CancellationToken cancellationToken)
        {
            var (sql, names) = Workload.Parameterise(query.Sql, Workload.File, query.Line);
            var arguments = names.Count == 0 ? "" : "(" + string.Join(", ", names.Select(n => SqlQuote.Literal(parameters[n]))) + ")";
            try
            {
                return await WorkloadExecution.InRequestAsync(connection, query, parameters, options.StatementTimeout, async transaction =>
                {
                    await using (var prepare = new NpgsqlCommand($"PREPARE {GenericStatement} AS {sql}", connection, transaction))
                    {
                        await prepare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await using (var mode = new NpgsqlCommand("SELECT set_config('plan_cache_mode', 'force_generic_plan', true)", connection, transaction))
                    {
                        await mode.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await using var explain = new NpgsqlCommand($"EXPLAIN (FORMAT JSON) EXECUTE {GenericStatement}{arguments}", connection, transaction);
                    return QueryPlan.Parse((string)(await explain.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException exception)
            {
                log.Detail($"  {query.Name}: no generic plan ({exception.SqlState}: {exception.MessageText}); its predicates are read from the measured plan, so literals count as parameters.");
                return null;
            }
            finally
            {
                // PREPARE is not undone by the rollback: the statement lives in the session until deallocated.
                if ((await new SqlSession(connection).QueryAsync("SELECT name FROM pg_catalog.pg_prepared_statements WHERE name = $1", r => r.GetString(0), CancellationToken.None, GenericStatement).ConfigureAwait(false)).Count > 0)
                {
                    await new SqlSession(connection).ExecuteAsync($"DEALLOCATE {GenericStatement}", CancellationToken.None).ConfigureAwait(false);
                }
            }
        }

        private async Task<QueryPlan> ExplainAsync(WorkloadQuery query, string sql, CancellationToken cancellationToken)
        {
            try
            {
                return await WorkloadExecution.InRequestAsync(connection, query, parameters, options.StatementTimeout, async transaction =>
                {
                    await using var command = new NpgsqlCommand(sql, connection, transaction);
                    return QueryPlan.Parse((string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege && query.Role is not null && exception.MessageText.Contains("role", StringComparison.OrdinalIgnoreCase))
            {
                throw Errors.Errors.WorkloadRoleUnusable(query.Role, database, exception.MessageText);
            }
            catch (PostgresException exception)
            {
                throw Errors.Errors.WorkloadQueryFailed(query.Name, exception.SqlState, exception.MessageText, Workload.File, query.Line);
            }
        }
    }
}
