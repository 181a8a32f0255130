using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Security.Emulation;
using MigrationTasks.Security.Matrix;
using MigrationTasks.Security.Running;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using Npgsql;

namespace MigrationTasks.Smoke;

/// <summary>
/// Runs the smoke flows of <c>smoke.yaml</c> on a database and keeps nothing. The personas' users are chosen once, in a
/// READ ONLY transaction; then each flow is one transaction that is always rolled back, in which each step runs as a
/// PostgREST request of its persona (<see cref="PostgrestEmulator"/>: <c>authenticator</c>, the role switch, <c>request.jwt.claims</c>, the
/// search_path). A write's effects stay for the flow's later steps (a booking the vendor then sees) and end with the
/// flow; a read runs in a savepoint that is rolled back, READ ONLY as PostgREST runs it. A failing step ends its flow
/// (later steps build on it); the other flows still run. On a live database the only traces are sequence values that
/// inserts consumed (sequences are not transactional) and the row locks held for the flow's milliseconds.
/// </summary>
public static class SmokeRunner
{
    /// <summary>Loads <paramref name="smokeFilePath"/> (coded errors before anything runs) and runs its flows on <paramref name="database"/>.</summary>
    public static async Task<SmokeRunResult> RunAsync(DatabaseConnection database, string smokeFilePath, IEngineLog log, CancellationToken cancellationToken, SmokeRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(log);
        var file = SmokeFileLoader.Load(smokeFilePath, (options ?? new SmokeRunOptions()).Api.DefaultSchema);
        return await RunAsync(database, file, log, cancellationToken, options).ConfigureAwait(false);
    }

    /// <summary>Runs the flows of an already loaded smoke file.</summary>
    public static async Task<SmokeRunResult> RunAsync(DatabaseConnection database, SmokeFile file, IEngineLog log, CancellationToken cancellationToken, SmokeRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(log);
        options ??= new SmokeRunOptions();
        var flows = options.Flows.Count == 0 ? file.Flows : [.. file.Flows.Where(f => options.Flows.Contains(f.Name, StringComparer.Ordinal))];
        var watch = Stopwatch.StartNew();
        await using var connection = await ServerInfo.OpenAsync(database, cancellationToken).ConfigureAwait(false);
        var emulator = await PostgrestEmulator.AttachAsync(connection, options.Api, cancellationToken).ConfigureAwait(false);
        log.Info($"Smoke: {flows.Count} flows of {Path.GetFileName(file.File)} on {database.Describe()}, each in a transaction that is rolled back.");
        var personas = await ChoosePersonasAsync(connection, file, flows.SelectMany(PersonasOf).ToHashSet(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
        var results = new List<SmokeFlowResult>();
        foreach (var flow in flows)
        {
            var result = await RunFlowAsync(connection, emulator, file, flow, personas, options, cancellationToken).ConfigureAwait(false);
            log.Info($"  {(result.Passed ? "pass" : "FAIL")} {flow.Name} ({result.Steps.Count(s => s.Passed)}/{flow.Steps.Count} steps, {result.Duration.TotalMilliseconds:0} ms){(result.Failure is null ? "" : ": " + result.Failure)}");
            foreach (var step in result.Steps)
            {
                log.Detail($"    {(step.Passed ? "pass" : "FAIL")} line {step.Line} {step.Description}: {step.Actual}");
            }

            results.Add(result);
        }

        return new SmokeRunResult
        {
            File = file.File,
            Database = database.Describe(),
            Flows = results,
            Impersonation = emulator.Describe(),
            Duration = watch.Elapsed,
        };
    }

    private static async Task<SmokeFlowResult> RunFlowAsync(NpgsqlConnection connection, PostgrestEmulator emulator, SmokeFile file, SmokeFlow flow,
        IReadOnlyDictionary<string, ChosenPersona> personas, SmokeRunOptions options, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var steps = new List<SmokeStepResult>();
        var values = new FlowValues(file);
        foreach (var name in PersonasOf(flow))
        {
            if (personas[name].Error is { } error)
            {
                // No user for a persona on this database: the flow cannot run, which is its failure (not the run's).
                return Result(flow, steps, watch, $"{error.Code}: {error.Message}");
            }

            values.Personas[name] = personas[name].Persona!;
        }

        await ExecuteAsync(connection, "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, $"SET LOCAL lock_timeout = {SqlQuote.Literal(options.LockTimeout)}; SET LOCAL statement_timeout = {SqlQuote.Literal(options.StatementTimeout)}", cancellationToken).ConfigureAwait(false);
            foreach (var step in flow.Steps)
            {
                var result = await RunStepAsync(emulator, step, values, cancellationToken).ConfigureAwait(false);
                steps.Add(result);
                if (!result.Passed)
                {
                    return Result(flow, steps, watch, $"line {result.Line}, {result.Description}: {result.Failure}");
                }
            }

            return Result(flow, steps, watch, null);
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The personas a flow runs as, or whose id or e-mail it uses.</summary>
    private static IEnumerable<string> PersonasOf(SmokeFlow flow) =>
        flow.Steps.Select(s => s.Persona)
            .Concat(flow.Steps.SelectMany(s => s.Texts).SelectMany(t => Placeholders.Names(t.Text))
                .Where(n => n.Contains('.', StringComparison.Ordinal)).Select(n => n[..n.IndexOf('.', StringComparison.Ordinal)]))
            .Distinct(StringComparer.Ordinal);

    /// <summary>A persona's signed-in user, or why there is none (MT0855).</summary>
    private sealed record ChosenPersona(ApiPersona? Persona, Errors.MigrationTasksException? Error);

    // Once per run, in a READ ONLY transaction rolled back afterwards: the same users for every flow, one query each.
    private static async Task<Dictionary<string, ChosenPersona>> ChoosePersonasAsync(NpgsqlConnection connection, SmokeFile file, IReadOnlySet<string> names, CancellationToken cancellationToken)
    {
        var chosen = new Dictionary<string, ChosenPersona>(StringComparer.Ordinal);
        var values = new FlowValues(file);
        await ExecuteAsync(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var definition in file.Personas.Where(p => names.Contains(p.Name)))
            {
                try
                {
                    chosen[definition.Name] = new(await ChoosePersonaAsync(connection, file, definition, values, cancellationToken).ConfigureAwait(false), null);
                }
                catch (Errors.MigrationTasksException exception) when (exception.Code == Errors.Errors.SmokePersonaUserNotFoundCode)
                {
                    chosen[definition.Name] = new(null, exception);
                }
            }
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None).ConfigureAwait(false);
            }
        }

        return chosen;
    }

    private static SmokeFlowResult Result(SmokeFlow flow, List<SmokeStepResult> steps, Stopwatch watch, string? failure) => new()
    {
        Name = flow.Name,
        Line = flow.Location.Line,
        Passed = failure is null,
        Failure = failure,
        Steps = steps,
        SkippedSteps = flow.Steps.Count - steps.Count,
        Duration = watch.Elapsed,
    };

    private static async Task<SmokeStepResult> RunStepAsync(PostgrestEmulator emulator, SmokeStep step, FlowValues values, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var persona = values.Personas[step.Persona];
        var expect = values.Expectation(step);
        var returnRows = step.Save.Count > 0 || expect.Columns is not null || expect.HasResult;
        RpcFunction? function = null;
        string? problem = null;
        if (step.Command == ApiCommand.Rpc)
        {
            var names = ((JsonObject)step.Body!).Select(a => a.Key).ToList();
            (function, problem) = await RpcFunction.ResolveAsync(emulator.Connection, step.Schema, step.Object!, names, cancellationToken).ConfigureAwait(false);
        }

        string Sql(string? text) => text is null ? "" : values.Resolve(text, step.Location, asSqlLiteral: true);
        JsonNode? Body() => values.Json(step.Body, step.Location);
        var (statement, request) = step.Command switch
        {
            ApiCommand.Select => (ApiStatements.Select(step.Schema, step.Object!, step.Columns, step.Where is null ? null : Sql(step.Where), ApiStatements.WholeRow), ApiRequest.Select(step.Schema, step.Object!)),
            ApiCommand.Insert => (ApiStatements.Insert(step.Schema, step.Object!, (JsonArray)Body()!, returnRows, ApiStatements.WholeRow), ApiRequest.Insert(step.Schema, step.Object!)),
            ApiCommand.Update => (ApiStatements.Update(step.Schema, step.Object!, (JsonObject)Body()!, Sql(step.Where), returnRows, ApiStatements.WholeRow), ApiRequest.Update(step.Schema, step.Object!)),
            ApiCommand.Delete => (ApiStatements.Delete(step.Schema, step.Object!, Sql(step.Where), returnRows, ApiStatements.WholeRow), ApiRequest.Delete(step.Schema, step.Object!)),
            ApiCommand.Rpc when function is not null => (ApiStatements.Rpc(function, (JsonObject)Body()!), ApiRequest.Rpc(step.Schema, step.Object!, function.ReadOnly)),
            ApiCommand.Rpc => ((ApiStatement?)null, ApiRequest.Rpc(step.Schema, step.Object!, readOnly: false)),
            _ => (new ApiStatement(Sql(step.Sql), null), ApiRequest.Sql(step.Schema)),
        };

        var outcome = statement is null
            ? new CaseOutcome { Problem = problem }
            : await ExecuteStepAsync(emulator, persona, request, step.Command, statement, cancellationToken).ConfigureAwait(false);
        var mismatch = ExpectationMatcher.Mismatch(expect, outcome, function?.Scalar ?? false);
        if (mismatch is null)
        {
            mismatch = values.Save(step, outcome);
        }

        return new SmokeStepResult
        {
            Description = step.Describe(),
            Persona = persona.ToString(),
            Line = step.Location.Line,
            Role = persona.Role,
            ClaimsJson = persona.ClaimsJson,
            Kept = !request.ReadOnly && statement is not null && !outcome.Failed,
            Passed = mismatch is null,
            Expected = expect.Describe(),
            Actual = Describe(outcome, expect, step),
            Failure = mismatch,
            Statement = statement?.Inline() ?? "",
            Duration = watch.Elapsed,
        };
    }

    // Reads run in a savepoint rolled back afterwards (READ ONLY where PostgREST's is); writes are kept for the flow.
    private static async Task<CaseOutcome> ExecuteStepAsync(PostgrestEmulator emulator, ApiPersona persona, ApiRequest request, ApiCommand command, ApiStatement statement, CancellationToken cancellationToken)
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
                var rows = new List<JsonNode?>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    rows.Add(command == ApiCommand.Sql ? SqlRow(reader) : reader.IsDBNull(0) ? null : JsonNode.Parse(reader.GetString(0)));
                }

                var count = command == ApiCommand.Sql && rows.Count == 0 ? (int)Math.Max(sql.Rows, 0) : rows.Count;
                return new CaseOutcome { Rows = count, Values = rows.Any(r => r is not null) ? rows : [] };
            }, cancellationToken, keepWrites: !request.ReadOnly).ConfigureAwait(false);
        }
        catch (PostgresException exception)
        {
            return new CaseOutcome { SqlState = exception.SqlState, Message = exception.MessageText };
        }
    }

    /// <summary>
    /// What happened, showing only the values the step names (its expected columns, what it saves): a smoke run on
    /// production reads real users' rows, and its report should not copy their personal data.
    /// </summary>
    private static string Describe(CaseOutcome outcome, CaseExpectation expect, SmokeStep step)
    {
        if (outcome.Problem is not null || outcome.SqlState is not null)
        {
            return outcome.Describe();
        }

        var text = outcome.Rows == 1 ? "1 row" : $"{outcome.Rows} rows";
        var named = (expect.Columns?.Select(c => c.Key) ?? []).Concat(step.Save.Values).Distinct(StringComparer.Ordinal).ToList();
        if (outcome.Values.Count > 0 && outcome.Values[0] is JsonObject first && named.Count > 0)
        {
            var shown = new JsonObject(named.Where(first.ContainsKey).Select(name => KeyValuePair.Create(name, first[name]?.DeepClone())));
            text += ", first " + shown.ToJsonString();
        }
        else if (expect.HasResult && outcome.Values.Count > 0)
        {
            text += ": " + outcome.Describe().Split(": ", 2)[^1];
        }

        return text;
    }

    private static JsonObject SqlRow(NpgsqlDataReader reader)
    {
        var row = new JsonObject();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
            {
                bool flag => JsonValue.Create(flag),
                var value => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
            };
        }

        return row;
    }

    // The persona's user: the query's one auth.users row, run as the connecting role inside the flow's transaction.
    private static async Task<ApiPersona> ChoosePersonaAsync(NpgsqlConnection connection, SmokeFile file, PersonaDefinition definition, FlowValues values, CancellationToken cancellationToken)
    {
        if (definition.UserQuery is null)
        {
            var key = ApiPersona.Key(definition.Name, definition.Role);
            return definition.Claims is null ? key : key.WithClaims(definition.Claims);
        }

        var sql = values.Resolve(definition.UserQuery, definition.Location, asSqlLiteral: true);
        var rows = new List<JsonObject>();
        await ExecuteAsync(connection, "SAVEPOINT smoke_persona", cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand($"SELECT pg_catalog.to_jsonb(smoke_user)::text FROM ({sql}) smoke_user LIMIT 2", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((JsonObject)JsonNode.Parse(reader.GetString(0))!);
            }
        }
        catch (PostgresException exception)
        {
            await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT smoke_persona", CancellationToken.None).ConfigureAwait(false);
            throw Errors.Errors.SmokePersonaUserNotFound(file.File, definition.Location.Line, definition.Name, $"the query failed ({exception.SqlState}: {exception.MessageText})");
        }

        await ExecuteAsync(connection, "RELEASE SAVEPOINT smoke_persona", cancellationToken).ConfigureAwait(false);
        if (rows.Count != 1)
        {
            throw Errors.Errors.SmokePersonaUserNotFound(file.File, definition.Location.Line, definition.Name, rows.Count == 0 ? "the query returned no row" : "the query returned more than one row (end it with order by ... limit 1)");
        }

        var user = rows[0];
        if (user["id"]?.GetValueKind() != JsonValueKind.String || !Guid.TryParse(user["id"]!.GetValue<string>(), out var id))
        {
            throw Errors.Errors.SmokePersonaUserNotFound(file.File, definition.Location.Line, definition.Name, "the row has no uuid column 'id'");
        }

        return ApiPersona.User(definition.Name, id, Text(user, "email"), Text(user, "phone"),
            user["raw_app_meta_data"] as JsonObject, user["raw_user_meta_data"] as JsonObject,
            user["is_anonymous"]?.GetValueKind() == JsonValueKind.True, definition.Role, definition.Claims);
    }

    private static string? Text(JsonObject row, string column) => row[column]?.GetValueKind() == JsonValueKind.String ? row[column]!.GetValue<string>() : null;

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What placeholders resolve to in one flow: the file's values, the personas' ids and e-mails, and what steps saved.</summary>
    private sealed class FlowValues(SmokeFile file)
    {
        private readonly Dictionary<string, string> _saved = new(StringComparer.Ordinal);

        public Dictionary<string, ApiPersona> Personas { get; } = new(StringComparer.Ordinal);

        public string Resolve(string text, SourceLocation location, bool asSqlLiteral) =>
            Placeholders.Resolve(text, name => Value(name, location), asSqlLiteral);

        public JsonNode? Json(JsonNode? node, SourceLocation location) => node switch
        {
            null => null,
            JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Json(p.Value, location)))),
            JsonArray array => new JsonArray([.. array.Select(item => Json(item, location))]),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => JsonValue.Create(Resolve(value.GetValue<string>(), location, asSqlLiteral: false)),
            _ => node.DeepClone(),
        };

        public CaseExpectation Expectation(SmokeStep step) => step.Expect with
        {
            Message = step.Expect.Message is null ? null : Resolve(step.Expect.Message, step.Location, asSqlLiteral: false),
            Result = Json(step.Expect.Result, step.Location),
            Columns = (JsonObject?)Json(step.Expect.Columns, step.Location),
        };

        /// <summary>Takes the step's saved values from its first row; returns why it could not, or null.</summary>
        public string? Save(SmokeStep step, CaseOutcome outcome)
        {
            foreach (var (name, column) in step.Save)
            {
                var first = outcome.Values.Count > 0 ? outcome.Values[0] : null;
                JsonNode? value;
                if (first is JsonObject row)
                {
                    if (!row.TryGetPropertyValue(column, out value))
                    {
                        return $"cannot save {name}: the first row has no column '{column}' (it has {string.Join(", ", row.Select(p => p.Key))})";
                    }
                }
                else if (first is not null && step.Command == ApiCommand.Rpc)
                {
                    value = first; // a scalar function's value
                }
                else
                {
                    return $"cannot save {name}: the step returned no row";
                }

                if (value is null)
                {
                    return $"cannot save {name}: '{column}' is null";
                }

                _saved[name] = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
            }

            return null;
        }

        private string Value(string name, SourceLocation location)
        {
            if (file.Values.TryGetValue(name, out var value) || _saved.TryGetValue(name, out value))
            {
                return value;
            }

            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && Personas.TryGetValue(name[..dot], out var persona))
            {
                switch (name[(dot + 1)..])
                {
                    case "id" when persona.UserId is { } id:
                        return id.ToString();
                    case "email" when persona.Email is { } email:
                        return email;
                }
            }

            throw Errors.Errors.SmokeUnknownPlaceholder(location.File, location.Line, location.Column, name);
        }
    }
}
