using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MigrationTasks.Security.Matrix;

/// <summary>
/// Reads <c>policies.yaml</c> into a <see cref="PolicyMatrix"/> and refuses anything it would not run exactly as
/// written: YAML errors are MT0602, unknown keys, missing parts and bad expectations MT0603, an unknown persona
/// MT0604, an unknown placeholder MT0605, each with the file, line and column.
/// </summary>
public static partial class PolicyMatrixLoader
{
    private static readonly string[] TopLevelKeys = ["personas", "fixtures", "values", "checks", "coverage"];
    private static readonly string[] CommandKeys = ["select", "insert", "update", "delete", "rpc", "sql"];
    private static readonly string[] CheckKeys = [.. CommandKeys, "name", "where", "columns", "key", "values", "set", "args", "returning", "object", "command", "expect"];

    [GeneratedRegex(@"^[0-9A-Z]{5}$", RegexOptions.CultureInvariant)]
    private static partial Regex SqlStatePattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ObjectNamePattern();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    /// <summary>Loads and checks the matrix; <paramref name="defaultSchema"/> is the schema of unqualified names.</summary>
    public static PolicyMatrix Load(string path, string defaultSchema = "public")
    {
        if (!File.Exists(path))
        {
            throw Errors.Errors.PolicyFileMissing("policy matrix", path);
        }

        return Parse(File.ReadAllText(path), Path.GetFullPath(path), defaultSchema);
    }

    /// <summary>Parses matrix text; <paramref name="file"/> is used for locations and relative fixture files.</summary>
    public static PolicyMatrix Parse(string text, string file, string defaultSchema = "public")
    {
        var root = ReadDocument(text, file);
        var reader = new Reader(file);
        reader.OnlyKeys(root, TopLevelKeys, "top level");

        var personas = ReadPersonas(reader, reader.Required<YamlMappingNode>(root, "personas"));
        var values = ReadValues(reader, reader.Optional<YamlMappingNode>(root, "values"));
        var fixtures = ReadFixtures(reader, reader.Optional<YamlSequenceNode>(root, "fixtures"));
        var checks = ReadChecks(reader, reader.Required<YamlSequenceNode>(root, "checks"), personas, defaultSchema);
        var exclusions = ReadCoverage(reader, reader.Optional<YamlMappingNode>(root, "coverage"), defaultSchema);

        // Every placeholder must resolve: values, or <persona>.id / <persona>.email of a signed-in persona.
        var known = new HashSet<string>(values.Keys, StringComparer.Ordinal);
        foreach (var persona in personas.Where(p => p.UserQuery is not null))
        {
            known.Add(persona.Name + ".id");
            known.Add(persona.Name + ".email");
        }

        foreach (var (textWithPlaceholders, location) in reader.PlaceholderTexts)
        {
            foreach (var (name, index) in Placeholders.Occurrences(textWithPlaceholders))
            {
                if (!known.Contains(name))
                {
                    // The line within a multi-line text (a fixture file, a block scalar).
                    var line = location.Line + textWithPlaceholders.AsSpan(0, index).Count('\n');
                    throw Errors.Errors.UnknownPlaceholder(location.File, line, line == location.Line ? location.Column : 0, name);
                }
            }
        }

        return new PolicyMatrix
        {
            File = file,
            Personas = personas,
            Fixtures = fixtures,
            Values = values,
            Checks = checks,
            CoverageExclusions = exclusions,
        };
    }

    private static YamlMappingNode ReadDocument(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            var detail = (exception.InnerException?.Message ?? exception.Message).Split('\n')[0];
            throw Errors.Errors.PolicyFileSyntax(file, (int)exception.Start.Line, (int)exception.Start.Column, detail);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Errors.Errors.PolicyFileInvalid(file, 1, 1, "the file must be a mapping with 'personas' and 'checks'");
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            throw Errors.Errors.PolicyFileInvalid(file, (int)second.Line, (int)second.Column, "only one YAML document is allowed");
        }

        return root;
    }

    private static List<PersonaDefinition> ReadPersonas(Reader reader, YamlMappingNode node)
    {
        var personas = new List<PersonaDefinition>();
        foreach (var (keyNode, valueNode) in node.Children)
        {
            var name = reader.Name(keyNode, "persona");
            var location = reader.At(keyNode);
            if (valueNode is not YamlMappingNode persona)
            {
                throw reader.Invalid(valueNode, $"persona '{name}' must be a mapping with 'role' (and 'user' for a signed-in user)");
            }

            reader.OnlyKeys(persona, ["role", "user", "claims"], $"persona '{name}'");
            var role = reader.Text(reader.Required<YamlScalarNode>(persona, "role"));
            var user = reader.Optional<YamlScalarNode>(persona, "user") is { } userNode ? reader.Sql(userNode) : null;
            JsonObject? claims = null;
            if (reader.Optional<YamlMappingNode>(persona, "claims") is { } claimsNode)
            {
                claims = (JsonObject)ToJson(claimsNode, reader)!;
            }

            if (string.IsNullOrWhiteSpace(role))
            {
                throw reader.Invalid(persona, $"persona '{name}' needs a role (anon, authenticated or service_role)");
            }

            personas.Add(new PersonaDefinition(name, role, user, claims, location));
        }

        if (personas.Count == 0)
        {
            throw reader.Invalid(node, "define at least one persona");
        }

        return personas;
    }

    private static Dictionary<string, string> ReadValues(Reader reader, YamlMappingNode? node)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null)
        {
            return values;
        }

        foreach (var (keyNode, valueNode) in node.Children)
        {
            var name = reader.Name(keyNode, "value");
            if (valueNode is not YamlScalarNode scalar || scalar.Value is null)
            {
                throw reader.Invalid(valueNode, $"value '{name}' must be a single text or number");
            }

            if (scalar.Value.Contains('\n', StringComparison.Ordinal))
            {
                throw reader.Invalid(valueNode, $"value '{name}' must be on one line");
            }

            values[name] = scalar.Value;
        }

        return values;
    }

    private static List<FixtureDefinition> ReadFixtures(Reader reader, YamlSequenceNode? node)
    {
        var fixtures = new List<FixtureDefinition>();
        if (node is null)
        {
            return fixtures;
        }

        foreach (var item in node.Children)
        {
            if (item is not YamlMappingNode fixture)
            {
                throw reader.Invalid(item, "each fixture is a mapping with 'sql' or 'file'");
            }

            reader.OnlyKeys(fixture, ["sql", "file"], "fixture");
            var sqlNode = reader.Optional<YamlScalarNode>(fixture, "sql");
            var fileNode = reader.Optional<YamlScalarNode>(fixture, "file");
            if ((sqlNode is null) == (fileNode is null))
            {
                throw reader.Invalid(fixture, "a fixture has either 'sql' or 'file'");
            }

            if (sqlNode is not null)
            {
                var line = (int)sqlNode.Start.Line + (sqlNode.Style is ScalarStyle.Literal or ScalarStyle.Folded ? 1 : 0);
                fixtures.Add(new FixtureDefinition(reader.Sql(sqlNode), new SourceLocation(reader.File, line, 1)));
            }
            else
            {
                var relative = reader.Text(fileNode!);
                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(reader.File)!, relative));
                if (!File.Exists(path))
                {
                    throw reader.Invalid(fileNode!, $"the fixture file '{relative}' does not exist (looked for {path})");
                }

                var sql = File.ReadAllText(path);
                reader.PlaceholderTexts.Add((sql, new SourceLocation(path, 1, 1)));
                fixtures.Add(new FixtureDefinition(sql, new SourceLocation(path, 1, 1)));
            }
        }

        return fixtures;
    }

    private static List<PolicyCheck> ReadChecks(Reader reader, YamlSequenceNode node, List<PersonaDefinition> personas, string defaultSchema)
    {
        var checks = new List<PolicyCheck>();
        var names = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var item in node.Children)
        {
            if (item is not YamlMappingNode checkNode)
            {
                throw reader.Invalid(item, "each check is a mapping with one of select, insert, update, delete, rpc or sql, and 'expect'");
            }

            reader.OnlyKeys(checkNode, CheckKeys, "check");
            var commandKeys = CommandKeys.Where(key => checkNode.Children.ContainsKey(new YamlScalarNode(key))).ToList();
            if (commandKeys.Count != 1)
            {
                throw reader.Invalid(checkNode, commandKeys.Count == 0
                    ? "a check needs one of select, insert, update, delete, rpc or sql"
                    : $"a check has exactly one of select, insert, update, delete, rpc or sql (found {string.Join(", ", commandKeys)})");
            }

            var command = Enum.Parse<ApiCommand>(commandKeys[0], ignoreCase: true);
            var check = ReadCheck(reader, checkNode, command, defaultSchema);
            if (names.TryGetValue(check.Name, out var previous))
            {
                throw reader.Invalid(checkNode, $"two checks are named '{check.Name}' (the other at line {previous.Line}); give one a 'name'");
            }

            names[check.Name] = check.Location;
            var expectNode = reader.Required<YamlMappingNode>(checkNode, "expect");
            var cases = new List<PolicyCase>();
            foreach (var (personaNode, expectationNode) in expectNode.Children)
            {
                var persona = reader.Text((YamlScalarNode)personaNode);
                if (!personas.Any(p => p.Name == persona))
                {
                    var at = reader.At(personaNode);
                    throw Errors.Errors.UnknownPersona(reader.File, at.Line, at.Column, persona, personas.Select(p => p.Name));
                }

                cases.Add(new PolicyCase(check, persona, ReadExpectation(reader, expectationNode, command), reader.At(personaNode)));
            }

            if (cases.Count == 0)
            {
                throw reader.Invalid(expectNode, "'expect' lists at least one persona and what it should get");
            }

            checks.Add(check with { Cases = cases });
        }

        // Cases refer to their check; rebuild them so they point at the final record.
        return [.. checks.Select(check => check with { Cases = [.. check.Cases.Select(c => c with { Check = check })] })];
    }

    private static PolicyCheck ReadCheck(Reader reader, YamlMappingNode node, ApiCommand command, string defaultSchema)
    {
        var commandNode = reader.Required<YamlScalarNode>(node, command.Name());
        var location = reader.At(commandNode);
        string schema = defaultSchema;
        string? objectName = null;
        string? sql = null;
        string? covers = null;
        if (command == ApiCommand.Sql)
        {
            sql = reader.Sql(commandNode);
            if (reader.Optional<YamlScalarNode>(node, "object") is { } objectNode)
            {
                (schema, objectName) = SplitName(reader, objectNode, defaultSchema);
            }

            if (reader.Optional<YamlScalarNode>(node, "command") is { } coversNode)
            {
                covers = reader.Text(coversNode).ToLowerInvariant();
                if (!ApiCommands.RelationCommands.Contains(covers, StringComparer.Ordinal) || objectName is null)
                {
                    throw reader.Invalid(coversNode, "'command' is select, insert, update or delete, and needs 'object'");
                }
            }
        }
        else
        {
            (schema, objectName) = SplitName(reader, commandNode, defaultSchema);
            foreach (var sqlOnlyKey in new[] { "object", "command" })
            {
                if (reader.Optional<YamlNode>(node, sqlOnlyKey) is { } misplaced)
                {
                    throw reader.Invalid(misplaced, $"'{sqlOnlyKey}' is only for sql checks");
                }
            }
        }

        var where = reader.Optional<YamlScalarNode>(node, "where") is { } whereNode ? reader.Sql(whereNode) : null;
        var columns = reader.Optional<YamlScalarNode>(node, "columns") is { } columnsNode ? reader.Text(columnsNode) : "*";
        var key = reader.Optional<YamlScalarNode>(node, "key") is { } keyNode ? reader.Text(keyNode) : null;
        var returning = reader.Optional<YamlScalarNode>(node, "returning") is { } returningNode ? reader.Text(returningNode) : "minimal";
        if (returning is not ("minimal" or "representation"))
        {
            throw reader.Invalid(node, "'returning' is minimal (the default: supabase-js v2 returns nothing) or representation (.select() after the write)");
        }

        var body = ReadBody(reader, node, command);
        Allow(reader, node, command, "where", ApiCommand.Select, ApiCommand.Update, ApiCommand.Delete);
        Allow(reader, node, command, "columns", ApiCommand.Select);
        Allow(reader, node, command, "returning", ApiCommand.Insert, ApiCommand.Update, ApiCommand.Delete);
        Allow(reader, node, command, "key", ApiCommand.Select, ApiCommand.Insert, ApiCommand.Update, ApiCommand.Delete);
        if (command is ApiCommand.Update or ApiCommand.Delete && where is null)
        {
            // PostgREST (with safeupdate on Supabase) refuses an unfiltered UPDATE or DELETE.
            throw reader.Invalid(node, $"an {command.Name()} check needs 'where': Supabase rejects {command.Name().ToUpperInvariant()} without a filter");
        }

        var name = reader.Optional<YamlScalarNode>(node, "name") is { } nameNode
            ? reader.Text(nameNode)
            : command == ApiCommand.Sql ? $"sql: {OneLine(sql!)}" : $"{command.Name()} {objectName}" + (where is null ? "" : $" where {OneLine(where)}");
        return new PolicyCheck
        {
            Name = name,
            Command = command,
            Schema = schema,
            Object = objectName,
            Where = where,
            Columns = columns,
            Key = key,
            Body = body,
            ReturnRepresentation = returning == "representation",
            Sql = sql,
            CoversCommand = covers,
            Location = location,
        };
    }

    private static JsonNode? ReadBody(Reader reader, YamlMappingNode node, ApiCommand command)
    {
        var (key, expected) = command switch
        {
            ApiCommand.Insert => ("values", "a mapping of column values, or a list of them"),
            ApiCommand.Update => ("set", "a mapping of column values"),
            ApiCommand.Rpc => ("args", "a mapping of argument names to values"),
            _ => (null, null),
        };
        foreach (var other in new[] { "values", "set", "args" }.Where(k => k != key))
        {
            if (reader.Optional<YamlNode>(node, other) is { } misplaced)
            {
                throw reader.Invalid(misplaced, $"'{other}' does not belong to a {command.Name()} check");
            }
        }

        if (key is null)
        {
            return null;
        }

        var bodyNode = reader.Optional<YamlNode>(node, key);
        if (bodyNode is null)
        {
            if (command == ApiCommand.Rpc)
            {
                return new JsonObject();
            }

            throw reader.Invalid(node, $"a {command.Name()} check needs '{key}': {expected}");
        }

        var json = ToJson(bodyNode, reader);
        var valid = command == ApiCommand.Insert
            ? json is JsonObject || (json is JsonArray rows && rows.Count > 0 && rows.All(row => row is JsonObject))
            : json is JsonObject;
        if (!valid)
        {
            throw reader.Invalid(bodyNode, $"'{key}' must be {expected}");
        }

        return json is JsonObject single && command == ApiCommand.Insert ? new JsonArray(single) : json;
    }

    private static void Allow(Reader reader, YamlMappingNode node, ApiCommand command, string key, params ApiCommand[] commands)
    {
        if (!commands.Contains(command) && reader.Optional<YamlNode>(node, key) is { } misplaced)
        {
            throw reader.Invalid(misplaced, $"'{key}' does not belong to a {command.Name()} check");
        }
    }

    private static CaseExpectation ReadExpectation(Reader reader, YamlNode node, ApiCommand command)
    {
        if (node is YamlScalarNode scalar)
        {
            var text = scalar.Value ?? "";
            if (text == "denied")
            {
                return new CaseExpectation { SqlState = "42501" };
            }

            if (text == "allowed")
            {
                return new CaseExpectation { AtLeastOneRow = true };
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rows) && scalar.Style is ScalarStyle.Plain)
            {
                return new CaseExpectation { Rows = rows };
            }

            throw reader.Invalid(node, $"'{text}' is not an expectation: write a row count, denied, allowed, or a mapping (rows, keys, result, columns, error, message)");
        }

        if (node is not YamlMappingNode mapping)
        {
            throw reader.Invalid(node, "an expectation is a row count, denied, allowed, or a mapping (rows, keys, result, columns, error, message)");
        }

        reader.OnlyKeys(mapping, ["rows", "keys", "result", "columns", "error", "message"], "expectation");
        int? expectedRows = null;
        if (reader.Optional<YamlScalarNode>(mapping, "rows") is { } rowsNode)
        {
            if (!int.TryParse(rowsNode.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                throw reader.Invalid(rowsNode, "'rows' is a whole number");
            }

            expectedRows = count;
        }

        List<string>? keys = null;
        if (reader.Optional<YamlSequenceNode>(mapping, "keys") is { } keysNode)
        {
            keys = [.. keysNode.Children.Select(child => child is YamlScalarNode key ? reader.Expected(key) : throw reader.Invalid(child, "'keys' is a list of values"))];
            if (command is not (ApiCommand.Select or ApiCommand.Insert or ApiCommand.Update or ApiCommand.Delete))
            {
                throw reader.Invalid(keysNode, "'keys' is for select checks (and writes returning representation)");
            }
        }

        string? sqlState = null;
        if (reader.Optional<YamlScalarNode>(mapping, "error") is { } errorNode)
        {
            sqlState = errorNode.Value == "denied" ? "42501" : errorNode.Value?.ToUpperInvariant();
            if (sqlState is null || !SqlStatePattern().IsMatch(sqlState))
            {
                throw reader.Invalid(errorNode, "'error' is a five-character SQLSTATE such as 42501, 23505 or P0002 (or denied)");
            }
        }

        var message = reader.Optional<YamlScalarNode>(mapping, "message") is { } messageNode ? reader.Expected(messageNode) : null;
        var hasResult = reader.Optional<YamlNode>(mapping, "result") is not null;
        var result = hasResult ? ToJson(reader.Optional<YamlNode>(mapping, "result")!, reader, placeholders: true) : null;
        var columns = reader.Optional<YamlMappingNode>(mapping, "columns") is { } columnsNode ? (JsonObject)ToJson(columnsNode, reader, placeholders: true)! : null;
        if ((hasResult || columns is not null) && command != ApiCommand.Rpc && command != ApiCommand.Sql)
        {
            throw reader.Invalid(mapping, "'result' and 'columns' are for rpc and sql checks");
        }

        if (sqlState is not null && (expectedRows is not null || keys is not null || hasResult || columns is not null))
        {
            throw reader.Invalid(mapping, "an expected error cannot also expect rows, keys, a result or columns");
        }

        if (message is not null && sqlState is null)
        {
            throw reader.Invalid(mapping, "'message' goes with 'error'");
        }

        if (sqlState is null && expectedRows is null && keys is null && !hasResult && columns is null)
        {
            throw reader.Invalid(mapping, "the expectation says nothing: give rows, keys, result, columns or error");
        }

        return new CaseExpectation { Rows = expectedRows, Keys = keys, SqlState = sqlState, Message = message, Result = result, HasResult = hasResult, Columns = columns };
    }

    private static List<CoverageExclusion> ReadCoverage(Reader reader, YamlMappingNode? node, string defaultSchema)
    {
        var exclusions = new List<CoverageExclusion>();
        if (node is null)
        {
            return exclusions;
        }

        reader.OnlyKeys(node, ["exclude"], "coverage");
        if (reader.Optional<YamlSequenceNode>(node, "exclude") is not { } list)
        {
            return exclusions;
        }

        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode entry)
            {
                throw reader.Invalid(item, "each exclusion is a mapping with 'object' and 'reason'");
            }

            reader.OnlyKeys(entry, ["object", "commands", "roles", "reason"], "coverage exclusion");
            var pattern = reader.Text(reader.Required<YamlScalarNode>(entry, "object"));
            if (!pattern.Contains('.', StringComparison.Ordinal))
            {
                pattern = defaultSchema + "." + pattern;
            }

            var reason = reader.Text(reader.Required<YamlScalarNode>(entry, "reason"));
            if (string.IsNullOrWhiteSpace(reason))
            {
                throw reader.Invalid(entry, "an exclusion needs a reason");
            }

            exclusions.Add(new CoverageExclusion(pattern, TextList(reader, entry, "commands"), TextList(reader, entry, "roles"), reason, reader.At(entry)));
        }

        return exclusions;
    }

    private static List<string>? TextList(Reader reader, YamlMappingNode node, string key) =>
        reader.Optional<YamlSequenceNode>(node, key) is { } list
            ? [.. list.Children.Select(child => child is YamlScalarNode scalar ? reader.Text(scalar).ToLowerInvariant() : throw reader.Invalid(child, $"'{key}' is a list of names"))]
            : null;

    private static (string Schema, string Name) SplitName(Reader reader, YamlScalarNode node, string defaultSchema)
    {
        var text = reader.Text(node);
        if (!ObjectNamePattern().IsMatch(text))
        {
            throw reader.Invalid(node, $"'{text}' is not a table, view or function name (name or schema.name)");
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (defaultSchema, text) : (text[..dot], text[(dot + 1)..]);
    }

    /// <summary>YAML to JSON: plain scalars become numbers, booleans and null as YAML 1.2 reads them; quoted ones stay text.</summary>
    private static JsonNode? ToJson(YamlNode node, Reader reader, bool placeholders = true)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    obj[reader.Text((YamlScalarNode)key)] = ToJson(value, reader, placeholders);
                }

                return obj;
            case YamlSequenceNode sequence:
                return new JsonArray([.. sequence.Children.Select(child => ToJson(child, reader, placeholders))]);
            case YamlScalarNode scalar:
                var text = scalar.Value ?? "";
                if (scalar.Style is ScalarStyle.Plain)
                {
                    if (text is "null" or "~" or "")
                    {
                        return null;
                    }

                    if (text is "true" or "false")
                    {
                        return JsonValue.Create(text == "true");
                    }

                    if (NumberPattern().IsMatch(text))
                    {
                        return JsonNode.Parse(text);
                    }
                }

                if (placeholders)
                {
                    reader.PlaceholderTexts.Add((text, reader.At(scalar)));
                }

                return JsonValue.Create(text);
            default:
                throw reader.Invalid(node, "unsupported YAML node");
        }
    }

    private static string OneLine(string text)
    {
        var line = string.Join(' ', text.Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(part => part.Trim()));
        return line.Length <= 80 ? line : line[..77] + "...";
    }

    /// <summary>Node access with located errors, and the texts whose placeholders are checked at the end.</summary>
    private sealed class Reader(string file)
    {
        public string File { get; } = file;

        public List<(string Text, SourceLocation Location)> PlaceholderTexts { get; } = [];

        public SourceLocation At(YamlNode node) => new(File, (int)node.Start.Line, (int)node.Start.Column);

        public Exception Invalid(YamlNode node, string detail) => Errors.Errors.PolicyFileInvalid(File, (int)node.Start.Line, (int)node.Start.Column, detail);

        public void OnlyKeys(YamlMappingNode node, IReadOnlyCollection<string> allowed, string where)
        {
            foreach (var key in node.Children.Keys)
            {
                if (key is not YamlScalarNode scalar || scalar.Value is null || !allowed.Contains(scalar.Value))
                {
                    throw Invalid(key, $"unknown key '{(key as YamlScalarNode)?.Value ?? key.ToString()}' in {where} (allowed: {string.Join(", ", allowed)})");
                }
            }
        }

        public T Required<T>(YamlMappingNode node, string key) where T : YamlNode =>
            Optional<T>(node, key) ?? throw Invalid(node, $"'{key}' is missing");

        public T? Optional<T>(YamlMappingNode node, string key) where T : YamlNode
        {
            if (!node.Children.TryGetValue(new YamlScalarNode(key), out var value))
            {
                return null;
            }

            return value as T ?? throw Invalid(value, $"'{key}' must be {(typeof(T) == typeof(YamlScalarNode) ? "a single value" : typeof(T) == typeof(YamlSequenceNode) ? "a list" : "a mapping")}");
        }

        public string Text(YamlScalarNode node) => (node.Value ?? "").Trim();

        public string Name(YamlNode node, string what)
        {
            var name = node is YamlScalarNode scalar ? Text(scalar) : "";
            if (!Regex.IsMatch(name, "^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant))
            {
                throw Invalid(node, $"'{name}' is not a valid {what} name (letters, digits and _)");
            }

            return name;
        }

        /// <summary>SQL text; its placeholders are checked.</summary>
        public string Sql(YamlScalarNode node)
        {
            var text = Text(node);
            if (text.Length == 0)
            {
                throw Invalid(node, "empty SQL");
            }

            var start = At(node);
            PlaceholderTexts.Add((node.Value!, node.Style is ScalarStyle.Literal or ScalarStyle.Folded ? start with { Line = start.Line + 1, Column = 1 } : start));
            return node.Value!;
        }

        /// <summary>An expected value; its placeholders are checked.</summary>
        public string Expected(YamlScalarNode node)
        {
            var text = node.Value ?? "";
            PlaceholderTexts.Add((text, At(node)));
            return text;
        }
    }
}
