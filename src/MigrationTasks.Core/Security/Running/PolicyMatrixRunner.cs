using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MigrationTasks.Common;
using MigrationTasks.Migrations;
using MigrationTasks.Security.Emulation;
using MigrationTasks.Security.Matrix;
using MigrationTasks.Sql;
using Npgsql;

namespace MigrationTasks.Security.Running;

/// <summary>
/// Runs a <see cref="PolicyMatrix"/> on a database and changes nothing: one transaction, always rolled back, holds
/// the optional setup SQL, the fixtures (as the connecting role, as GoTrue and webhooks write), the choice of each
/// persona's user, and then every case as a PostgREST request in its own savepoint (<see cref="PostgrestEmulator"/>),
/// rolled back to before the next case, so each case sees exactly the fixtures and no case sees another's writes,
/// role or claims. On a live database the only traces are sequence values the fixtures consumed (sequences are not
/// transactional) and the row locks they held for the run's few seconds.
/// </summary>
public static class PolicyMatrixRunner
{
    public static async Task<MatrixRunResult> RunAsync(NpgsqlConnection connection, PolicyMatrix matrix, ApiSettings settings, MatrixRunOptions options,
        IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var emulator = await PostgrestEmulator.AttachAsync(connection, settings, cancellationToken).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        await ExecuteAsync(connection, "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, $"SET LOCAL lock_timeout = {SqlQuote.Literal(options.LockTimeout)}", cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(options.SetupSql))
            {
                await ExecuteAsync(connection, options.SetupSql, cancellationToken).ConfigureAwait(false);
            }

            var values = new Resolver(matrix);
            foreach (var fixture in matrix.Fixtures)
            {
                await RunFixtureAsync(connection, fixture, values, cancellationToken).ConfigureAwait(false);
            }

            var fixtureDuration = watch.Elapsed;
            var personas = new Dictionary<string, ApiPersona>(StringComparer.Ordinal);
            foreach (var definition in matrix.Personas)
            {
                personas[definition.Name] = await ChoosePersonaAsync(connection, matrix, definition, values, cancellationToken).ConfigureAwait(false);
            }

            values.Personas = personas;
            log.Detail($"Fixtures and personas ready in {fixtureDuration.TotalMilliseconds:0} ms; running {matrix.Cases.Count()} cases ({emulator.Describe()}).");
            var primaryKeys = new Dictionary<string, string?>(StringComparer.Ordinal);
            var results = new List<CaseResult>();
            foreach (var check in matrix.Checks)
            {
                var prepared = await PrepareCheckAsync(connection, check, primaryKeys, cancellationToken).ConfigureAwait(false);
                foreach (var policyCase in check.Cases)
                {
                    var result = await RunCaseAsync(emulator, prepared, policyCase, personas[policyCase.Persona], values, cancellationToken).ConfigureAwait(false);
                    log.Detail($"{(result.Passed ? "pass" : "FAIL")} {result.Case.Name}: {result.Actual}");
                    results.Add(result);
                }
            }

            return new MatrixRunResult
            {
                Cases = results,
                Personas = [.. matrix.Personas.Select(p => personas[p.Name])],
                Impersonation = emulator.Describe(),
                Duration = watch.Elapsed,
                FixtureDuration = fixtureDuration,
            };
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task RunFixtureAsync(NpgsqlConnection connection, FixtureDefinition fixture, Resolver values, CancellationToken cancellationToken)
    {
        var sql = Placeholders.Resolve(fixture.Sql, name => values.Value(name, fixture.Location, personasAllowed: false), asSqlLiteral: true);
        var lines = new TextLines(sql);
        foreach (var statement in StatementSplitter.Split(sql).Where(s => !s.IsCommentOnly))
        {
            try
            {
                await ExecuteAsync(connection, statement.Text, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException exception)
            {
                var line = exception.Position > 0
                    ? lines.LineOf(statement.Offset + TextLines.OffsetOfPosition(statement.Text, exception.Position))
                    : statement.Line;
                throw Errors.Errors.FixtureFailed(fixture.Location.File, fixture.Location.Line + line - 1, exception.SqlState, exception.MessageText);
            }
        }
    }

    private static async Task<ApiPersona> ChoosePersonaAsync(NpgsqlConnection connection, PolicyMatrix matrix, PersonaDefinition definition, Resolver values,
        CancellationToken cancellationToken)
    {
        if (definition.UserQuery is null)
        {
            var key = ApiPersona.Key(definition.Name, definition.Role);
            return definition.Claims is null ? key : key.WithClaims(definition.Claims);
        }

        var sql = Placeholders.Resolve(definition.UserQuery, name => values.Value(name, definition.Location, personasAllowed: false), asSqlLiteral: true);
        var rows = new List<Dictionary<string, object?>>();
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (rows.Count < 2 && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }
        }
        catch (PostgresException exception)
        {
            throw Errors.Errors.PersonaUserNotFound(matrix.File, definition.Location.Line, definition.Name, $"the query failed ({exception.SqlState}: {exception.MessageText})");
        }

        if (rows.Count != 1)
        {
            throw Errors.Errors.PersonaUserNotFound(matrix.File, definition.Location.Line, definition.Name, rows.Count == 0 ? "the query returned no row" : "the query returned more than one row");
        }

        var user = rows[0];
        if (!user.TryGetValue("id", out var idValue) || !Guid.TryParse(Convert.ToString(idValue, CultureInfo.InvariantCulture), out var id))
        {
            throw Errors.Errors.PersonaUserNotFound(matrix.File, definition.Location.Line, definition.Name, "the row has no uuid column 'id'");
        }

        return ApiPersona.User(
            definition.Name,
            id,
            Text(user, "email"),
            Text(user, "phone"),
            JsonObjectOf(user, "raw_app_meta_data", "app_metadata"),
            JsonObjectOf(user, "raw_user_meta_data", "user_metadata"),
            user.TryGetValue("is_anonymous", out var anonymous) && anonymous is true,
            definition.Role,
            definition.Claims);
    }

    private static async Task<PreparedCheck> PrepareCheckAsync(NpgsqlConnection connection, PolicyCheck check, Dictionary<string, string?> primaryKeys, CancellationToken cancellationToken)
    {
        switch (check.Command)
        {
            case ApiCommand.Rpc:
                var argumentNames = ((JsonObject)check.Body!).Select(argument => argument.Key).ToList();
                var (function, problem) = await RpcFunction.ResolveAsync(connection, check.Schema, check.Object!, argumentNames, cancellationToken).ConfigureAwait(false);
                return new PreparedCheck(check, function, problem, null);
            case ApiCommand.Sql:
                return new PreparedCheck(check, null, null, null);
            default:
                var needsKey = check.Cases.Any(c => c.Expect.Keys is not null);
                var key = check.Key;
                if (key is null && needsKey)
                {
                    var qualified = check.QualifiedObject;
                    if (!primaryKeys.TryGetValue(qualified, out key))
                    {
                        key = await PrimaryKeyAsync(connection, check.Schema, check.Object!, cancellationToken).ConfigureAwait(false);
                        primaryKeys[qualified] = key;
                    }

                    if (key is null)
                    {
                        throw Errors.Errors.PolicyFileInvalid(check.Location.File, check.Location.Line, check.Location.Column,
                            $"'{check.Name}' expects keys, but {qualified} has no single-column primary key: name the column with 'key:'");
                    }
                }

                return new PreparedCheck(check, null, null, key);
        }
    }

    private static async Task<CaseResult> RunCaseAsync(PostgrestEmulator emulator, PreparedCheck prepared, PolicyCase policyCase, ApiPersona persona,
        Resolver values, CancellationToken cancellationToken)
    {
        var check = prepared.Check;
        var expect = values.Expectation(policyCase);
        var (statement, request, coveredObject, coveredCommand) = Build(emulator.Settings, prepared, values, policyCase);
        var watch = Stopwatch.StartNew();
        CaseOutcome outcome;
        if (prepared.Problem is not null)
        {
            outcome = new CaseOutcome { Problem = prepared.Problem };
        }
        else
        {
            outcome = await ExecuteCaseAsync(emulator, persona, request, check.Command, statement!, cancellationToken).ConfigureAwait(false);
        }

        var mismatch = ExpectationMatcher.Mismatch(expect, outcome, prepared.Function?.Scalar ?? false);
        return new CaseResult
        {
            Case = policyCase,
            Role = persona.Role,
            CoveredObject = coveredObject,
            CoveredCommand = coveredCommand,
            Passed = mismatch is null,
            Expected = expect.Describe(),
            Actual = outcome.Describe(),
            Failure = mismatch,
            Statement = statement?.Inline() ?? "",
            Duration = watch.Elapsed,
        };
    }

    private static (ApiStatement? Statement, ApiRequest Request, string? CoveredObject, string? CoveredCommand) Build(ApiSettings settings, PreparedCheck prepared, Resolver values, PolicyCase policyCase)
    {
        var check = prepared.Check;
        string? Sql(string? text) => text is null ? null : Placeholders.Resolve(text, name => values.Value(name, policyCase.Location, personasAllowed: true), asSqlLiteral: true);
        JsonNode? Body() => values.Json(check.Body, policyCase.Location);
        var relation = check.QualifiedObject;
        return check.Command switch
        {
            ApiCommand.Select => (ApiStatements.Select(check.Schema, check.Object!, check.Columns, Sql(check.Where), prepared.Key), ApiRequest.Select(check.Schema, check.Object!), relation, "select"),
            ApiCommand.Insert => (ApiStatements.Insert(check.Schema, check.Object!, (JsonArray)Body()!, check.ReturnRepresentation, prepared.Key), ApiRequest.Insert(check.Schema, check.Object!), relation, "insert"),
            ApiCommand.Update => (ApiStatements.Update(check.Schema, check.Object!, (JsonObject)Body()!, Sql(check.Where)!, check.ReturnRepresentation, prepared.Key), ApiRequest.Update(check.Schema, check.Object!), relation, "update"),
            ApiCommand.Delete => (ApiStatements.Delete(check.Schema, check.Object!, Sql(check.Where)!, check.ReturnRepresentation, prepared.Key), ApiRequest.Delete(check.Schema, check.Object!), relation, "delete"),
            ApiCommand.Rpc when prepared.Function is { } function => (ApiStatements.Rpc(function, (JsonObject)Body()!), ApiRequest.Rpc(check.Schema, check.Object!, function.ReadOnly), function.QualifiedIdentity, "execute"),
            ApiCommand.Rpc => (null, ApiRequest.Rpc(check.Schema, check.Object!, readOnly: false), null, null),
            _ => (new ApiStatement(Sql(check.Sql)!, null), ApiRequest.Sql(check.Schema), check.CoversCommand is null ? null : relation, check.CoversCommand),
        };
    }

    private static async Task<CaseOutcome> ExecuteCaseAsync(PostgrestEmulator emulator, ApiPersona persona, ApiRequest request, ApiCommand command, ApiStatement statement, CancellationToken cancellationToken)
    {
        var sql = new NpgsqlBatchCommand(statement.Sql);
        if (statement.JsonBody is not null)
        {
            sql.Parameters.Add(new NpgsqlParameter { Value = statement.JsonBody, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Json });
        }

        try
        {
            return await emulator.NestedRequestAsync(persona, request, sql, async (reader, ct) =>
            {
                var keys = new List<string?>();
                var values = new List<JsonNode?>();
                var rows = 0;
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    rows++;
                    switch (command)
                    {
                        case ApiCommand.Rpc:
                            values.Add(reader.IsDBNull(0) ? null : JsonNode.Parse(reader.GetString(0)));
                            break;
                        case ApiCommand.Sql:
                            var row = new JsonObject();
                            for (var i = 0; i < reader.FieldCount; i++)
                            {
                                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : JsonValue.Create(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture));
                            }

                            values.Add(row);
                            break;
                        default:
                            keys.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
                            break;
                    }
                }

                if (command == ApiCommand.Sql && rows == 0)
                {
                    rows = (int)Math.Max(sql.Rows, 0);
                }

                return new CaseOutcome { Rows = rows, Keys = keys, Values = values };
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception)
        {
            return new CaseOutcome { SqlState = exception.SqlState, Message = exception.MessageText };
        }
    }

    private static async Task<string?> PrimaryKeyAsync(NpgsqlConnection connection, string schema, string relation, CancellationToken cancellationToken)
    {
        const string sql = """
            select array(select a.attname::text from pg_catalog.pg_attribute a where a.attrelid = i.indrelid and a.attnum = any(i.indkey))
            from pg_catalog.pg_index i
            join pg_catalog.pg_class c on c.oid = i.indrelid
            join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where n.nspname = @schema and c.relname = @relation and i.indisprimary
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("schema", schema);
        command.Parameters.AddWithValue("relation", relation);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string[] { Length: 1 } columns ? columns[0] : null;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string? Text(Dictionary<string, object?> row, string column) =>
        row.TryGetValue(column, out var value) && value is not null ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    private static JsonObject? JsonObjectOf(Dictionary<string, object?> row, params string[] columns)
    {
        foreach (var column in columns)
        {
            if (row.TryGetValue(column, out var value) && value is string json && JsonNode.Parse(json) is JsonObject obj)
            {
                return obj;
            }
        }

        return null;
    }

    private sealed record PreparedCheck(PolicyCheck Check, RpcFunction? Function, string? Problem, string? Key);

    /// <summary>Placeholder values: the matrix's values, then, once chosen, the personas' ids and e-mails.</summary>
    private sealed class Resolver(PolicyMatrix matrix)
    {
        public IReadOnlyDictionary<string, ApiPersona>? Personas { get; set; }

        public string Value(string name, SourceLocation location, bool personasAllowed)
        {
            if (matrix.Values.TryGetValue(name, out var value))
            {
                return value;
            }

            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && personasAllowed && Personas is not null && Personas.TryGetValue(name[..dot], out var persona))
            {
                var attribute = name[(dot + 1)..];
                if (attribute == "id" && persona.UserId is { } id)
                {
                    return id.ToString();
                }

                if (attribute == "email" && persona.Email is { } email)
                {
                    return email;
                }
            }

            throw Errors.Errors.UnknownPlaceholder(location.File, location.Line, location.Column, name + (personasAllowed ? "" : " (persona values are not known yet in fixtures and user queries)"));
        }

        public JsonNode? Json(JsonNode? node, SourceLocation location) => node switch
        {
            null => null,
            JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Json(p.Value, location)))),
            JsonArray array => new JsonArray([.. array.Select(item => Json(item, location))]),
            JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String =>
                JsonValue.Create(Placeholders.Resolve(value.GetValue<string>(), name => Value(name, location, personasAllowed: true), asSqlLiteral: false)),
            _ => node.DeepClone(),
        };

        public CaseExpectation Expectation(PolicyCase policyCase)
        {
            var expect = policyCase.Expect;
            string Raw(string text) => Placeholders.Resolve(text, name => Value(name, policyCase.Location, personasAllowed: true), asSqlLiteral: false);
            return expect with
            {
                Keys = expect.Keys?.Select(Raw).ToList(),
                Message = expect.Message is null ? null : Raw(expect.Message),
                Result = Json(expect.Result, policyCase.Location),
                Columns = (JsonObject?)Json(expect.Columns, policyCase.Location),
            };
        }
    }
}
