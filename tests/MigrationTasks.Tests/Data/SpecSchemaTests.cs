using System.Globalization;
using System.Text.Json.Nodes;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MigrationTasks.Tests.Data;

/// <summary>supabase/v1_to_v3.schema.json (editor help) describes the spec: the spec conforms, and a typo does not.</summary>
[TestClass]
public sealed class SpecSchemaTests
{
    private static readonly Lazy<JsonSchema> Loaded = new(() => JsonSchema.FromFile(Path.Combine(Path.GetDirectoryName(SpecFiles.RepositorySpec)!, "v1_to_v3.schema.json")));

    private static JsonSchema Schema => Loaded.Value;

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, ToJson(p.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar when long.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } scalar => JsonValue.Create(scalar.Value == "true"),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static EvaluationResults Evaluate(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var json = System.Text.Json.JsonSerializer.SerializeToElement(ToJson(stream.Documents[0].RootNode));
        return Schema.Evaluate(json, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    [TestMethod]
    public void TheSpecConformsToItsSchemaAndPointsEditorsAtIt()
    {
        var results = Evaluate(SpecFiles.Text);

        Assert.IsTrue(results.IsValid, string.Join("\n", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}")));
        Assert.StartsWith("# yaml-language-server: $schema=./v1_to_v3.schema.json", SpecFiles.Text);
    }

    [TestMethod]
    public void AnUnknownKeyBreaksTheSchemaToo()
    {
        Assert.IsFalse(Evaluate("version: 2\nkeymap_schema: x\nmappings: []\n").IsValid, "a wrong version");
        Assert.IsFalse(Evaluate("version: 1\nkeymap_schema: x\nmappings: []\nextra: 1\n").IsValid, "an unknown top-level key");
        Assert.IsFalse(Evaluate(SpecFiles.Text.Replace("    alias: v\n", "    alias: v\n    filter: x\n", StringComparison.Ordinal)).IsValid);
    }
}
