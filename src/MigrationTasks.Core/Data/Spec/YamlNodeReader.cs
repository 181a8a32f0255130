using System.Globalization;
using MigrationTasks.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MigrationTasks.Data.Spec;

/// <summary>
/// Reads YAML nodes strictly, with the file and line of every value: unknown keys, missing keys and values of the
/// wrong shape are coded errors (MT0503) that point at the spec line, never silently ignored.
/// </summary>
internal sealed class YamlNodeReader(string file)
{
    public string File { get; } = file;

    public SpecLocation At(YamlNode node) => new(File, (int)node.Start.Line, (int)node.Start.Column);

    public MigrationTasksException Error(YamlNode node, string detail) =>
        Errors.Errors.SpecShape(File, (int)node.Start.Line, (int)node.Start.Column, detail);

    /// <summary>The mapping node, its keys checked against <paramref name="allowed"/>.</summary>
    public YamlMappingNode Mapping(YamlNode node, string what, params string[] allowed)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw Error(node, $"{what} must be a mapping (key: value lines), not {Describe(node)}.");
        }

        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (key, _) in mapping.Children)
        {
            var name = key is YamlScalarNode scalar ? scalar.Value ?? "" : "";
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                throw Error(key, $"unknown key '{name}' in {what}; allowed: {string.Join(", ", allowed)}.");
            }

            if (seen.TryGetValue(name, out var first))
            {
                throw Error(key, $"the key '{name}' appears twice in {what} (first at line {first.Start.Line}).");
            }

            seen[name] = key;
        }

        return mapping;
    }

    public YamlNode? Optional(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public YamlNode Required(YamlMappingNode mapping, string key, string what) =>
        Optional(mapping, key) ?? throw Error(mapping, $"{what} needs '{key}'.");

    public string String(YamlNode node, string what)
    {
        if (node is not YamlScalarNode scalar || scalar.Value is null || (scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null"))
        {
            throw Error(node, $"{what} must be a text value, not {Describe(node)}.");
        }

        return scalar.Value;
    }

    public string? OptionalString(YamlMappingNode mapping, string key, string what) =>
        Optional(mapping, key) is { } node ? String(node, what) : null;

    public SpecSql Sql(YamlNode node, string what)
    {
        var text = String(node, what).TrimEnd();
        if (text.Trim().Length == 0)
        {
            throw Error(node, $"{what} is empty.");
        }

        var block = node is YamlScalarNode { Style: ScalarStyle.Literal or ScalarStyle.Folded };
        return new SpecSql(text, At(node), block);
    }

    public bool Boolean(YamlNode node, string what) =>
        String(node, what) switch
        {
            "true" => true,
            "false" => false,
            _ => throw Error(node, $"{what} must be true or false."),
        };

    public int Integer(YamlNode node, string what, int min, int max) =>
        int.TryParse(String(node, what), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Error(node, $"{what} must be a whole number from {min} to {max}.");

    public IReadOnlyList<YamlNode> Sequence(YamlNode node, string what) =>
        node is YamlSequenceNode sequence ? sequence.Children.ToList() : throw Error(node, $"{what} must be a list (lines starting with '- '), not {Describe(node)}.");

    /// <summary>A single text or a list of texts.</summary>
    public IReadOnlyList<(string Value, YamlNode Node)> OneOrMany(YamlNode node, string what) =>
        node is YamlSequenceNode sequence
            ? [.. sequence.Children.Select(child => (String(child, what), child))]
            : [(String(node, what), node)];

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode { Value: null or "" or "~" or "null" } => "an empty value",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => node.NodeType.ToString(),
    };
}
