using System.Security.Cryptography;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MigrationTasks.Data.Spec;

/// <summary>
/// Loads supabase/v1_to_v3.yaml into a <see cref="MappingSpec"/>: strict YAML (unknown keys, wrong shapes and
/// duplicate names are errors with the file and line), then the checks that need no database: names, aliases,
/// references to declared key maps, and a foreign-key order without cycles (<see cref="MappingOrder"/>).
/// The checks against a real catalog come next (<see cref="SpecValidator"/>).
/// </summary>
public static partial class MappingSpecLoader
{
    public const int SupportedVersion = 1;

    public static MappingSpec Load(string path)
    {
        var file = Path.GetFullPath(path);
        if (!System.IO.File.Exists(file))
        {
            throw Errors.Errors.SpecNotFound(path);
        }

        var bytes = System.IO.File.ReadAllBytes(file);
        var text = new System.Text.UTF8Encoding(false, true).GetString(bytes);
        return Parse(text, file, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    public static MappingSpec Parse(string text, string file, string sha256 = "")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            throw Errors.Errors.SpecSyntax(file, (int)exception.Start.Line, (int)exception.Start.Column, exception.InnerException?.Message ?? exception.Message);
        }

        if (stream.Documents.Count != 1)
        {
            throw Errors.Errors.SpecShape(file, 1, 1, $"the spec must be one YAML document, not {stream.Documents.Count}.");
        }

        var reader = new YamlNodeReader(file);
        var root = reader.Mapping(stream.Documents[0].RootNode, "the spec", "version", "keymap_schema", "quarantine_table", "random_spot_checks", "functions", "legacy", "mappings");
        var versionNode = reader.Required(root, "version", "The spec");
        if (reader.Integer(versionNode, "version", 1, 999) != SupportedVersion)
        {
            throw reader.Error(versionNode, $"this MigrationTasks reads spec version {SupportedVersion}.");
        }

        var keymapSchema = Identifier(reader, reader.Required(root, "keymap_schema", "The spec"), "keymap_schema");
        var quarantine = reader.Optional(root, "quarantine_table") is { } q ? Identifier(reader, q, "quarantine_table") : "quarantine";
        var functions = reader.Optional(root, "functions") is { } f ? reader.Sequence(f, "functions").Select(n => ReadFunction(reader, n)).ToList() : [];
        var legacy = reader.Optional(root, "legacy") is { } l ? ReadLegacy(reader, l) : new LegacyObjects([], [], [], [], [], []);
        var mappingsNode = reader.Required(root, "mappings", "The spec");
        var mappings = reader.Sequence(mappingsNode, "mappings").Select(n => ReadMapping(reader, n)).ToList();
        if (mappings.Count == 0)
        {
            throw reader.Error(mappingsNode, "mappings is empty: declare at least one target table.");
        }

        var spec = new MappingSpec
        {
            File = file,
            Sha256 = sha256,
            KeymapSchema = keymapSchema,
            QuarantineTable = quarantine,
            Functions = functions,
            Legacy = legacy,
            Mappings = mappings,
            RandomSpotChecks = reader.Optional(root, "random_spot_checks") is { } r ? reader.Integer(r, "random_spot_checks", 0, 10000) : 10,
        };
        CheckNames(spec);
        return spec with { Mappings = MappingOrder.Sort(spec) };
    }

    private static HelperFunction ReadFunction(YamlNodeReader reader, YamlNode node)
    {
        var map = reader.Mapping(node, "a function", "name", "arguments", "returns", "body");
        var name = Identifier(reader, reader.Required(map, "name", "A function"), "a function name");
        var arguments = reader.String(reader.Required(map, "arguments", "A function"), "arguments");
        if (!ArgumentList().IsMatch(arguments))
        {
            throw reader.Error(map, $"arguments must look like 't text, n integer' (name type, ...), not '{arguments}'.");
        }

        return new HelperFunction(name, arguments, reader.String(reader.Required(map, "returns", "A function"), "returns"),
            reader.Sql(reader.Required(map, "body", "A function"), "a function body"), reader.At(node));
    }

    private static LegacyObjects ReadLegacy(YamlNodeReader reader, YamlNode node)
    {
        var map = reader.Mapping(node, "legacy", "types", "tables", "views", "sequences", "functions", "triggers");
        IReadOnlyList<LegacyObject> List(string kind, Regex shape, string example) =>
            reader.Optional(map, kind) is { } list
                ? [.. reader.Sequence(list, $"legacy.{kind}").Select(item =>
                {
                    var text = reader.String(item, $"a legacy {kind} entry").Trim();
                    return shape.IsMatch(text) ? new LegacyObject(kind, text, reader.At(item)) : throw reader.Error(item, $"a legacy {kind} entry looks like '{example}', not '{text}'.");
                })]
                : [];

        return new LegacyObjects(
            List("types", QualifiedShape(), "public.v1_user_role"),
            List("tables", QualifiedShape(), "public.v1_users"),
            List("views", QualifiedShape(), "public.v1_booking_summary"),
            List("sequences", QualifiedShape(), "public.v1_booking_ref_seq"),
            List("functions", FunctionShape(), "public.v1_parse_price(text)"),
            List("triggers", TriggerShape(), "v1_adventures_touch on public.v1_adventures"));
    }

    private static TableMapping ReadMapping(YamlNodeReader reader, YamlNode node)
    {
        var map = reader.Mapping(node, "a mapping", "name", "source", "alias", "key", "target", "keymap", "filters", "dedupe", "quarantine",
            "references", "columns", "on_conflict", "disable_triggers", "batch_size", "spot_checks", "dropped");
        var name = Identifier(reader, reader.Required(map, "name", "A mapping"), "a mapping name");
        var what = $"mapping '{name}'";

        var sourceNode = reader.Required(map, "source", $"The {what}");
        QualifiedName? sourceTable = null;
        SpecSql? sourceQuery = null;
        if (sourceNode is YamlMappingNode sourceMap)
        {
            reader.Mapping(sourceMap, $"the source of {what}", "table", "query");
            if (reader.Optional(sourceMap, "table") is { } t == reader.Optional(sourceMap, "query") is { } qn)
            {
                throw reader.Error(sourceMap, $"the source of {what} needs exactly one of 'table' or 'query'.");
            }

            sourceTable = reader.Optional(sourceMap, "table") is { } tableNode ? Qualified(reader, tableNode, "source.table") : null;
            sourceQuery = reader.Optional(sourceMap, "query") is { } queryNode ? reader.Sql(queryNode, "source.query") : null;
        }
        else
        {
            sourceTable = Qualified(reader, sourceNode, "source");
        }

        var keyNode = reader.Required(map, "key", $"The {what}");
        var key = reader.OneOrMany(keyNode, "key").Select(k => Identifier(reader, k.Node, "a key column")).ToList();

        KeymapSpec? keymap = null;
        if (reader.Optional(map, "keymap") is { } keymapNode)
        {
            if (keymapNode is YamlScalarNode)
            {
                keymap = new KeymapSpec(Identifier(reader, keymapNode, "keymap"), null, reader.At(keymapNode));
            }
            else
            {
                var km = reader.Mapping(keymapNode, $"the keymap of {what}", "name", "v3_key");
                keymap = new KeymapSpec(Identifier(reader, reader.Required(km, "name", "A keymap"), "keymap.name"),
                    reader.Optional(km, "v3_key") is { } v3 ? reader.Sql(v3, "keymap.v3_key") : null, reader.At(keymapNode));
            }

            if (key.Count != 1)
            {
                throw reader.Error(keymapNode, $"a key map maps one v1 key column to one v3 key; {what} has the key ({string.Join(", ", key)}).");
            }
        }

        var columnsNode = reader.Mapping(reader.Required(map, "columns", $"The {what}"), $"the columns of {what}",
            [.. ((YamlMappingNode)reader.Required(map, "columns", $"The {what}")).Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "")]);
        var columns = columnsNode.Children.Select(pair => ReadColumn(reader, pair.Key, pair.Value, what)).ToList();
        if (columns.Count == 0)
        {
            throw reader.Error(columnsNode, $"{what} maps no column.");
        }

        var onConflictNode = reader.Optional(map, "on_conflict");
        var onConflict = onConflictNode is null ? "nothing" : reader.String(onConflictNode, "on_conflict");
        if (onConflict is not ("nothing" or "update"))
        {
            throw reader.Error(onConflictNode!, "on_conflict is 'nothing' (keep rows that already exist) or 'update' (overwrite their mapped columns).");
        }

        var batchNode = reader.Optional(map, "batch_size");
        return new TableMapping
        {
            Name = name,
            Location = reader.At(node),
            SourceTable = sourceTable,
            SourceQuery = sourceQuery,
            SourceLocation = reader.At(sourceNode),
            Alias = Identifier(reader, reader.Required(map, "alias", $"The {what}"), "alias"),
            Key = key,
            KeyLocation = reader.At(keyNode),
            Target = Qualified(reader, reader.Required(map, "target", $"The {what}"), "target"),
            TargetLocation = reader.At(reader.Required(map, "target", $"The {what}")),
            Keymap = keymap,
            Filters = reader.Optional(map, "filters") is { } filters ? ReadRules(reader, filters, "filters") : [],
            Dedupe = reader.Optional(map, "dedupe") is { } dedupe ? ReadDedupe(reader, dedupe) : null,
            Quarantine = reader.Optional(map, "quarantine") is { } quarantine ? ReadRules(reader, quarantine, "quarantine") : [],
            References = reader.Optional(map, "references") is { } references ? ReadReferences(reader, references, what) : [],
            Columns = columns,
            OnConflict = onConflict,
            OnConflictLocation = onConflictNode is null ? null : reader.At(onConflictNode),
            DisableTriggers = reader.Optional(map, "disable_triggers") is { } triggers
                ? [.. reader.OneOrMany(triggers, "disable_triggers").Select(t => (t.Value, reader.At(t.Node)))]
                : [],
            BatchSize = batchNode is null ? null : reader.Integer(batchNode, "batch_size", 100, 100_000_000),
            BatchLocation = batchNode is null ? null : reader.At(batchNode),
            SpotChecks = reader.Optional(map, "spot_checks") is { } checks ? [.. reader.Sequence(checks, "spot_checks").Select(c => ReadSpotCheck(reader, c, key))] : [],
            Dropped = reader.Optional(map, "dropped") is { } dropped
                ? reader.Mapping(dropped, "dropped", [.. ((YamlMappingNode)dropped).Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "")])
                    .Children.ToDictionary(p => reader.String(p.Key, "a dropped column"), p => reader.String(p.Value, "why the column is dropped"), StringComparer.Ordinal)
                : new Dictionary<string, string>(),
        };
    }

    private static ColumnMapping ReadColumn(YamlNodeReader reader, YamlNode keyNode, YamlNode value, string what)
    {
        var column = reader.String(keyNode, "a target column");
        if (value is YamlMappingNode map)
        {
            reader.Mapping(map, $"column '{column}' of {what}", "key", "ref");
            if (reader.Optional(map, "key") is { } key)
            {
                if (map.Children.Count != 1 || !reader.Boolean(key, "key"))
                {
                    throw reader.Error(map, $"column '{column}': write either {{ key: true }} (the row's v3 key) or {{ ref: <reference> }}.");
                }

                return new ColumnMapping(column, null, true, null, reader.At(keyNode));
            }

            return new ColumnMapping(column, null, false, Identifier(reader, reader.Required(map, "ref", $"Column '{column}'"), "ref"), reader.At(keyNode));
        }

        return new ColumnMapping(column, reader.Sql(value, $"the expression of column '{column}'"), false, null, reader.At(keyNode));
    }

    private static IReadOnlyList<ConditionRule> ReadRules(YamlNodeReader reader, YamlNode node, string what) =>
        [.. reader.Sequence(node, what).Select(item =>
        {
            var map = reader.Mapping(item, $"an entry of {what}", "when", "reason");
            return new ConditionRule(reader.Sql(reader.Required(map, "when", $"An entry of {what}"), $"a condition of {what}"),
                reader.String(reader.Required(map, "reason", $"An entry of {what}"), "reason"), reader.At(item));
        })];

    private static DedupeRule ReadDedupe(YamlNodeReader reader, YamlNode node)
    {
        var map = reader.Mapping(node, "dedupe", "by", "keep", "reason");
        var by = reader.Required(map, "by", "dedupe");
        return new DedupeRule(
            by is YamlSequenceNode ? [.. reader.Sequence(by, "dedupe.by").Select(n => reader.Sql(n, "dedupe.by"))] : [reader.Sql(by, "dedupe.by")],
            reader.Sql(reader.Required(map, "keep", "dedupe"), "dedupe.keep"),
            reader.String(reader.Required(map, "reason", "dedupe"), "reason"),
            reader.At(node));
    }

    private static IReadOnlyList<ReferenceSpec> ReadReferences(YamlNodeReader reader, YamlNode node, string what)
    {
        var map = reader.Mapping(node, $"the references of {what}", [.. ((YamlMappingNode)node).Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "")]);
        return [.. map.Children.Select(pair =>
        {
            var name = Identifier(reader, pair.Key, "a reference name");
            var reference = reader.Mapping(pair.Value, $"reference '{name}'", "keymap", "key", "required");
            return new ReferenceSpec(name,
                Identifier(reader, reader.Required(reference, "keymap", $"Reference '{name}'"), "keymap"),
                reader.Sql(reader.Required(reference, "key", $"Reference '{name}'"), $"the key of reference '{name}'"),
                reader.Optional(reference, "required") is not { } required || reader.Boolean(required, "required"),
                reader.At(pair.Key));
        })];
    }

    private static SpotCheckSpec ReadSpotCheck(YamlNodeReader reader, YamlNode node, IReadOnlyList<string> key)
    {
        var map = reader.Mapping(node, "a spot check", "key", "why");
        var keyNode = reader.Required(map, "key", "A spot check");
        IReadOnlyList<string> values;
        if (keyNode is YamlMappingNode composite)
        {
            reader.Mapping(composite, "a spot check key", [.. key]);
            values = [.. key.Select(k => reader.String(reader.Required(composite, k, "A spot check key"), k))];
        }
        else if (key.Count == 1)
        {
            values = [reader.String(keyNode, "a spot check key")];
        }
        else
        {
            throw reader.Error(keyNode, $"the key has several columns ({string.Join(", ", key)}): write it as {{ {string.Join(", ", key.Select(k => k + ": ..."))} }}.");
        }

        return new SpotCheckSpec(values, reader.String(reader.Required(map, "why", "A spot check"), "why"), reader.At(node));
    }

    private static void CheckNames(MappingSpec spec)
    {
        var mappings = new Dictionary<string, TableMapping>(StringComparer.Ordinal);
        var keymaps = new Dictionary<string, TableMapping>(StringComparer.Ordinal);
        var reserved = new HashSet<string>(StringComparer.Ordinal) { "km", spec.KeymapSchema };
        foreach (var mapping in spec.Mappings)
        {
            if (mappings.TryGetValue(mapping.Name, out var first))
            {
                throw Errors.Errors.SpecDuplicateName(spec.File, mapping.Location.Line, "mapping", mapping.Name, first.Location.Line);
            }

            mappings[mapping.Name] = mapping;
            if (mapping.Keymap is { } keymap)
            {
                if (keymaps.TryGetValue(keymap.Name, out var owner))
                {
                    throw Errors.Errors.SpecDuplicateName(spec.File, keymap.Location.Line, "key map", keymap.Name, owner.Keymap!.Location.Line);
                }

                if (keymap.Name == spec.QuarantineTable)
                {
                    throw Errors.Errors.SpecShape(spec.File, keymap.Location.Line, keymap.Location.Column, $"the key map '{keymap.Name}' has the quarantine table's name.");
                }

                keymaps[keymap.Name] = mapping;
            }

            var aliases = new Dictionary<string, SpecLocation>(StringComparer.Ordinal) { [mapping.Alias] = mapping.Location };
            foreach (var reference in mapping.References)
            {
                if (reserved.Contains(reference.Name) || aliases.ContainsKey(reference.Name))
                {
                    throw Errors.Errors.SpecDuplicateName(spec.File, reference.Location.Line, "alias", reference.Name, aliases.TryGetValue(reference.Name, out var at) ? at.Line : reference.Location.Line);
                }

                aliases[reference.Name] = reference.Location;
            }

            foreach (var column in mapping.Columns)
            {
                if (column.IsKey && mapping.Keymap is null)
                {
                    throw Errors.Errors.SpecShape(spec.File, column.Location.Line, column.Location.Column, $"column '{column.Column}' takes the row's v3 key, but mapping '{mapping.Name}' has no keymap.");
                }

                if (column.Reference is { } name && mapping.References.All(r => r.Name != name))
                {
                    throw Errors.Errors.SpecUnknownName(spec.File, column.Location.Line, "reference", name, Known(mapping.References.Select(r => r.Name)));
                }
            }

            if (mapping.Keymap is not null && mapping.Columns.Count(c => c.IsKey) != 1)
            {
                throw Errors.Errors.SpecShape(spec.File, mapping.Location.Line, mapping.Location.Column,
                    $"mapping '{mapping.Name}' has a keymap, so exactly one column must take the v3 key ({{ key: true }}): it is the target key the load is idempotent on.");
            }
        }

        foreach (var mapping in spec.Mappings)
        {
            foreach (var reference in mapping.References.Where(r => !keymaps.ContainsKey(r.Keymap)))
            {
                throw Errors.Errors.SpecUnknownName(spec.File, reference.Location.Line, "key map", reference.Keymap, Known(keymaps.Keys));
            }
        }

        var functions = new Dictionary<string, HelperFunction>(StringComparer.Ordinal);
        foreach (var function in spec.Functions)
        {
            if (functions.TryGetValue(function.Name, out var first))
            {
                throw Errors.Errors.SpecDuplicateName(spec.File, function.Location.Line, "function", function.Name, first.Location.Line);
            }

            functions[function.Name] = function;
        }
    }

    private static string Known(IEnumerable<string> names) => names.Any() ? string.Join(", ", names.Order(StringComparer.Ordinal)) : "none";

    /// <summary>A name used unquoted in the spec's SQL (aliases, key maps): lower-case letters, digits and '_'.</summary>
    private static string Identifier(YamlNodeReader reader, YamlNode node, string what)
    {
        var text = reader.String(node, what);
        return SimpleIdentifier().IsMatch(text) ? text : throw reader.Error(node, $"{what} '{text}' must be lower-case letters, digits and '_' (at most 63), starting with a letter or '_'.");
    }

    private static QualifiedName Qualified(YamlNodeReader reader, YamlNode node, string what)
    {
        var text = reader.String(node, what);
        var match = QualifiedShape().Match(text);
        return match.Success ? new QualifiedName(match.Groups[1].Value, match.Groups[2].Value) : throw reader.Error(node, $"{what} must be schema-qualified, like public.v1_users, not '{text}'.");
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SimpleIdentifier();

    [GeneratedRegex("^([a-z_][a-z0-9_$]*)\\.([a-z_][a-z0-9_$]*)$")]
    internal static partial Regex QualifiedShape();

    [GeneratedRegex("^([a-z_][a-z0-9_$]*)\\.([a-z_][a-z0-9_$]*)\\((.*)\\)$")]
    internal static partial Regex FunctionShape();

    [GeneratedRegex("^([a-z_][a-z0-9_$]*) on ([a-z_][a-z0-9_$]*)\\.([a-z_][a-z0-9_$]*)$")]
    internal static partial Regex TriggerShape();

    [GeneratedRegex("^\\s*([a-z_][a-z0-9_]*\\s+[^,]+)?(\\s*,\\s*[a-z_][a-z0-9_]*\\s+[^,]+)*\\s*$")]
    private static partial Regex ArgumentList();
}
