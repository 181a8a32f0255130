using System.Globalization;

namespace MigrationTasks.Pooler;

/// <summary>What the user knows about their database and their traffic.</summary>
/// <param name="MaxConnections">The plan's max_connections (Supabase: 60 on Micro, 90 on Small, 120 on Medium, ...).</param>
/// <param name="ReservedConnections">
/// Server connections that must stay free for everything that does not go through this pooler: superuser_reserved_connections,
/// Supabase's own services (Auth, Storage, Realtime, PostgREST's pool), the dashboard, migrations and backups.
/// </param>
/// <param name="ConcurrentRequests">The most requests the application runs against the database at the same moment.</param>
public sealed record PoolSettings(int MaxConnections, int ReservedConnections, int ConcurrentRequests);

/// <summary>The sizes to write into <c>[db.pooler]</c>, and the arithmetic, for the log.</summary>
public sealed record PoolSize(int DefaultPoolSize, int MaxClientConnections, int UsableConnections, string Explanation);

/// <summary>
/// Sizes a transaction-mode pool. In transaction mode a server connection is busy only while a transaction runs, so
/// the pool never needs more server connections than there are concurrent requests, and must never take more than
/// the server can spare:
/// <code>
/// usable            = max_connections - reserved
/// default_pool_size = min(usable, concurrent requests)
/// max_client_conn   = max(default_pool_size, ceil(1.5 x concurrent requests))
/// </code>
/// The 50% head-room on the client side lets a burst above the expected peak wait in the pooler's queue instead of
/// being refused; clients beyond the pool size queue, they do not fail.
/// </summary>
public static class PoolSizing
{
    /// <summary>Client-side head-room over the expected concurrent requests.</summary>
    public const double ClientHeadroom = 1.5;

    public static PoolSize Compute(PoolSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MaxConnections < 1)
        {
            throw Errors.Errors.PoolSettingInvalid("PoolerMaxConnections", settings.MaxConnections, "the plan's max_connections, a whole number of at least 1");
        }

        if (settings.ReservedConnections < 0 || settings.ReservedConnections >= settings.MaxConnections)
        {
            throw Errors.Errors.PoolSettingInvalid("PoolerReservedConnections", settings.ReservedConnections,
                $"0 or more and less than PoolerMaxConnections ({settings.MaxConnections}), so that the pool gets at least one server connection");
        }

        if (settings.ConcurrentRequests < 1)
        {
            throw Errors.Errors.PoolSettingInvalid("PoolerConcurrentRequests", settings.ConcurrentRequests, "the expected concurrent requests, a whole number of at least 1");
        }

        var usable = settings.MaxConnections - settings.ReservedConnections;
        var pool = Math.Min(usable, settings.ConcurrentRequests);
        var clients = Math.Max(pool, (int)Math.Ceiling(settings.ConcurrentRequests * ClientHeadroom));
        var explanation = string.Create(CultureInfo.InvariantCulture,
            $"usable = {settings.MaxConnections} max connections - {settings.ReservedConnections} reserved = {usable}; " +
            $"default_pool_size = min({usable}, {settings.ConcurrentRequests} concurrent requests) = {pool}; " +
            $"max_client_conn = max({pool}, ceil({ClientHeadroom} x {settings.ConcurrentRequests})) = {clients}");
        return new PoolSize(pool, clients, usable, explanation);
    }
}
