using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MigrationTasks.Common;
using MigrationTasks.Errors;
using MigrationTasks.Sql;
using Npgsql;

namespace MigrationTasks.Migrations;

/// <summary>
/// Applies one planned file on the runner's session: each transactional part in one transaction (the history
/// rows in the last one), each non-transactional statement alone in autocommit, never batched, progress
/// recorded between parts so an interrupted file resumes where it stopped.
/// </summary>
internal sealed partial class FileApplier(SqlSession session, ApplyOptions options, IEngineLog log)
{
    private const string LockNotAvailable = "55P03";

    // Errors that, when resuming a statement the interrupted run may have completed, mean it did.
    private static readonly HashSet<string> AlreadyDoneStates = ["42P07", "42710", "42P04", "42704"];

    private PlannedStatement? _current;
    private string _phase = "starting";
    private int _partsDone;
    private int _attempts;

    /// <summary>The statements that start every file: the CLI's RESET ALL (no setting leaks from the file before), then the timeouts.</summary>
    public static IReadOnlyList<string> SessionSetup(ApplyOptions options)
    {
        var statements = new List<string> { "RESET ALL" };
        if (!string.IsNullOrWhiteSpace(options.LockTimeout))
        {
            statements.Add($"SET lock_timeout = {SqlQuote.Literal(options.LockTimeout)}");
        }

        if (!string.IsNullOrWhiteSpace(options.StatementTimeout))
        {
            statements.Add($"SET statement_timeout = {SqlQuote.Literal(options.StatementTimeout)}");
        }

        return statements;
    }

    /// <summary>
    /// Applies the file from part <paramref name="resumeFrom"/>; <paramref name="resuming"/> says an earlier run recorded
    /// progress, so the first non-transactional statement may have completed already.
    /// </summary>
    public async Task ApplyAsync(FilePlan plan, FileReport report, int resumeFrom, bool resuming, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        _partsDone = resumeFrom;
        _phase = "setting up the session";
        foreach (var statement in SessionSetup(options))
        {
            await session.ExecuteAsync(statement, cancellationToken).ConfigureAwait(false);
        }

        for (var index = resumeFrom; index < plan.Segments.Count; index++)
        {
            for (_attempts = 1; ; _attempts++)
            {
                try
                {
                    if (plan.Segments[index].Transactional)
                    {
                        await RunTransactionAsync(plan, index, watch, resumed: resuming, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await RunStandaloneAsync(plan, index, resuming: index == resumeFrom && resuming, cancellationToken).ConfigureAwait(false);
                    }

                    _partsDone = index + 1;
                    break;
                }
                catch (PostgresException exception) when (exception.SqlState == LockNotAvailable && _attempts <= options.LockRetries && !cancellationToken.IsCancellationRequested)
                {
                    // The part was rolled back as a whole (or, for a standalone statement, did not happen): trying again is safe.
                    await session.RollbackQuietlyAsync().ConfigureAwait(false);
                    var delay = options.LockRetryDelay * Math.Pow(2, _attempts - 1);
                    log.Warning(MigrationWarnings.LockRetry,
                        $"{plan.File.FileName} line {_current?.Statement.Line ?? plan.Segments[index].Line(plan.File)}: {exception.MessageText} (lock_timeout {options.LockTimeout}); " +
                        $"nothing of this part was kept; attempt {_attempts + 1} of {options.LockRetries + 1} in {delay.TotalSeconds:0.#} s.");
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        report.DurationMs = watch.ElapsedMilliseconds;
        report.Status = "applied";
    }

    private async Task RunTransactionAsync(FilePlan plan, int index, Stopwatch watch, bool resumed, CancellationToken cancellationToken)
    {
        var file = plan.File;
        var segment = plan.Segments[index];
        var last = index == plan.Segments.Count - 1;

        await StepAsync(file, MigrationStepKind.Begin, index, -1, cancellationToken).ConfigureAwait(false);
        var ownBegin = segment.Statements.Contains(plan.OwnBegin!) ? plan.OwnBegin : null;
        _current = ownBegin;
        _phase = "opening the transaction";
        await session.ExecuteAsync(ownBegin?.Statement.Text ?? "BEGIN", cancellationToken).ConfigureAwait(false);

        foreach (var statement in segment.Statements.Where(s => s.Runs && s != plan.OwnBegin && s != plan.OwnCommit))
        {
            await StepAsync(file, MigrationStepKind.Statement, index, statement.Index, cancellationToken).ConfigureAwait(false);
            _current = statement;
            _phase = $"statement {statement.Index + 1}";
            await session.ExecuteAsync(statement.Statement.Text, cancellationToken).ConfigureAwait(false);
        }

        _current = null;
        await StepAsync(file, MigrationStepKind.Record, index, -1, cancellationToken).ConfigureAwait(false);
        _phase = "recording the history";
        if (last)
        {
            await session.ExecuteAsync(SupabaseHistorySql.Insert, cancellationToken, file.Version, file.Name, file.RecordedStatements.ToArray()).ConfigureAwait(false);
            await session.ExecuteAsync(BookkeepingSql.UpsertApplied, cancellationToken,
                file.Version, file.Name, file.Sha256, file.Statements.Count, watch.ElapsedMilliseconds, options.ToolVersion, resumed ? "resumed" : "applied").ConfigureAwait(false);
            if (plan.IsMultiPart)
            {
                await session.ExecuteAsync(BookkeepingSql.DeleteProgress, cancellationToken, (object)new[] { file.Version }).ConfigureAwait(false);
            }
        }
        else
        {
            await RecordProgressAsync(plan, index + 1, cancellationToken).ConfigureAwait(false);
        }

        await StepAsync(file, MigrationStepKind.Commit, index, -1, cancellationToken).ConfigureAwait(false);
        _current = last ? plan.OwnCommit : null;
        _phase = "COMMIT (its outcome is unknown when the connection drops now)";
        await session.ExecuteAsync(_current?.Statement.Text ?? "COMMIT", cancellationToken).ConfigureAwait(false);
        _current = null;
    }

    private async Task RunStandaloneAsync(FilePlan plan, int index, bool resuming, CancellationToken cancellationToken)
    {
        var file = plan.File;
        var statement = plan.Segments[index].Standalone!;

        // Recorded before the statement runs: if the run dies after it, the next run knows it may have completed.
        _phase = "recording progress";
        await RecordProgressAsync(plan, index, cancellationToken).ConfigureAwait(false);
        await StepAsync(file, MigrationStepKind.Statement, index, statement.Index, cancellationToken).ConfigureAwait(false);
        _current = statement;
        _phase = $"statement {statement.Index + 1}, outside any transaction";

        var concurrentIndex = ConcurrentIndexBuild.Parse(statement.Statement.Text);
        if (concurrentIndex is not null)
        {
            await concurrentIndex.BeforeAsync(session, file.FileName, log, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await session.ExecuteAsync(statement.Statement.Text, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (resuming && AlreadyDoneStates.Contains(exception.SqlState))
        {
            log.Warning(MigrationWarnings.Resuming,
                $"{file.FileName} line {statement.Statement.Line}: {exception.MessageText}; the interrupted run had completed this statement, so the file continues after it.");
        }
        catch (Exception) when (concurrentIndex is not null)
        {
            await concurrentIndex.AfterFailureAsync(session, file.FileName, log).ConfigureAwait(false);
            throw;
        }

        _current = null;
        await StepAsync(file, MigrationStepKind.Record, index, -1, cancellationToken).ConfigureAwait(false);
        _phase = "recording progress";
        await RecordProgressAsync(plan, index + 1, cancellationToken).ConfigureAwait(false);
    }

    private Task RecordProgressAsync(FilePlan plan, int partsDone, CancellationToken cancellationToken) =>
        session.ExecuteAsync(BookkeepingSql.UpsertProgress, cancellationToken, plan.File.Version, plan.File.Sha256, partsDone, plan.Segments.Count);

    private Task StepAsync(MigrationFile file, MigrationStepKind kind, int segment, int statement, CancellationToken cancellationToken) =>
        options.Observer?.BeforeStepAsync(new MigrationStep(file, kind, segment, statement, session.BackendProcessId), cancellationToken) ?? Task.CompletedTask;

    /// <summary>True for the exceptions a database failure surfaces as (as opposed to bugs).</summary>
    public static bool IsDatabaseFailure(Exception exception) =>
        exception is NpgsqlException or IOException or SocketException or EndOfStreamException or TimeoutException
        || (exception is InvalidOperationException && exception.Message.Contains("connection", StringComparison.OrdinalIgnoreCase));

    /// <summary>Turns a failure into a coded error located in the file: the statement's line, or the exact line of the error position.</summary>
    public MigrationTasksException Translate(Exception exception, FilePlan plan)
    {
        var file = plan.File;
        var statement = _current;
        var line = statement?.Statement.Line ?? (file.Statements.Count > 0 ? file.Statements[^1].Line : 1);
        var state = plan.IsMultiPart
            ? _partsDone > 0
                ? $"Parts 1-{_partsDone} of the {plan.Segments.Count} parts of this file are applied and recorded; the next run resumes at part {_partsDone + 1}."
                : "No part of this file was applied (earlier files stay applied)."
            : "Nothing from this file was applied (earlier files stay applied).";

        if (exception is PostgresException postgres && !IsConnectionLoss(postgres.SqlState))
        {
            switch (postgres.SqlState)
            {
                case LockNotAvailable:
                    return Errors.Errors.MigrationLockTimeout(file.Path, line, postgres.MessageText, _attempts, options.LockTimeout ?? "the server's");
                case "57014" when postgres.MessageText.Contains("statement timeout", StringComparison.Ordinal):
                    return Errors.Errors.MigrationStatementTimeout(file.Path, line, options.StatementTimeout ?? "the server's");
            }

            var (errorLine, column) = Locate(file, statement?.Statement, postgres);
            var detail = $"{postgres.SqlState}: {postgres.MessageText}"
                + (string.IsNullOrEmpty(postgres.Detail) ? "" : $" ({postgres.Detail})")
                + (string.IsNullOrEmpty(postgres.Hint) ? "" : $" Hint: {postgres.Hint}")
                + (string.IsNullOrEmpty(postgres.Where) ? "" : $" [{postgres.Where.ReplaceLineEndings(" / ")}]")
                + (statement is null ? $" (while {_phase})" : $" (statement {statement.Index + 1} of {file.Statements.Count}, starting at line {statement.Statement.Line})");
            return postgres.SqlState == "42601"
                ? Errors.Errors.MigrationSyntaxError(file.Path, errorLine, column, detail)
                : Errors.Errors.MigrationStatementFailed(file.Path, errorLine, column, detail, state);
        }

        var reason = exception is PostgresException lost ? $"{lost.SqlState}: {lost.MessageText}" : exception.Message;
        return Errors.Errors.MigrationConnectionLost(file.Path, line, _phase, reason, exception);
    }

    /// <summary>Server gone or session ended: admin shutdown, crash shutdown, cannot connect now, connection exceptions (08xxx).</summary>
    private static bool IsConnectionLoss(string sqlState) => sqlState is "57P01" or "57P02" or "57P03" || sqlState.StartsWith("08", StringComparison.Ordinal);

    /// <summary>The file line and column of an error: from its position in the statement, or its line in a DO body.</summary>
    private static (int Line, int Column) Locate(MigrationFile file, SqlStatement? statement, PostgresException error)
    {
        if (statement is null)
        {
            return (file.Statements.Count > 0 ? file.Statements[^1].Line : 1, 0);
        }

        var lines = new TextLines(file.Content);
        if (error.Position > 0)
        {
            var offset = statement.Offset + TextLines.OffsetOfPosition(statement.Text, error.Position);
            return (lines.LineOf(offset), lines.ColumnOf(offset));
        }

        // A runtime error inside a DO block: "PL/pgSQL function inline_code_block line N at ...", N counted from the body's first line.
        var match = InlineBlockLine().Match(error.Where ?? "");
        if (match.Success && SqlTokens.Read(statement.Text).FirstOrDefault(t => t.Kind == SqlTokenKind.String) is { } body)
        {
            return (lines.LineOf(statement.Offset + body.Offset) + int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1, 0);
        }

        return (statement.Line, 0);
    }

    [GeneratedRegex(@"inline_code_block line (\d+)")]
    private static partial Regex InlineBlockLine();
}
