using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Servers;
using Npgsql;

namespace MigrationTasks.Migrations;

/// <summary>What <c>RepairMigrations</c> records for the versions it is given.</summary>
public enum RepairStatus
{
    /// <summary>Record the versions as applied (the local files' statements), without running them.</summary>
    Applied,

    /// <summary>Remove the versions from the history, without undoing anything.</summary>
    Reverted,
}

/// <summary>
/// <c>supabase migration repair</c>: edits the history only, never runs migration SQL. Applied upserts the
/// CLI's row exactly as the CLI does (statements parsed from the local file, which must exist) and our
/// bookkeeping row (how = repaired); reverted deletes both. Under the migration lock, in one transaction.
/// </summary>
public static class MigrationRepair
{
    public static async Task RepairAsync(DatabaseConnection target, MigrationSet set, IReadOnlyList<string> versions, RepairStatus status,
        ApplyOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        foreach (var version in versions)
        {
            if (!MigrationVersion.IsValid(version))
            {
                throw Errors.Errors.InvalidMigrationVersion(version);
            }
        }

        if (versions.Count == 0)
        {
            throw Errors.Errors.InvalidMigrationVersion("");
        }

        var files = status == RepairStatus.Applied
            ? versions.Select(v => set.Find(v) ?? throw Errors.Errors.RepairFileMissing(v, set.Directory)).ToList()
            : [];

        var database = target.Describe();
        await Pooler.TransactionPoolerCheck.RequireSessionAsync(target, "repairing the migration history (under the migration lock, a session advisory lock)", options.PoolerCheck, log, cancellationToken).ConfigureAwait(false);
        await using var connection = await ServerInfo.OpenAsync(target.With(b =>
        {
            b.ApplicationName = "MigrationTasks RepairMigrations";
            b.Pooling = false;
        }), cancellationToken).ConfigureAwait(false);
        var session = new SqlSession(connection);
        await RunnerLock.AcquireAsync(session, database, options.RunnerLockTimeout, log, cancellationToken).ConfigureAwait(false);
        try
        {
            var history = await MigrationHistory.ReadAsync(session, cancellationToken).ConfigureAwait(false);
            await MigrationHistory.EnsureTablesAsync(session, history.Provisioned, cancellationToken).ConfigureAwait(false);
            await session.ExecuteAsync("BEGIN", cancellationToken).ConfigureAwait(false);
            if (status == RepairStatus.Applied)
            {
                foreach (var file in files)
                {
                    await session.ExecuteAsync(SupabaseHistorySql.Upsert, cancellationToken, file.Version, file.Name, file.RecordedStatements.ToArray()).ConfigureAwait(false);
                    await session.ExecuteAsync(BookkeepingSql.UpsertApplied, cancellationToken,
                        file.Version, file.Name, file.Sha256, file.Statements.Count, 0L, options.ToolVersion, "repaired").ConfigureAwait(false);
                }
            }
            else
            {
                await session.ExecuteAsync(SupabaseHistorySql.Delete, cancellationToken, (object)versions.ToArray()).ConfigureAwait(false);
                await session.ExecuteAsync(BookkeepingSql.DeleteApplied, cancellationToken, (object)versions.ToArray()).ConfigureAwait(false);
            }

            await session.ExecuteAsync(BookkeepingSql.DeleteProgress, cancellationToken, (object)versions.ToArray()).ConfigureAwait(false);
            await session.ExecuteAsync("COMMIT", cancellationToken).ConfigureAwait(false);

            foreach (var version in versions)
            {
                var was = history.AppliedVersions.Contains(version) ? "was applied" : "was not in the history";
                log.Info(status == RepairStatus.Applied
                    ? $"  {version}: recorded as applied ({was}); no SQL was run."
                    : $"  {version}: removed from the history ({was}); nothing was undone in the schema.");
            }

            log.Info($"Repaired the migration history of {database}: {versions.Count} version(s) marked {status.ToString().ToLowerInvariant()}.");
        }
        catch (PostgresException exception)
        {
            await session.RollbackQuietlyAsync().ConfigureAwait(false);
            throw Errors.Errors.HistoryTableUnusable($"the repair failed with {exception.SqlState}: {exception.MessageText}");
        }
        catch (Exception exception) when (FileApplier.IsDatabaseFailure(exception))
        {
            throw Errors.Errors.ConnectionFailed(database, $"the connection was lost during the repair, which was rolled back ({exception.Message})", exception);
        }
        finally
        {
            await RunnerLock.ReleaseAsync(session).ConfigureAwait(false);
        }
    }
}
