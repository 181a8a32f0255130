using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MigrationTasks.Errors;
using MigrationTasks.Security.Emulation;
using MigrationTasks.Security.Matrix;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MigrationTasks.Smoke;

/// <summary>
/// Reads <c>smoke.yaml</c> into a <see cref="SmokeFile"/> and refuses what it would not run exactly as written, before
/// anything touches a database: YAML errors are MT0851, unknown keys, missing parts and bad expectations MT0852, an
/// unknown persona MT0853, a placeholder nothing defines MT0854; each with the file, line and column (YamlDotNet's marks).
/// </summary>
public static partial class SmokeFileLoader
{
    private static readonly string[] TopLevelKeys = ["personas", "values", "flows"];
    private static readonly string[] PersonaKeys = ["role", "user", "claims"];
    private static readonly string[] FlowKeys = ["name", "steps"];
    private static readonly string[] CommandKeys = ["select", "insert", "update", "delete", "rpc", "sql"];
    private static readonly string[] StepKeys = [.. CommandKeys, "as", "columns", "where", "values", "set", "args", "expect", "save"];
    private static readonly string[] ExpectKeys = ["rows", "allowed", "columns", "result", "error", "message"];

    [GeneratedRegex(@"^[0-9A-Z]{5}$", RegexOptions.CultureInvariant)]
    private static partial Regex SqlStatePattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ObjectNamePattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ValueNamePattern();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    /// <summary>Loads and checks the smoke file (MT0850 when it does not exist).</summary>
    public static SmokeFile Load(string path, string defaultSchema = "public")
    {
        if (!File.Exists(path))
        {
            throw Errors.Errors.SmokeFileMissing(path);
        }

        return Parse(File.ReadAllText(path), Path.GetFullPath(path), defaultSchema);
    }

    /// <summary>Parses smoke-file text; <paramref name="file"/> names it in errors.</summary>
    public static SmokeFile Parse(string text, string file, string defaultSchema = "public")
    {
        var reader = new Reader(file);
        var root = ReadDocument(text, reader);
        reader.OnlyKeys(root, TopLevelKeys, "the top level");
        var values = ReadValues(reader, reader.Optional<YamlMappingNode>(root, "values"));
        var personas = ReadPersonas(reader, reader.Required<YamlMappingNode>(root, "personas"));
        var flowsNode = reader.Required<YamlSequenceNode>(root, "flows");
        if (flowsNode.Children.Count == 0)
        {
            throw reader.Invalid(flowsNode, "'flows' is empty: a smoke run needs at least one flow");
        }

        var flows = new List<SmokeFlow>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var flowNode in flowsNode.Children)
        {
            var flow = ReadFlow(reader, flowNode, personas, values, defaultSchema);
            if (!names.Add(flow.Name))
            {
                throw reader.Invalid(flowNode, $"a second flow named '{flow.Name}': flow names must be unique (reports and failures name them)");
            }

            flows.Add(flow);
        }

        return new SmokeFile(file, personas, values, flows);
    }

    private static YamlMappingNode ReadDocument(string text, Reader reader)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            var detail = (exception.InnerException?.Message ?? exception.Message).Split('\n')[0];
            throw Errors.Errors.SmokeYamlSyntax(reader.File, (int)exception.Start.Line, (int)exception.Start.Column, detail);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Errors.Errors.SmokeFileInvalid(reader.File, 1, 1, "the file must be a mapping with 'personas' and 'flows'");
        }

        if (stream.Documents.Count > 1)
        {
            throw reader.Invalid(stream.Documents[1].RootNode, "only one YAML document is allowed");
        }

        return root;
    }

    private static List<PersonaDefinition> ReadPersonas(Reader reader, YamlMappingNode node)
    {
        var personas = new List<PersonaDefinition>();
        foreach (var (keyNode, valueNode) in node.Children)
        {
            var name = reader.Name(keyNode, "a persona name");
            var definition = reader.As<YamlMappingNode>(valueNode, $"persona '{name}' must be a mapping with 'role' (and 'user' for a signed-in user)");
            reader.OnlyKeys(definition, PersonaKeys, $"persona '{name}'");
            var role = reader.Text(reader.Required<YamlScalarNode>(definition, "role"));
            if (role.Length == 0)
            {
                throw reader.Invalid(definition, $"persona '{name}' has an empty role");
            }

            string? user = null;
            if (reader.Optional<YamlScalarNode>(definition, "user") is { } userNode)
            {
                user = reader.Text(userNode);
                reader.Placeholders(user, userNode, personas: false);
            }

            JsonObject? claims = null;
            if (reader.Optional<YamlMappingNode>(definition, "claims") is { } claimsNode)
            {
                claims = (JsonObject)ToJson(claimsNode)!;
            }

            if (role == ApiRoles.Authenticated && user is null)
            {
                throw reader.Invalid(definition, $"persona '{name}' is authenticated but has no 'user' query (the auth.users row it signs in as)");
            }

            personas.Add(new PersonaDefinition(name, role, user, claims, reader.At(keyNode)));
        }

        if (personas.Count == 0)
        {
            throw reader.Invalid(node, "'personas' is empty");
        }

        reader.SignedIn = [.. personas.Where(p => p.UserQuery is not null).Select(p => p.Name)];
        return personas;
    }

    private static Dictionary<string, string> ReadValues(Reader reader, YamlMappingNode? node)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in node?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var name = reader.Name(keyNode, "a value name");
            values[name] = reader.Text(reader.As<YamlScalarNode>(valueNode, $"value '{name}' must be a single text"));
        }

        reader.Values = values;
        return values;
    }

    private static SmokeFlow ReadFlow(Reader reader, YamlNode node, List<PersonaDefinition> personas, Dictionary<string, string> values, string defaultSchema)
    {
        var flow = reader.As<YamlMappingNode>(node, "a flow must be a mapping with 'name' and 'steps'");
        reader.OnlyKeys(flow, FlowKeys, "a flow");
        var name = reader.Text(reader.Required<YamlScalarNode>(flow, "name"));
        if (name.Length == 0)
        {
            throw reader.Invalid(flow, "a flow has an empty name");
        }

        var stepsNode = reader.Required<YamlSequenceNode>(flow, "steps");
        if (stepsNode.Children.Count == 0)
        {
            throw reader.Invalid(stepsNode, $"flow '{name}' has no steps");
        }

        var saved = new HashSet<string>(StringComparer.Ordinal);
        var steps = new List<SmokeStep>();
        foreach (var stepNode in stepsNode.Children)
        {
            var step = ReadStep(reader, reader.As<YamlMappingNode>(stepNode, "a step must be a mapping: as, one of select/insert/update/delete/rpc/sql, expect"), personas, defaultSchema);
            foreach (var (text, location) in step.Texts)
            {
                foreach (var (placeholder, index) in Security.Matrix.Placeholders.Occurrences(text))
                {
                    if (!reader.Known(placeholder, saved))
                    {
                        throw Errors.Errors.SmokeUnknownPlaceholder(reader.File, location.Line, location.Column, placeholder);
                    }
                }
            }

            foreach (var savedName in step.Save.Keys)
            {
                if (values.ContainsKey(savedName) || !saved.Add(savedName))
                {
                    throw Errors.Errors.SmokeFileInvalid(reader.File, step.Location.Line, step.Location.Column, $"'{savedName}' is saved twice (or is also a value): each name has one meaning in a flow");
                }
            }

            steps.Add(step);
        }

        return new SmokeFlow(name, steps, reader.At(flow));
    }

    private static SmokeStep ReadStep(Reader reader, YamlMappingNode node, List<PersonaDefinition> personas, string defaultSchema)
    {
        reader.OnlyKeys(node, StepKeys, "a step");
        var asNode = reader.Required<YamlScalarNode>(node, "as");
        var persona = reader.Text(asNode);
        if (personas.All(p => p.Name != persona))
        {
            throw Errors.Errors.SmokeUnknownPersona(reader.File, (int)asNode.Start.Line, (int)asNode.Start.Column, persona, string.Join(", ", personas.Select(p => p.Name)));
        }

        var commands = node.Children.Keys.OfType<YamlScalarNode>().Where(k => CommandKeys.Contains(k.Value)).ToList();
        if (commands.Count != 1)
        {
            throw reader.Invalid(node, commands.Count == 0
                ? "the step does nothing: give one of select, insert, update, delete, rpc or sql"
                : $"the step has {string.Join(" and ", commands.Select(c => c.Value))}: one call per step");
        }

        var command = Enum.Parse<ApiCommand>(commands[0].Value!, ignoreCase: true);
        var target = reader.As<YamlScalarNode>(node.Children[commands[0]], $"'{commands[0].Value}' takes {(command == ApiCommand.Sql ? "the SQL to run" : "a table, view or function name")}");
        var texts = new List<(string, SourceLocation)>();
        string schema = defaultSchema;
        string? objectName = null;
        string? sql = null;
        if (command == ApiCommand.Sql)
        {
            sql = reader.Text(target);
            texts.Add((sql, reader.At(target)));
        }
        else
        {
            var name = reader.Text(target);
            if (!ObjectNamePattern().IsMatch(name))
            {
                throw reader.Invalid(target, $"'{name}' is not a name: write table or schema.table");
            }

            var dot = name.IndexOf('.', StringComparison.Ordinal);
            (schema, objectName) = dot < 0 ? (defaultSchema, name) : (name[..dot], name[(dot + 1)..]);
        }

        Allow(reader, node, command, "columns", ApiCommand.Select);
        Allow(reader, node, command, "where", ApiCommand.Select, ApiCommand.Update, ApiCommand.Delete);
        Allow(reader, node, command, "values", ApiCommand.Insert);
        Allow(reader, node, command, "set", ApiCommand.Update);
        Allow(reader, node, command, "args", ApiCommand.Rpc);
        string? where = null;
        if (reader.Optional<YamlScalarNode>(node, "where") is { } whereNode)
        {
            where = reader.Text(whereNode);
            texts.Add((where, reader.At(whereNode)));
        }
        else if (command is ApiCommand.Update or ApiCommand.Delete)
        {
            throw reader.Invalid(node, $"{command.Name()} needs 'where' (PostgREST refuses an unfiltered {command.Name()})");
        }

        var columns = reader.Optional<YamlScalarNode>(node, "columns") is { } columnsNode ? reader.Text(columnsNode) : "*";
        JsonNode? body = command switch
        {
            ApiCommand.Insert => reader.Required<YamlNode>(node, "values") is var rows && ToJson(rows, reader, texts) is var json
                ? json switch
                {
                    JsonObject row => new JsonArray(row),
                    JsonArray { Count: > 0 } list when list.All(item => item is JsonObject) => list,
                    _ => throw reader.Invalid(rows, "'values' takes a row (a mapping) or a list of rows"),
                }
                : null,
            ApiCommand.Update => ToJson(reader.Required<YamlMappingNode>(node, "set"), reader, texts),
            ApiCommand.Rpc => reader.Optional<YamlMappingNode>(node, "args") is { } args ? ToJson(args, reader, texts) : new JsonObject(),
            _ => null,
        };

        var expect = node.Children.TryGetValue(new YamlScalarNode("expect"), out var expectNode) ? ReadExpectation(reader, expectNode, texts) : new CaseExpectation();
        var save = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.Optional<YamlMappingNode>(node, "save") is { } saveNode)
        {
            foreach (var (keyNode, valueNode) in saveNode.Children)
            {
                var name = reader.Name(keyNode, "a name to save");
                save[name] = reader.Text(reader.As<YamlScalarNode>(valueNode, $"save '{name}' takes the column to read"));
            }
        }

        return new SmokeStep
        {
            Persona = persona,
            Command = command,
            Schema = schema,
            Object = objectName,
            Columns = columns,
            Where = where,
            Body = body,
            Sql = sql,
            Expect = expect,
            Save = save,
            Location = reader.At(node),
            Texts = texts,
        };
    }

    private static void Allow(Reader reader, YamlMappingNode node, ApiCommand command, string key, params ApiCommand[] commands)
    {
        if (!commands.Contains(command) && node.Children.TryGetValue(new YamlScalarNode(key), out var value))
        {
            throw reader.Invalid(value, $"'{key}' does not apply to {command.Name()}");
        }
    }

    /// <summary>A number (rows returned or affected), <c>allowed</c>, <c>denied</c>, or a mapping of rows/allowed/columns/result/error/message.</summary>
    private static CaseExpectation ReadExpectation(Reader reader, YamlNode node, List<(string, SourceLocation)> texts)
    {
        if (node is YamlScalarNode scalar)
        {
            var text = reader.Text(scalar);
            return text switch
            {
                "allowed" => new CaseExpectation { AtLeastOneRow = true },
                "denied" => new CaseExpectation { SqlState = "42501" },
                _ when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rows) => new CaseExpectation { Rows = rows },
                _ => throw reader.Invalid(scalar, $"expect '{text}' is not a row count, 'allowed', 'denied' or a mapping (rows, allowed, columns, result, error, message)"),
            };
        }

        var mapping = reader.As<YamlMappingNode>(node, "expect takes a row count, 'allowed', 'denied' or a mapping");
        reader.OnlyKeys(mapping, ExpectKeys, "expect");
        int? count = null;
        if (reader.Optional<YamlScalarNode>(mapping, "rows") is { } rowsNode)
        {
            count = int.TryParse(reader.Text(rowsNode), NumberStyles.None, CultureInfo.InvariantCulture, out var rows) ? rows : throw reader.Invalid(rowsNode, "rows takes a whole number");
        }

        var allowed = reader.Optional<YamlScalarNode>(mapping, "allowed") is { } allowedNode && (reader.Text(allowedNode) is "true" ? true : reader.Text(allowedNode) is "false" ? false : throw reader.Invalid(allowedNode, "allowed takes true or false"));
        string? error = null;
        if (reader.Optional<YamlScalarNode>(mapping, "error") is { } errorNode)
        {
            error = reader.Text(errorNode);
            error = error == "denied" ? "42501" : SqlStatePattern().IsMatch(error) ? error : throw reader.Invalid(errorNode, $"error '{error}' is not a SQLSTATE (five digits or capitals, e.g. 42501) or 'denied'");
        }

        string? message = null;
        if (reader.Optional<YamlScalarNode>(mapping, "message") is { } messageNode)
        {
            message = reader.Text(messageNode);
            texts.Add((message, reader.At(messageNode)));
            if (error is null)
            {
                throw reader.Invalid(messageNode, "message needs error (the SQLSTATE it comes with)");
            }
        }

        var hasResult = mapping.Children.TryGetValue(new YamlScalarNode("result"), out var resultNode);
        var columns = reader.Optional<YamlMappingNode>(mapping, "columns") is { } columnsNode ? (JsonObject)ToJson(columnsNode, reader, texts)! : null;
        if (error is not null && (count is not null || allowed || hasResult || columns is not null))
        {
            throw reader.Invalid(mapping, "error cannot be combined with rows, allowed, columns or result");
        }

        return new CaseExpectation
        {
            Rows = count,
            AtLeastOneRow = allowed,
            SqlState = error,
            Message = message,
            HasResult = hasResult,
            Result = hasResult ? ToJson(resultNode!, reader, texts) : null,
            Columns = columns,
        };
    }

    /// <summary>YAML to JSON: plain scalars become numbers, booleans and null as YAML reads them; quoted ones stay text.</summary>
    private static JsonNode? ToJson(YamlNode node, Reader? reader = null, List<(string, SourceLocation)>? texts = null)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    obj[((YamlScalarNode)key).Value ?? ""] = ToJson(value, reader, texts);
                }

                return obj;
            case YamlSequenceNode sequence:
                return new JsonArray([.. sequence.Children.Select(child => ToJson(child, reader, texts))]);
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

                if (reader is not null)
                {
                    texts?.Add((text, reader.At(scalar)));
                }

                return JsonValue.Create(text);
            default:
                throw new InvalidOperationException("unsupported YAML node");
        }
    }

    /// <summary>Locations, required keys and the names placeholders may use.</summary>
    private sealed class Reader(string file)
    {
        public string File { get; } = file;

        public IReadOnlyDictionary<string, string> Values { get; set; } = new Dictionary<string, string>();

        public IReadOnlyCollection<string> SignedIn { get; set; } = [];

        public SourceLocation At(YamlNode node) => new(File, (int)node.Start.Line, (int)node.Start.Column);

        public MigrationTasksException Invalid(YamlNode node, string detail) => Errors.Errors.SmokeFileInvalid(File, (int)node.Start.Line, (int)node.Start.Column, detail);

        public void OnlyKeys(YamlMappingNode node, IReadOnlyCollection<string> allowed, string where)
        {
            foreach (var key in node.Children.Keys)
            {
                var name = (key as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(name))
                {
                    throw Invalid(key, $"unknown key '{name}' in {where} (allowed: {string.Join(", ", allowed)})");
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

            return value as T ?? throw Invalid(value, $"'{key}' must be {Kind<T>()}");
        }

        public T As<T>(YamlNode node, string detail) where T : YamlNode => node as T ?? throw Invalid(node, detail);

        public string Text(YamlScalarNode node) => (node.Value ?? "").Trim();

        public string Name(YamlNode node, string what)
        {
            var name = node is YamlScalarNode scalar ? Text(scalar) : "";
            return ValueNamePattern().IsMatch(name) ? name : throw Invalid(node, $"'{name}' is not usable as {what}: letters, digits and '_'");
        }

        public void Placeholders(string text, YamlNode node, bool personas)
        {
            foreach (var (name, _) in Security.Matrix.Placeholders.Occurrences(text))
            {
                if (!Values.ContainsKey(name) && !(personas && IsPersonaValue(name)))
                {
                    throw Errors.Errors.SmokeUnknownPlaceholder(File, (int)node.Start.Line, (int)node.Start.Column, name + (personas ? "" : " (user queries may use values only)"));
                }
            }
        }

        public bool Known(string name, IReadOnlySet<string> saved) => Values.ContainsKey(name) || saved.Contains(name) || IsPersonaValue(name);

        private bool IsPersonaValue(string name)
        {
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && SignedIn.Contains(name[..dot]) && name[(dot + 1)..] is "id" or "email";
        }

        private static string Kind<T>() => typeof(T) == typeof(YamlMappingNode) ? "a mapping" : typeof(T) == typeof(YamlSequenceNode) ? "a list" : typeof(T) == typeof(YamlScalarNode) ? "a single value" : "a value";
    }
}
