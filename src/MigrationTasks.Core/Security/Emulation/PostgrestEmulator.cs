using System.Text.Json.Nodes;
using Npgsql;

namespace MigrationTasks.Security.Emulation;

/// <summary>
/// Runs SQL exactly as PostgREST runs a supabase-js call, on a connection the caller owns. A request is a
/// transaction (or, inside one, a savepoint) that PostgREST's context is set up in and that is always rolled back:
/// the session becomes <c>authenticator</c> (see <see cref="ImpersonationMode"/>), then one statement of
/// <c>set_config(..., true)</c> calls sets, in PostgREST's order, <c>search_path</c>, the settings of
/// <c>authenticator</c> and of the impersonated role (its <c>statement_timeout</c>, ...), <c>role</c>,
/// <c>request.jwt.claims</c>, <c>request.method</c>, <c>request.path</c>, <c>request.headers</c> and
/// <c>request.cookies</c>. Everything is transaction-local, so no role, claim or row outlives the request:
/// after it <c>current_setting('request.jwt.claims', true)</c> reads <c>''</c>, as after a PostgREST request.
/// </summary>
public sealed class PostgrestEmulator
{
    private readonly NpgsqlConnection _connection;
    private readonly Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>> _roleSettings = new(StringComparer.Ordinal);
    private readonly bool _sessionIsAuthenticator;
    private int _savepoints;

    private PostgrestEmulator(NpgsqlConnection connection, ApiSettings settings, ImpersonationMode mode, bool sessionIsAuthenticator)
    {
        _connection = connection;
        Settings = settings;
        Mode = mode;
        _sessionIsAuthenticator = sessionIsAuthenticator;
    }

    /// <summary>The connection requests run on.</summary>
    public NpgsqlConnection Connection => _connection;

    public ApiSettings Settings { get; }

    public ImpersonationMode Mode { get; }

    /// <summary>What the report says about how roles were entered.</summary>
    public string Describe() => Mode switch
    {
        ImpersonationMode.Authenticator when _sessionIsAuthenticator => "the session is authenticator (SET SESSION AUTHORIZATION), which switches to the API role per request, as PostgREST's connection does",
        ImpersonationMode.Authenticator => "each request becomes authenticator (SET LOCAL SESSION AUTHORIZATION), which switches to the API role, as PostgREST's connection does",
        _ => "the connecting role is not a superuser, so each request switches to the API role directly (set_config('role', ..., true)), as Supabase's RLS tests do; authenticator's own limits are not checked",
    };

    /// <summary>
    /// Takes over <paramref name="connection"/> (open, no transaction): checks that the API roles exist and can be
    /// entered, and chooses the <see cref="ImpersonationMode"/>. With <paramref name="sessionAsAuthenticator"/>
    /// (superusers only) the whole session becomes <c>authenticator</c>, exactly PostgREST's connection: outside a
    /// request it can then read nothing.
    /// </summary>
    public static async Task<PostgrestEmulator> AttachAsync(NpgsqlConnection connection, ApiSettings settings, CancellationToken cancellationToken, bool sessionAsAuthenticator = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string probe = """
            select r.rolname::text, r.rolsuper,
                   array(select a.rolname::text from pg_catalog.pg_roles a where a.rolname = any(@roles)
                         and pg_catalog.pg_has_role(r.oid, a.oid, 'MEMBER')) as member_of,
                   array(select a.rolname::text from pg_catalog.pg_roles a where a.rolname = any(@roles)) as existing,
                   array(select a.rolname::text from pg_catalog.pg_roles a join pg_catalog.pg_roles au on au.rolname = 'authenticator'
                         where a.rolname = any(@roles) and pg_catalog.pg_has_role(au.oid, a.oid, 'MEMBER')) as authenticator_of
            from pg_catalog.pg_roles r where r.rolname = current_user
            """;
        string user;
        bool superuser;
        string[] memberOf;
        string[] existing;
        string[] authenticatorOf;
        await using (var command = new NpgsqlCommand(probe, connection))
        {
            command.Parameters.AddWithValue("roles", ApiRoles.All.Append(ApiRoles.Authenticator).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            user = reader.GetString(0);
            superuser = reader.GetBoolean(1);
            memberOf = reader.GetFieldValue<string[]>(2);
            existing = reader.GetFieldValue<string[]>(3);
            authenticatorOf = reader.GetFieldValue<string[]>(4);
        }

        var missing = ApiRoles.All.Append(ApiRoles.Authenticator).Except(existing, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw Errors.Errors.ApiRolesMissing($"it has no role {string.Join(", ", missing)}, so it is not a Supabase database");
        }

        var unreachable = ApiRoles.All.Except(authenticatorOf, StringComparer.Ordinal).ToList();
        if (unreachable.Count > 0)
        {
            throw Errors.Errors.ApiRolesMissing($"authenticator is not a member of {string.Join(", ", unreachable)}, so PostgREST could not switch to it");
        }

        ImpersonationMode mode;
        if (superuser)
        {
            mode = ImpersonationMode.Authenticator;
        }
        else if (ApiRoles.All.All(role => memberOf.Contains(role, StringComparer.Ordinal)))
        {
            mode = ImpersonationMode.MemberRole;
        }
        else
        {
            throw Errors.Errors.CannotImpersonate(user, string.Join(", ", ApiRoles.All.Except(memberOf, StringComparer.Ordinal)));
        }

        if (sessionAsAuthenticator && mode == ImpersonationMode.Authenticator)
        {
            await using var command = new NpgsqlCommand($"SET SESSION AUTHORIZATION {Sql.SqlQuote.Identifier(ApiRoles.Authenticator)}", connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new PostgrestEmulator(connection, settings, mode, sessionAsAuthenticator && mode == ImpersonationMode.Authenticator);
    }

    /// <summary>
    /// One request in its own transaction (READ ONLY when the request is), rolled back afterwards whatever happens.
    /// </summary>
    public async Task<T> RequestAsync<T>(ApiPersona persona, ApiRequest request, Func<NpgsqlConnection, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(persona);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        await ExecuteAsync($"BEGIN ISOLATION LEVEL READ COMMITTED {(request.ReadOnly ? "READ ONLY" : "READ WRITE")}", cancellationToken).ConfigureAwait(false);
        try
        {
            await EnterAsync(persona, request, setReadOnly: false, cancellationToken, savepoint: null).ConfigureAwait(false);
            return await body(_connection, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await RollbackQuietlyAsync("ROLLBACK").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One request inside the caller's open transaction (after its fixtures): a savepoint that is rolled back to,
    /// so the request's role, claims, settings and writes end with it and the next request sees the same data.
    /// </summary>
    public async Task<T> NestedRequestAsync<T>(ApiPersona persona, ApiRequest request, Func<NpgsqlConnection, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(persona);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        var savepoint = "pgrst_request_" + (++_savepoints).ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await EnterAsync(persona, request, setReadOnly: request.ReadOnly, cancellationToken, savepoint).ConfigureAwait(false);
            return await body(_connection, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await RollbackQuietlyAsync($"ROLLBACK TO SAVEPOINT {savepoint}; RELEASE SAVEPOINT {savepoint}").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Like <see cref="NestedRequestAsync{T}(ApiPersona, ApiRequest, Func{NpgsqlConnection, CancellationToken, Task{T}}, CancellationToken)"/>
    /// for a single statement, sent in the same round trip as the request's context: <paramref name="read"/> gets the
    /// reader on the statement's result (a statement without one leaves it past the last result). An error in the
    /// context (an unknown role claim) surfaces like the statement's own, as PostgREST reports it for the request.
    /// </summary>
    public async Task<T> NestedRequestAsync<T>(ApiPersona persona, ApiRequest request, NpgsqlBatchCommand statement, Func<NpgsqlDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(persona);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(read);
        var savepoint = "pgrst_request_" + (++_savepoints).ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await using var batch = await ContextBatchAsync(persona, request, request.ReadOnly, savepoint, cancellationToken).ConfigureAwait(false);
            batch.BatchCommands.Add(statement);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the set_config row
            return await read(reader, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await RollbackQuietlyAsync($"ROLLBACK TO SAVEPOINT {savepoint}; RELEASE SAVEPOINT {savepoint}").ConfigureAwait(false);
        }
    }

    /// <summary>The settings of authenticator and of <paramref name="role"/> that PostgREST applies as locals.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> RoleSettingsAsync(string role, CancellationToken cancellationToken)
    {
        if (_roleSettings.TryGetValue(role, out var cached))
        {
            return cached;
        }

        // Database-specific settings after the global ones, so they win; only settings a plain role may change
        // (context 'user') and custom ones (a dot in the name), as PostgREST can only apply those.
        const string sql = """
            select split_part(s.setting, '=', 1), substr(s.setting, strpos(s.setting, '=') + 1)
            from pg_catalog.pg_db_role_setting d
            join pg_catalog.pg_roles r on r.oid = d.setrole
            cross join lateral unnest(d.setconfig) with ordinality s(setting, n)
            where r.rolname = any(@roles)
              and d.setdatabase in (0, (select oid from pg_catalog.pg_database where datname = current_database()))
              and (strpos(split_part(s.setting, '=', 1), '.') > 0
                   or exists (select from pg_catalog.pg_settings p where p.name = split_part(s.setting, '=', 1) and p.context = 'user'))
            order by array_position(@roles, r.rolname::text), d.setdatabase, s.n
            """;
        var settings = new List<KeyValuePair<string, string>>();
        await using (var command = new NpgsqlCommand(sql, _connection))
        {
            command.Parameters.AddWithValue("roles", new[] { ApiRoles.Authenticator, role });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                settings.Add(new(reader.GetString(0), reader.GetString(1)));
            }
        }

        _roleSettings[role] = settings;
        return settings;
    }

    private async Task EnterAsync(ApiPersona persona, ApiRequest request, bool setReadOnly, CancellationToken cancellationToken, string? savepoint)
    {
        await using var batch = await ContextBatchAsync(persona, request, setReadOnly, savepoint, cancellationToken).ConfigureAwait(false);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // One round trip: the savepoint (nested requests), the session user, the settings (one row), READ ONLY.
    private async Task<NpgsqlBatch> ContextBatchAsync(ApiPersona persona, ApiRequest request, bool setReadOnly, string? savepoint, CancellationToken cancellationToken)
    {
        var roleSettings = await RoleSettingsAsync(persona.Role, cancellationToken).ConfigureAwait(false);
        var batch = new NpgsqlBatch(_connection);
        if (savepoint is not null)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SAVEPOINT " + savepoint));
        }

        if (Mode == ImpersonationMode.Authenticator && !_sessionIsAuthenticator)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SET LOCAL SESSION AUTHORIZATION {Sql.SqlQuote.Identifier(ApiRoles.Authenticator)}"));
        }

        var settings = ContextSettings(persona, request, roleSettings);
        var call = new NpgsqlBatchCommand("SELECT " + string.Join(", ", settings.Select((_, i) => $"set_config($" + (2 * i + 1) + ", $" + (2 * i + 2) + ", true)")));
        foreach (var (name, value) in settings)
        {
            call.Parameters.Add(new NpgsqlParameter { Value = name, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            call.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        }

        batch.BatchCommands.Add(call);
        if (setReadOnly)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL transaction_read_only = on"));
        }

        return batch;
    }

    private List<KeyValuePair<string, string>> ContextSettings(ApiPersona persona, ApiRequest request, IReadOnlyList<KeyValuePair<string, string>> roleSettings)
    {
        var headers = new JsonObject();
        foreach (var (name, value) in Settings.Headers)
        {
            headers[name.ToLowerInvariant()] = value;
        }

        var settings = new List<KeyValuePair<string, string>> { new("search_path", Settings.SearchPathFor(request.Schema)) };
        settings.AddRange(roleSettings);
        settings.Add(new("role", persona.Role));
        settings.Add(new("request.jwt.claims", persona.ClaimsJson));
        settings.Add(new("request.method", request.Method));
        settings.Add(new("request.path", request.Path));
        settings.Add(new("request.headers", headers.ToJsonString()));
        settings.Add(new("request.cookies", "{}"));
        return settings;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // Always runs, even when the request was cancelled or the body threw; a broken connection has nothing to undo.
    private async Task RollbackQuietlyAsync(string sql)
    {
        if (_connection.FullState.HasFlag(System.Data.ConnectionState.Broken) || _connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        await using var command = new NpgsqlCommand(sql, _connection);
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
