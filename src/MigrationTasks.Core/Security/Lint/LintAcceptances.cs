using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MigrationTasks.Security.Lint;

/// <summary>A finding accepted on purpose: the lint, the object as the report names it, and why.</summary>
public sealed record LintAcceptance(string Lint, string Object, string Reason, Matrix.SourceLocation Location);

/// <summary>
/// The acceptance file (<c>supabase/tests/lint-accepted.yaml</c>): findings accepted one by one, each with a
/// reason. An entry names one lint and one object exactly as the report does; there are no patterns, so a new
/// object never slips in under an old acceptance. Errors are MT0612 with the file and line.
/// </summary>
public sealed class LintAcceptances
{
    private LintAcceptances(IReadOnlyList<LintAcceptance> entries, string? file)
    {
        Entries = entries;
        File = file;
    }

    public static LintAcceptances None { get; } = new([], null);

    public IReadOnlyList<LintAcceptance> Entries { get; }

    public string? File { get; }

    /// <summary>Reads the file; <see cref="None"/> when <paramref name="path"/> is empty or, unless <paramref name="required"/>, missing.</summary>
    public static LintAcceptances Load(string? path, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return None;
        }

        if (!System.IO.File.Exists(path))
        {
            return required ? throw Errors.Errors.PolicyFileMissing("lint acceptance file", path) : None;
        }

        var file = Path.GetFullPath(path);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(System.IO.File.ReadAllText(file)));
        }
        catch (YamlException exception)
        {
            throw Errors.Errors.LintAcceptanceInvalid(file, (int)exception.Start.Line, (int)exception.Start.Column, "not valid YAML: " + (exception.InnerException?.Message ?? exception.Message).Split('\n')[0]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new LintAcceptances([], file);
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root || root.Children.Keys.Any(k => k is not YamlScalarNode { Value: "accepted" }))
        {
            throw Errors.Errors.LintAcceptanceInvalid(file, 1, 1, "the file is a mapping with one key, 'accepted': a list of entries");
        }

        var entries = new List<LintAcceptance>();
        if (root.Children.TryGetValue(new YamlScalarNode("accepted"), out var listNode) && listNode is YamlSequenceNode list)
        {
            foreach (var item in list.Children)
            {
                var at = new Matrix.SourceLocation(file, (int)item.Start.Line, (int)item.Start.Column);
                if (item is not YamlMappingNode entry)
                {
                    throw Errors.Errors.LintAcceptanceInvalid(file, at.Line, at.Column, "each entry is a mapping with 'lint', 'object' and 'reason'");
                }

                foreach (var key in entry.Children.Keys)
                {
                    if (key is not YamlScalarNode { Value: "lint" or "object" or "reason" })
                    {
                        throw Errors.Errors.LintAcceptanceInvalid(file, (int)key.Start.Line, (int)key.Start.Column, $"unknown key '{(key as YamlScalarNode)?.Value}' (allowed: lint, object, reason)");
                    }
                }

                string Text(string key) =>
                    entry.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar && !string.IsNullOrWhiteSpace(scalar.Value)
                        ? scalar.Value.Trim()
                        : throw Errors.Errors.LintAcceptanceInvalid(file, at.Line, at.Column, $"'{key}' is missing or empty");

                var lint = Text("lint");
                if (LintRules.All.All(rule => rule.Name != lint))
                {
                    throw Errors.Errors.LintAcceptanceInvalid(file, at.Line, at.Column, $"no lint '{lint}' (lints: {string.Join(", ", LintRules.All.Select(r => r.Name))})");
                }

                var acceptance = new LintAcceptance(lint, Text("object"), Text("reason"), at);
                if (entries.FirstOrDefault(e => e.Lint == acceptance.Lint && e.Object == acceptance.Object) is { } duplicate)
                {
                    throw Errors.Errors.LintAcceptanceInvalid(file, at.Line, at.Column, $"{lint} on {acceptance.Object} is already accepted at line {duplicate.Location.Line}");
                }

                entries.Add(acceptance);
            }
        }
        else if (listNode is not null and not YamlScalarNode { Value: null or "" })
        {
            throw Errors.Errors.LintAcceptanceInvalid(file, (int)listNode.Start.Line, (int)listNode.Start.Column, "'accepted' is a list of entries");
        }

        return new LintAcceptances(entries, file);
    }

    /// <summary>The findings with their acceptance reasons filled in, and the entries that matched nothing here.</summary>
    public (IReadOnlyList<LintFinding> Findings, IReadOnlyList<LintAcceptance> Unused) Apply(IReadOnlyList<LintFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var used = new HashSet<LintAcceptance>();
        var result = findings.Select(finding =>
        {
            var entry = Entries.FirstOrDefault(e => e.Lint == finding.Rule.Name && e.Object == finding.Object);
            if (entry is null)
            {
                return finding;
            }

            used.Add(entry);
            return finding with { AcceptedBecause = entry.Reason };
        }).ToList();
        return (result, Entries.Where(e => !used.Contains(e)).ToList());
    }
}
