using System.Text;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace MigrationTasks.Pooler;

/// <summary>The <c>[db.pooler]</c> keys of supabase/config.toml that ConfigurePooler writes.</summary>
public sealed record PoolerSection(bool Enabled, int Port, string PoolMode, int DefaultPoolSize, int MaxClientConnections)
{
    /// <summary>The Supabase CLI's default local pooler port.</summary>
    public const int DefaultPort = 54329;
}

/// <summary>
/// Writes <c>[db.pooler]</c> into supabase/config.toml through Tomlyn's lossless syntax tree: only the values of the
/// five keys change (a value's trailing comment stays with it), a missing key is added at the end of the section,
/// a missing section is added after the <c>[db]</c> tables; every other byte of the file, comments and blank lines
/// included, stays as it was. The file is replaced atomically, and not at all when nothing changes.
/// </summary>
public static class PoolerConfig
{
    /// <summary>The keys in the order the Supabase CLI's template lists them.</summary>
    private static readonly string[] Keys = ["enabled", "port", "pool_mode", "default_pool_size", "max_client_conn"];

    /// <summary>Reads the current <c>[db.pooler]</c> port, or null when the file has none (to keep a user's port).</summary>
    public static int? ReadPort(string path)
    {
        var document = Parse(File.ReadAllText(path), path);
        return FindTable(document) is { } table && Find(table, "port")?.Value is IntegerValueSyntax port ? (int)port.Value : null;
    }

    /// <summary>Writes the section into the file; returns false when the file already said exactly that.</summary>
    public static bool Write(string path, PoolerSection section)
    {
        if (!File.Exists(path))
        {
            throw Errors.Errors.ConfigTomlNotFound(path);
        }

        var bytes = File.ReadAllBytes(path);
        var bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
        var text = new UTF8Encoding(false).GetString(bytes, bom ? 3 : 0, bytes.Length - (bom ? 3 : 0));
        var updated = Apply(text, path, section);
        if (updated == text)
        {
            return false;
        }

        var temporary = path + ".migrationtasks-tmp";
        File.WriteAllBytes(temporary, [.. (bom ? (byte[])[0xEF, 0xBB, 0xBF] : []), .. new UTF8Encoding(false).GetBytes(updated)]);
        File.Move(temporary, path, overwrite: true);
        return true;
    }

    /// <summary>The file's text with the section written into it.</summary>
    public static string Apply(string text, string path, PoolerSection section)
    {
        var document = Parse(text, path);
        RefuseOtherForms(document, text, path);
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var table = FindTable(document) ?? AddTable(document, newline);
        var values = new Dictionary<string, ValueSyntax>
        {
            ["enabled"] = new BooleanValueSyntax(section.Enabled),
            ["port"] = new IntegerValueSyntax(section.Port),
            ["pool_mode"] = new StringValueSyntax(section.PoolMode),
            ["default_pool_size"] = new IntegerValueSyntax(section.DefaultPoolSize),
            ["max_client_conn"] = new IntegerValueSyntax(section.MaxClientConnections),
        };

        foreach (var key in Keys)
        {
            if (Find(table, key) is { } existing)
            {
                Replace(existing, values[key]);
            }
            else
            {
                Append(table, new KeyValueSyntax(key, values[key]), newline);
            }
        }

        return document.ToString();
    }

    private static DocumentSyntax Parse(string text, string path)
    {
        var document = SyntaxParser.Parse(text, path, true);
        if (document.HasErrors)
        {
            var error = document.Diagnostics.First(d => d.Kind == DiagnosticMessageKind.Error);
            throw Errors.Errors.ConfigTomlInvalid(path, error.Span.Start.Line + 1, error.Span.Start.Column + 1, error.Message);
        }

        return document;
    }

    /// <summary>
    /// The pooler settings written another way (an inline <c>pooler = { ... }</c> under [db], dotted keys such as
    /// <c>pooler.port</c> or <c>db.pooler.port</c>, or a second [db.pooler]) cannot be edited in place without guessing.
    /// </summary>
    private static void RefuseOtherForms(DocumentSyntax document, string text, string path)
    {
        foreach (var (owner, items) in new[] { ("", document.KeyValues) }.Concat(document.Tables.OfType<TableSyntax>().Select(t => (Name(t.Name!), t.Items)).Where(t => t.Item1 != "db.pooler")))
        {
            foreach (var item in items)
            {
                var full = owner.Length == 0 ? Name(item.Key!) : $"{owner}.{Name(item.Key!)}";
                if (full == "db.pooler" || full.StartsWith("db.pooler.", StringComparison.Ordinal))
                {
                    throw Errors.Errors.ConfigTomlPoolerUneditable(path, LineOf(text, item), item.Value is InlineTableSyntax ? "an inline table" : $"the dotted key '{Name(item.Key!)}'");
                }
            }
        }

        var tables = document.Tables.OfType<TableSyntax>().Where(t => Name(t.Name!) == "db.pooler").ToList();
        if (tables.Count > 1)
        {
            throw Errors.Errors.ConfigTomlPoolerUneditable(path, LineOf(text, tables[1]), "two [db.pooler] tables");
        }
    }

    private static TableSyntax? FindTable(DocumentSyntax document) =>
        document.Tables.OfType<TableSyntax>().FirstOrDefault(t => Name(t.Name!) == "db.pooler");

    private static KeyValueSyntax? Find(TableSyntaxBase table, string key) => table.Items.FirstOrDefault(i => Name(i.Key!) == key);

    /// <summary>A key as dotted text: <c>db.pooler</c> for <c>[db.pooler]</c>, <c>[ db . "pooler" ]</c> and the like.</summary>
    private static string Name(KeySyntax key)
    {
        var parts = new List<string> { Part(key.Key) };
        foreach (var dotted in key.DotKeys)
        {
            parts.Add(Part(dotted.Key));
        }

        return string.Join('.', parts);
    }

    private static string Part(BareKeyOrStringValueSyntax? part) => part switch
    {
        BareKeySyntax bare => bare.Key!.Text!,
        StringValueSyntax quoted => quoted.Value!,
        _ => "",
    };

    /// <summary>Swaps a value, keeping what surrounded the old one (spacing, a trailing comment).</summary>
    private static void Replace(KeyValueSyntax existing, ValueSyntax value)
    {
        if (existing.Value!.ToString() == value.ToString())
        {
            return;
        }

        var oldToken = Token(existing.Value);
        var newToken = Token(value);
        if (oldToken is not null && newToken is not null)
        {
            newToken.LeadingTrivia = oldToken.LeadingTrivia;
            newToken.TrailingTrivia = oldToken.TrailingTrivia;
        }

        existing.Value = value;
    }

    private static SyntaxToken? Token(ValueSyntax value) => value switch
    {
        IntegerValueSyntax integer => integer.Token,
        StringValueSyntax text => text.Token,
        BooleanValueSyntax flag => flag.Token,
        _ => null,
    };

    /// <summary>
    /// Adds a key at the end of the table. Comment lines after the table's last line belong to what follows it (Tomlyn
    /// hangs them on that line's end-of-line token), so they move down to the new last line.
    /// </summary>
    private static void Append(TableSyntaxBase table, KeyValueSyntax item, string newline)
    {
        var last = table.Items.ChildrenCount > 0 ? table.Items.GetChild(table.Items.ChildrenCount - 1)!.EndOfLineToken! : table.EndOfLineToken!;
        item.EndOfLineToken = new SyntaxToken(TokenKind.NewLine, newline) { TrailingTrivia = last.TrailingTrivia };
        last.TrailingTrivia = null;
        table.Items.Add(item);
    }

    /// <summary>Adds an empty [db.pooler] after the last [db] or [db.*] table (or at the end), with a blank line before it.</summary>
    private static TableSyntax AddTable(DocumentSyntax document, string newline)
    {
        var table = new TableSyntax(new KeySyntax("db", "pooler")) { EndOfLineToken = new SyntaxToken(TokenKind.NewLine, newline) };
        var tables = Enumerable.Range(0, document.Tables.ChildrenCount).Select(i => document.Tables.GetChild(i)!).ToList();
        var after = tables.FindLastIndex(t => t is TableSyntax named && Name(named.Name!) is var name && (name == "db" || name.StartsWith("db.", StringComparison.Ordinal)));
        var position = after < 0 ? tables.Count : after + 1;

        // The blank line and comments that separated the previous table from the next now separate it from ours.
        var previousEnd = position > 0 ? LastEndOfLine(tables[position - 1]) : document.KeyValues.ChildrenCount > 0
            ? document.KeyValues.GetChild(document.KeyValues.ChildrenCount - 1)!.EndOfLineToken : null;
        table.OpenBracket!.LeadingTrivia = previousEnd is null ? null : [new SyntaxTrivia(TokenKind.NewLine, newline)];
        if (previousEnd is not null)
        {
            table.EndOfLineToken!.TrailingTrivia = previousEnd.TrailingTrivia;
            previousEnd.TrailingTrivia = null;
        }

        while (document.Tables.ChildrenCount > position)
        {
            document.Tables.RemoveChildAt(position);
        }

        document.Tables.Add(table);
        foreach (var rest in tables.Skip(position))
        {
            document.Tables.Add(rest);
        }

        return table;
    }

    private static SyntaxToken LastEndOfLine(TableSyntaxBase table) =>
        table.Items.ChildrenCount > 0 ? table.Items.GetChild(table.Items.ChildrenCount - 1)!.EndOfLineToken! : table.EndOfLineToken!;

    private static int LineOf(string text, SyntaxNode node)
    {
        var offset = node.Span.Start.Offset;
        return text.AsSpan(0, Math.Clamp(offset, 0, text.Length)).Count('\n') + 1;
    }
}
