using System.Diagnostics;
using MigrationTasks.Common;

namespace MigrationTasks.Migrations;

/// <summary>
/// The migration lock: a session-level PostgreSQL advisory lock on a fixed key, so two runners on one database
/// never interleave. Session-level, not transaction-level: non-transactional statements (CREATE INDEX
/// CONCURRENTLY) run outside any transaction, and a transaction-scoped lock held meanwhile by another session
/// makes CONCURRENTLY wait for it forever (flyway#3497). The lock ends with the session, so a crashed runner
/// never leaves it behind.
/// </summary>
internal static class RunnerLock
{
    /// <summary>The key, "MT_MIGRA" in ASCII; documented so other tools can take the same lock.</summary>
    public const long Key = 0x4D545F4D49475241;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static async Task AcquireAsync(SqlSession session, string database, TimeSpan timeout, IEngineLog log, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        string? holder = null;
        while (!await session.ScalarAsync<bool>("SELECT pg_try_advisory_lock($1)", cancellationToken, Key).ConfigureAwait(false))
        {
            if (holder is null)
            {
                holder = await DescribeHolderAsync(session, cancellationToken).ConfigureAwait(false);
                log.Info($"Waiting for the migration lock on {database}: another runner holds it ({holder}); waiting up to {timeout.TotalSeconds:0} s.");
            }

            if (waited.Elapsed >= timeout)
            {
                throw Errors.Errors.RunnerLockTimeout(database, await DescribeHolderAsync(session, cancellationToken).ConfigureAwait(false), waited.Elapsed);
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        if (holder is not null)
        {
            log.Info($"Got the migration lock after {waited.Elapsed.TotalSeconds:0.0} s.");
        }
    }

    public static async Task ReleaseAsync(SqlSession session)
    {
        try
        {
            await session.ExecuteAsync("SELECT pg_advisory_unlock($1)", CancellationToken.None, Key).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or InvalidOperationException or IOException)
        {
            // The session is gone, and the lock with it.
        }
    }

    /// <summary>Who holds the lock: process id, application, client, since when.</summary>
    private static async Task<string> DescribeHolderAsync(SqlSession session, CancellationToken cancellationToken)
    {
        var holders = await session.QueryAsync(
            "SELECT a.pid, coalesce(nullif(a.application_name, ''), 'no application name'), coalesce(host(a.client_addr), 'local'), a.backend_start " +
            "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid " +
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) " +
            "AND l.classid::bigint = ($1 >> 32) AND l.objid::bigint = ($1 & 4294967295)",
            r => $"pid {r.GetInt32(0)}, '{r.GetString(1)}' from {r.GetString(2)}, connected since {r.GetDateTime(3):u}",
            cancellationToken, Key).ConfigureAwait(false);
        return holders.Count > 0 ? holders[0] : "a session that has just released it";
    }
}
