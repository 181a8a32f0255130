using System.Text.Json;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using Npgsql;

namespace MigrationTasks.Release;

/// <summary>How Migrate keeps clients out while it works.</summary>
public enum MaintenanceMode
{
    /// <summary>Clients stay connected (migrations take their locks with lock_timeout).</summary>
    None,

    /// <summary>The API's role (authenticator on Supabase) gets CONNECTION LIMIT 0 and its sessions are ended.</summary>
    ConnectionLimit,

    /// <summary>CONNECT on the database is revoked from PUBLIC and the API's role, and their sessions are ended.</summary>
    RevokeConnect,
}

/// <summary>What maintenance mode changed, so it can be put back (written to maintenance.json for Rollback too).</summary>
public sealed record MaintenanceState
{
    public const string FileName = "maintenance.json";

    public required MaintenanceMode Mode { get; init; }

    public required string Role { get; init; }

    public required string Database { get; init; }

    /// <summary>The role's connection limit before (-1: none).</summary>
    public int PreviousConnectionLimit { get; init; } = -1;

    /// <summary>Who held CONNECT on the database before (PUBLIC and/or the role): granted back afterwards.</summary>
    public IReadOnlyList<string> RevokedConnect { get; init; } = [];

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Rehearsal.RehearsalReceipt.Json));
    }

    public static MaintenanceState Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<MaintenanceState>(File.ReadAllText(path), Rehearsal.RehearsalReceipt.Json) ?? throw new JsonException("empty file");
        }
        catch (Exception exception) when (exception is JsonException or IOException)
        {
            throw Errors.Errors.MaintenanceStateUnreadable(path, exception.Message);
        }
    }
}

/// <summary>
/// Maintenance mode on production: locks the API's role out (connection limit 0, or CONNECT revoked) and ends its
/// sessions; <see cref="EndAsync"/> puts back exactly what was there. The migrating session is a superuser or the
/// database owner, which neither mode locks out.
/// </summary>
public static class Maintenance
{
    public static async Task<MaintenanceState> BeginAsync(DatabaseConnection production, MaintenanceMode mode, string role, IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(production);
        ArgumentNullException.ThrowIfNull(log);
        await using var connection = await ServerInfo.OpenAsync(production.With(b => b.Pooling = false), cancellationToken).ConfigureAwait(false);
        var limit = await ScalarAsync<int?>(connection, "SELECT rolconnlimit FROM pg_catalog.pg_roles WHERE rolname = $1", cancellationToken, role).ConfigureAwait(false)
            ?? throw Errors.Errors.MaintenanceRoleMissing(role);
        var state = new MaintenanceState { Mode = mode, Role = role, Database = production.Database, PreviousConnectionLimit = limit };
        var quotedRole = SqlQuote.Identifier(role);
        if (mode == MaintenanceMode.ConnectionLimit)
        {
            await ExecuteAsync(connection, $"ALTER ROLE {quotedRole} CONNECTION LIMIT 0", cancellationToken).ConfigureAwait(false);
        }
        else if (mode == MaintenanceMode.RevokeConnect)
        {
            var holders = new List<string>();
            if (await ScalarAsync<bool>(connection, "SELECT has_database_privilege('public', current_database(), 'CONNECT')", cancellationToken).ConfigureAwait(false))
            {
                holders.Add("PUBLIC");
            }

            if (await ScalarAsync<bool>(connection, "SELECT EXISTS (SELECT FROM pg_catalog.pg_database d, aclexplode(d.datacl) x WHERE d.datname = current_database() AND x.grantee = $1::regrole AND x.privilege_type = 'CONNECT')", cancellationToken, role).ConfigureAwait(false))
            {
                holders.Add(role);
            }

            state = state with { RevokedConnect = holders };
            foreach (var holder in holders)
            {
                await ExecuteAsync(connection, $"REVOKE CONNECT ON DATABASE {SqlQuote.Identifier(production.Database)} FROM {Grantee(holder)}", cancellationToken).ConfigureAwait(false);
            }
        }

        var ended = await ScalarAsync<long>(connection,
            "SELECT count(pg_catalog.pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity WHERE usename = $1 AND datname = current_database() AND pid <> pg_backend_pid()",
            cancellationToken, role).ConfigureAwait(false);
        log.Info($"Maintenance mode ON ({Describe(mode)} for {role}); {ended} session(s) of {role} ended.");
        return state;
    }

    /// <summary>Puts back what <see cref="BeginAsync"/> changed.</summary>
    public static async Task EndAsync(DatabaseConnection production, MaintenanceState state, IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(production);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(log);
        await using var connection = await ServerInfo.OpenAsync(production.With(b => b.Pooling = false), cancellationToken).ConfigureAwait(false);
        if (state.Mode == MaintenanceMode.ConnectionLimit)
        {
            await ExecuteAsync(connection, $"ALTER ROLE {SqlQuote.Identifier(state.Role)} CONNECTION LIMIT {state.PreviousConnectionLimit}", cancellationToken).ConfigureAwait(false);
        }

        foreach (var holder in state.RevokedConnect)
        {
            await ExecuteAsync(connection, $"GRANT CONNECT ON DATABASE {SqlQuote.Identifier(state.Database)} TO {Grantee(holder)}", cancellationToken).ConfigureAwait(false);
        }

        log.Info($"Maintenance mode OFF: {state.Role} can connect again.");
    }

    public static MaintenanceMode Parse(string? value) => (value ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "none" => MaintenanceMode.None,
        "connection-limit" => MaintenanceMode.ConnectionLimit,
        "revoke-connect" => MaintenanceMode.RevokeConnect,
        _ => throw Errors.Errors.InvalidProperty("MaintenanceMode", value!, "none (the default), connection-limit or revoke-connect"),
    };

    private static string Describe(MaintenanceMode mode) => mode == MaintenanceMode.ConnectionLimit ? "connection limit 0" : "CONNECT revoked";

    private static string Grantee(string holder) => holder == "PUBLIC" ? "PUBLIC" : SqlQuote.Identifier(holder);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, string? parameter = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.AddWithValue(parameter);
        }

        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? default! : (T)value;
    }
}
