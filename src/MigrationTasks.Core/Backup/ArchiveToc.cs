using System.Globalization;
using System.Text.RegularExpressions;

namespace MigrationTasks.Backup;

/// <summary>
/// One line of <c>pg_restore --list</c>: <c>dumpId; tableoid oid DESC namespace tag owner</c>. The line is kept
/// verbatim so a filtered list can be handed back to <c>pg_restore --use-list</c>.
/// </summary>
public sealed record TocEntry(int DumpId, string Description, string Namespace, string Rest, string Line)
{
    /// <summary>For a SCHEMA entry, the schema's name (the tag without the owner).</summary>
    public string? SchemaName => Description == "SCHEMA" ? WithoutOwner(Rest) : null;

    /// <summary>For a COMMENT or ACL on a schema, the schema's name.</summary>
    public string? SchemaTarget => Description is "COMMENT" or "ACL" or "SECURITY LABEL" && Rest.StartsWith("SCHEMA ", StringComparison.Ordinal)
        ? WithoutOwner(Rest["SCHEMA ".Length..])
        : null;

    /// <summary>Whether the entry carries rows (a table's data or a sequence's value).</summary>
    public bool IsData => Description is "TABLE DATA" or "SEQUENCE SET" or "MATERIALIZED VIEW DATA" or "BLOBS" or "BLOB" or "LARGE OBJECT";

    private static string WithoutOwner(string text)
    {
        var space = text.LastIndexOf(' ');
        return space > 0 ? text[..space] : text;
    }
}

/// <summary>An archive's table of contents as <c>pg_restore --list</c> prints it.</summary>
public sealed partial class ArchiveToc
{
    // pg_dump's entry descriptions; the multi-word ones must be matched whole, longest first.
    private static readonly string[] Descriptions =
    [
        "ACCESS METHOD", "ACL", "AGGREGATE", "BLOB METADATA", "BLOBS", "BLOB", "CAST", "CHECK CONSTRAINT", "COLLATION", "COMMENT", "CONSTRAINT",
        "CONVERSION", "DATABASE PROPERTIES", "DATABASE", "DEFAULT ACL", "DEFAULT", "DOMAIN", "ENCODING", "EVENT TRIGGER", "EXTENSION",
        "FK CONSTRAINT", "FOREIGN DATA WRAPPER", "FOREIGN TABLE", "FUNCTION", "INDEX ATTACH", "INDEX", "LARGE OBJECT", "MATERIALIZED VIEW DATA",
        "MATERIALIZED VIEW", "OPERATOR CLASS", "OPERATOR FAMILY", "OPERATOR", "POLICY", "PROCEDURAL LANGUAGE", "PROCEDURE",
        "PUBLICATION TABLES IN SCHEMA", "PUBLICATION TABLE", "PUBLICATION", "ROW SECURITY", "RULE", "SCHEMA", "SEARCHPATH", "SECURITY LABEL",
        "SEQUENCE OWNED BY", "SEQUENCE SET", "SEQUENCE", "SERVER", "SHELL TYPE", "STATISTICS DATA", "STATISTICS", "STDSTRINGS",
        "SUBSCRIPTION TABLE", "SUBSCRIPTION", "TABLE ATTACH", "TABLE DATA", "TABLE", "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY",
        "TEXT SEARCH PARSER", "TEXT SEARCH TEMPLATE", "TRANSFORM", "TRIGGER", "TYPE", "USER MAPPING", "VIEW",
    ];

    private ArchiveToc(IReadOnlyList<TocEntry> entries, IReadOnlyList<string> header)
    {
        Entries = entries;
        Header = header;
    }

    public IReadOnlyList<TocEntry> Entries { get; }

    /// <summary>The comment lines before the entries (archive creation time, versions, format).</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Parses <c>pg_restore --list</c> output.</summary>
    public static ArchiveToc Parse(string listing)
    {
        var entries = new List<TocEntry>();
        var header = new List<string>();
        foreach (var raw in listing.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith(';'))
            {
                if (entries.Count == 0)
                {
                    header.Add(line);
                }

                continue;
            }

            var match = EntryPattern().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var id = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var rest = match.Groups[2].Value;
            var description = Descriptions.FirstOrDefault(d => rest.StartsWith(d + " ", StringComparison.Ordinal));
            if (description is null)
            {
                entries.Add(new TocEntry(id, "", "", rest, line));
                continue;
            }

            var afterDescription = rest[(description.Length + 1)..];
            var space = afterDescription.IndexOf(' ', StringComparison.Ordinal);
            var nameSpace = space >= 0 ? afterDescription[..space] : afterDescription;
            var tail = space >= 0 ? afterDescription[(space + 1)..] : "";
            entries.Add(new TocEntry(id, description, nameSpace, tail, line));
        }

        return new ArchiveToc(entries, header);
    }

    /// <summary>The listing for <c>pg_restore --use-list</c> with only the entries <paramref name="keep"/> accepts.</summary>
    public string Filtered(Func<TocEntry, bool> keep) =>
        string.Join('\n', Header.Concat(Entries.Where(keep).Select(e => e.Line))) + "\n";

    [GeneratedRegex(@"^(\d+);\s+\d+\s+\d+\s+(.*)$")]
    private static partial Regex EntryPattern();
}
