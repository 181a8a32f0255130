using System.Collections.Concurrent;
using System.Globalization;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Migrations;
using MigrationTasks.Servers;
using Npgsql;

namespace MigrationTasks.Pooler;

/// <summary>An endpoint the user declares to be a transaction-mode pooler; a null host matches any host.</summary>
public sealed record PoolerEndpoint(string? Host, int Port)
{
    public bool Matches(DatabaseConnection connection) =>
        connection.Port == Port && (Host is null || string.Equals(Host, connection.Host, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => $"{Host ?? "*"}:{Port.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>How to tell a transaction-mode pooler: a list of known endpoints, and whether to ask the server.</summary>
public sealed record PoolerCheckOptions
{
    /// <summary>Endpoints that are transaction-mode poolers, whatever a probe says.</summary>
    public IReadOnlyList<PoolerEndpoint> TransactionPoolers { get; init; } = [];

    /// <summary>Ask the server (see <see cref="TransactionPoolerCheck"/>); false trusts the list and Supabase's ports alone.</summary>
    public bool Probe { get; init; } = true;

    /// <summary>Reads <c>host:port</c> / <c>*:port</c> entries separated by spaces, '|', ';' or ','.</summary>
    public static IReadOnlyList<PoolerEndpoint> ParseList(string? list)
    {
        var endpoints = new List<PoolerEndpoint>();
        foreach (var entry in (list ?? "").Split([' ', '|', ';', ',', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.LastIndexOf(':');
            var host = colon > 0 ? entry[..colon].Trim('[', ']') : "";
            if (colon <= 0 || host.Length == 0 || !int.TryParse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw Errors.Errors.TransactionPoolerListInvalid(entry);
            }

            endpoints.Add(new PoolerEndpoint(host == "*" ? null : host, port));
        }

        return endpoints;
    }
}

/// <summary>Whether a connection goes through a transaction-mode pooler, and how that was established.</summary>
public sealed record PoolerVerdict(bool IsTransactionPooler, string Evidence);

/// <summary>
/// The one check every part that needs a session of its own runs first (migrations, the migration lock, backups, the
/// index analysis). A transaction-mode pooler (PgBouncer <c>pool_mode = transaction</c>, Supavisor on 6543) hands each
/// transaction to whichever server connection is free, so session settings, session advisory locks, prepared
/// statements and a pg_dump snapshot do not survive between transactions. It is recognised, in this order:
/// <list type="number">
/// <item>by a configured list of endpoints (<c>TransactionPoolers</c>);</item>
/// <item>by Supabase's port: 6543 on a <c>*.supabase.com</c> / <c>*.supabase.co</c> host is always the transaction pooler;</item>
/// <item>by asking the server: a first connection reads <c>pg_backend_pid()</c> twice and stays open; a second connection
/// reads it five times. Through a direct connection or a session-mode pooler each client connection keeps one server
/// process for its whole life, so every pid of a connection is the same and the two connections' pids differ. Through
/// a transaction-mode pooler a server connection is returned to the pool at every commit, so the second connection is
/// served by the first one's server process (PgBouncer reuses the most recently freed one) or the pids change between
/// transactions. Either proves transaction pooling; neither happening can only mean a session, or a busy pooler, which
/// is what the list is for.</item>
/// </list>
/// PgBouncer's SHOW commands answer only on its admin console (database <c>pgbouncer</c>, admin users only), so they
/// cannot tell an ordinary connection anything. Verdicts are cached per endpoint for the process.
/// </summary>
public static class TransactionPoolerCheck
{
    /// <summary>Supabase's transaction-mode pooler port (the session pooler and direct connections use 5432).</summary>
    public const int SupabaseTransactionPort = 6543;

    private const int SecondConnectionReads = 5;

    private static readonly ConcurrentDictionary<string, PoolerVerdict> Verdicts = new(StringComparer.Ordinal);

    /// <summary>Throws MT0720 when <paramref name="target"/> is a transaction-mode pooler; <paramref name="purpose"/> says what needed a session.</summary>
    public static async Task RequireSessionAsync(DatabaseConnection target, string purpose, PoolerCheckOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        var verdict = await DetectAsync(target, options, cancellationToken).ConfigureAwait(false);
        if (verdict.IsTransactionPooler)
        {
            throw Errors.Errors.TransactionPoolerRefused(target.Describe(), purpose, verdict.Evidence);
        }

        log.Detail($"{target.Describe()} keeps a session per connection ({verdict.Evidence}).");
    }

    /// <summary>Decides whether the connection goes through a transaction-mode pooler.</summary>
    public static async Task<PoolerVerdict> DetectAsync(DatabaseConnection target, PoolerCheckOptions options, CancellationToken cancellationToken)
    {
        if (options.TransactionPoolers.FirstOrDefault(e => e.Matches(target)) is { } listed)
        {
            return new PoolerVerdict(true, $"listed in TransactionPoolers as {listed}");
        }

        if (IsSupabaseTransactionPooler(target))
        {
            return new PoolerVerdict(true, $"port {SupabaseTransactionPort} on a Supabase host is Supabase's transaction pooler");
        }

        if (!options.Probe)
        {
            return new PoolerVerdict(false, "not listed in TransactionPoolers, and the probe is off");
        }

        var key = $"{target.Username}@{target.Host}:{target.Port.ToString(CultureInfo.InvariantCulture)}/{target.Database}";
        if (Verdicts.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var verdict = await ProbeAsync(target, cancellationToken).ConfigureAwait(false);
        Verdicts[key] = verdict;
        return verdict;
    }

    /// <summary>Port 6543 on Supabase's pooler or database hosts.</summary>
    public static bool IsSupabaseTransactionPooler(DatabaseConnection target) =>
        target.Port == SupabaseTransactionPort
        && (target.Host.EndsWith(".supabase.com", StringComparison.OrdinalIgnoreCase) || target.Host.EndsWith(".supabase.co", StringComparison.OrdinalIgnoreCase));

    private static async Task<PoolerVerdict> ProbeAsync(DatabaseConnection target, CancellationToken cancellationToken)
    {
        // Unpooled on our side: each NpgsqlConnection here must be a client connection of its own.
        var probe = target.With(b =>
        {
            b.Pooling = false;
            b.ApplicationName = "MigrationTasks pooler check";
            b.MaxAutoPrepare = 0;
            b.NoResetOnClose = true;
        });
        await using var first = await ServerInfo.OpenAsync(probe, cancellationToken).ConfigureAwait(false);
        var firstPids = new[] { await PidAsync(first, cancellationToken).ConfigureAwait(false), await PidAsync(first, cancellationToken).ConfigureAwait(false) };
        if (firstPids[0] != firstPids[1])
        {
            return Transaction($"one client connection was served by server processes {firstPids[0]} and {firstPids[1]} in two transactions");
        }

        await using var second = await ServerInfo.OpenAsync(probe, cancellationToken).ConfigureAwait(false);
        var secondPids = new List<int>();
        for (var read = 0; read < SecondConnectionReads; read++)
        {
            var pid = await PidAsync(second, cancellationToken).ConfigureAwait(false);
            if (pid == firstPids[0])
            {
                return Transaction($"a second client connection, opened while the first stayed open, was served by the first one's server process {pid}");
            }

            secondPids.Add(pid);
        }

        return secondPids.Distinct().Count() > 1
            ? Transaction($"one client connection was served by server processes {string.Join(", ", secondPids.Distinct())} in successive transactions")
            : new PoolerVerdict(false, $"each client connection kept its own server process ({firstPids[0]}, {secondPids[0]}) across transactions");
    }

    private static PoolerVerdict Transaction(string evidence) => new(true, "asked the server: " + evidence);

    private static async Task<int> PidAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        await new SqlSession(connection).ScalarAsync<int>("SELECT pg_backend_pid()", cancellationToken).ConfigureAwait(false);
}
