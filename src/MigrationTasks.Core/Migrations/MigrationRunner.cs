using System.Diagnostics;
using System.Globalization;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Errors;
using MigrationTasks.Pooler;
using MigrationTasks.Servers;
using Npgsql;

namespace MigrationTasks.Migrations;

/// <summary>
/// Applies the pending migrations of a set to a database, compatibly with the Supabase CLI's history:
/// under the migration lock, in version order, each file with its history rows in one transaction
/// (non-transactional statements alone, outside it), stopping at the first failure with a coded error
/// located in the file. Never throws for a failed run: the report carries the failure, so the caller can
/// write it before raising it.
/// </summary>
public static class MigrationRunner
{
    public static async Task<ApplyReport> ApplyAsync(DatabaseConnection target, MigrationSet set, ApplyOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        var report = new ApplyReport
        {
            Target = options.TargetName,
            Database = target.Describe(),
            DryRun = options.DryRun,
            Tool = options.ToolVersion,
            LockTimeout = NullIfEmpty(options.LockTimeout),
            StatementTimeout = NullIfEmpty(options.StatementTimeout),
        };
        var watch = Stopwatch.StartNew();
        try
        {
            await RunAsync(target, set, options, report, log, cancellationToken).ConfigureAwait(false);
            report.Passed = true;
        }
        catch (MigrationTasksException exception)
        {
            report.Failure = exception;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            report.Failure = Errors.Errors.Cancelled();
        }
        catch (Exception exception) when (FileApplier.IsDatabaseFailure(exception))
        {
            // Outside a file (taking the lock, reading the history): nothing was applied by this run.
            report.Failure = Errors.Errors.ConnectionFailed(target.Describe(), $"the connection failed before any migration ran ({exception.Message})", exception);
        }

        if (report.Failure is not null)
        {
            report.Error = ReportError.From(report.Failure);
        }

        report.DurationMs = watch.ElapsedMilliseconds;
        return report;
    }

    private static async Task RunAsync(DatabaseConnection target, MigrationSet set, ApplyOptions options, ApplyReport report, IEngineLog log, CancellationToken cancellationToken)
    {
        var database = target.Describe();
        await TransactionPoolerCheck.RequireSessionAsync(target, "applying migrations (the migration lock is a session advisory lock, and statements such as CREATE INDEX CONCURRENTLY run outside a transaction)",
            options.PoolerCheck, log, cancellationToken).ConfigureAwait(false);

        WarnAboutFiles(set, log);

        // One dedicated session: no pool (session state must not leak), no client-side command timeout
        // (statement_timeout is the limit), and a name that shows in pg_stat_activity.
        var session = target.With(b =>
        {
            b.ApplicationName = "MigrationTasks ApplyMigrations";
            b.Pooling = false;
            b.CommandTimeout = 0;
            b.TcpKeepAlive = true;
        });
        await using var connection = await ServerInfo.OpenAsync(session, cancellationToken).ConfigureAwait(false);
        var sql = new SqlSession(connection);
        var serverVersion = await ServerInfo.ReadVersionAsync(connection, cancellationToken).ConfigureAwait(false);

        var locked = false;
        try
        {
            if (!options.DryRun)
            {
                await RunnerLock.AcquireAsync(sql, database, options.RunnerLockTimeout, log, cancellationToken).ConfigureAwait(false);
                locked = true;
            }

            var history = await ReadHistoryAsync(sql, cancellationToken).ConfigureAwait(false);
            var pending = PendingMigrations.Resolve(set, history, options, log);

            // Plan every pending file before running any: a file the runner cannot honour stops the run untouched.
            var plans = pending.Select(p => (Pending: p, Plan: FilePlan.Create(p.File, serverVersion))).ToList();
            var reports = AddFileReports(set, history, plans, report);

            if (plans.Count == 0)
            {
                log.Info($"No pending migrations: {database} is up to date ({Count(history.Applied.Count)} applied" +
                    (history.NewestVersion is null ? "" : $", newest {history.NewestVersion}") + ").");
                return;
            }

            if (options.DryRun)
            {
                report.DryRunSql = DryRunScript.Render(database, history, plans, options);
                foreach (var (pendingFile, _) in plans)
                {
                    reports[pendingFile.File.Version].Status = "would-apply";
                }

                log.Info(report.DryRunSql);
                log.Info($"Dry run: {Count(plans.Count)} would be applied to {database}; nothing was changed.");
                return;
            }

            await EnsureTablesAsync(sql, history, cancellationToken).ConfigureAwait(false);
            log.Info($"Applying {Count(plans.Count)} to {database} ({options.TargetName}).");
            var applier = new FileApplier(sql, options, log);
            foreach (var (pendingFile, plan) in plans)
            {
                await ApplyFileAsync(sql, applier, pendingFile, plan, reports[plan.File.Version], log, cancellationToken).ConfigureAwait(false);
            }

            log.Info($"Applied {Count(plans.Count)} to {database} in {report.Files.Sum(f => f.Status == "applied" ? f.DurationMs : 0) / 1000.0:0.00} s; newest is now {plans[^1].Plan.File.Version}.");
        }
        finally
        {
            if (locked)
            {
                await RunnerLock.ReleaseAsync(sql).ConfigureAwait(false);
            }
        }
    }

    private static async Task ApplyFileAsync(SqlSession sql, FileApplier applier, PendingFile pending, FilePlan plan, FileReport report, IEngineLog log, CancellationToken cancellationToken)
    {
        var file = plan.File;
        var resumeFrom = Math.Min(pending.Progress?.SegmentsDone ?? 0, plan.Segments.Count - 1);
        if (pending.Progress is not null)
        {
            report.ResumedAtPart = resumeFrom + 1;
            log.Warning(MigrationWarnings.Resuming,
                $"{file.FileName} was left part-way by an interrupted run ({resumeFrom} of {plan.Segments.Count} parts applied); resuming at part {resumeFrom + 1} (line {plan.Segments[resumeFrom].Line(file)}).");
        }

        try
        {
            await applier.ApplyAsync(plan, report, resumeFrom, resuming: pending.Progress is not null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (FileApplier.IsDatabaseFailure(exception) && exception is not OperationCanceledException)
        {
            await sql.RollbackQuietlyAsync().ConfigureAwait(false);
            var coded = applier.Translate(exception, plan);
            report.Status = "failed";
            report.Error = ReportError.From(coded);
            throw coded;
        }
        catch (OperationCanceledException)
        {
            await sql.RollbackQuietlyAsync().ConfigureAwait(false);
            report.Status = "failed";
            throw;
        }

        var nonTransactional = plan.NonTransactionalCount > 0 ? $" ({plan.NonTransactionalCount} non-transactional)" : "";
        log.Info($"  {file.FileName}: applied, {file.Statements.Count} statement(s){nonTransactional}, {report.DurationMs / 1000.0:0.00} s" +
            (report.ResumedAtPart is { } part ? $", resumed at part {part}" : "") + ".");
    }

    private static Dictionary<string, FileReport> AddFileReports(MigrationSet set, MigrationHistory history, List<(PendingFile Pending, FilePlan Plan)> plans, ApplyReport report)
    {
        var byVersion = new Dictionary<string, FileReport>(StringComparer.Ordinal);
        var planned = plans.ToDictionary(p => p.Plan.File.Version, p => p.Plan, StringComparer.Ordinal);
        foreach (var file in set.Files)
        {
            var plan = planned.GetValueOrDefault(file.Version);
            var fileReport = new FileReport
            {
                Version = file.Version,
                Name = file.Name,
                File = file.FileName,
                Sha256 = file.Sha256,
                Statements = file.Statements.Count,
                NonTransactional = plan?.NonTransactionalCount ?? 0,
                Status = history.AppliedVersions.Contains(file.Version) ? "already-applied" : "not-run",
            };
            report.Files.Add(fileReport);
            byVersion[file.Version] = fileReport;
        }

        return byVersion;
    }

    private static void WarnAboutFiles(MigrationSet set, IEngineLog log)
    {
        if (!set.Exists)
        {
            log.Warning(MigrationWarnings.NoMigrations, $"The migrations folder {set.Directory} does not exist: there is nothing to apply.");
        }
        else if (set.Files.Count == 0)
        {
            log.Warning(MigrationWarnings.NoMigrations, $"The migrations folder {set.Directory} holds no <version>_<name>.sql file: there is nothing to apply.");
        }

        foreach (var file in set.Files.Where(f => f.CliSplitsDifferently))
        {
            log.Warning(MigrationWarnings.CliSplitsDifferently,
                $"{file.FileName} line {file.FirstCliDifferenceLine()}: the Supabase CLI splits this file into other statements than PostgreSQL reads " +
                "(a backslash escape in an E'...' string, or nested parentheses), so supabase db push would fail on it. MigrationTasks applies and records it correctly; " +
                "write '' instead of \\' to keep the file usable with the CLI.");
        }
    }

    private static async Task<MigrationHistory> ReadHistoryAsync(SqlSession sql, CancellationToken cancellationToken)
    {
        try
        {
            return await MigrationHistory.ReadAsync(sql, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception)
        {
            throw Errors.Errors.HistoryTableUnusable($"reading it failed with {exception.SqlState}: {exception.MessageText}");
        }
    }

    private static async Task EnsureTablesAsync(SqlSession sql, MigrationHistory history, CancellationToken cancellationToken)
    {
        try
        {
            await MigrationHistory.EnsureTablesAsync(sql, history.Provisioned, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception)
        {
            throw Errors.Errors.HistoryTableUnusable($"creating it (or MigrationTasks' tables beside it) failed with {exception.SqlState}: {exception.MessageText}");
        }
    }

    private static string Count(int files) => files == 1 ? "1 migration" : string.Create(CultureInfo.InvariantCulture, $"{files} migrations");

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
