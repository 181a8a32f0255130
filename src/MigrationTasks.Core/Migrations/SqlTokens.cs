namespace MigrationTasks.Migrations;

/// <summary>What kind of token <see cref="SqlTokens"/> read.</summary>
public enum SqlTokenKind
{
    /// <summary>A keyword or unquoted name (its text as written).</summary>
    Word,

    /// <summary>A "quoted identifier" (value: the name, quotes removed).</summary>
    QuotedIdentifier,

    /// <summary>A string literal: '...', E'...' or $tag$...$tag$ (value: the string's content).</summary>
    String,

    /// <summary>A number.</summary>
    Number,

    /// <summary>Any other single character: ( ) , . ; = ...</summary>
    Symbol,
}

/// <summary>One token of a statement.</summary>
public sealed record SqlToken(SqlTokenKind Kind, string Text, string Value, int Offset)
{
    /// <summary>True when this is the keyword (any case).</summary>
    public bool Is(string keyword) => Kind == SqlTokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A small lexer for the first tokens of a statement, enough to recognise what a statement is
/// (<c>CREATE INDEX CONCURRENTLY</c>, <c>BEGIN</c>, <c>ALTER TYPE ... ADD VALUE 'x'</c>) with comments,
/// quotes and dollar quotes skipped the way PostgreSQL reads them.
/// </summary>
public static class SqlTokens
{
    /// <summary>Reads up to <paramref name="limit"/> tokens (comments and whitespace are not tokens).</summary>
    public static IReadOnlyList<SqlToken> Read(string text, int limit = int.MaxValue)
    {
        var tokens = new List<SqlToken>();
        var i = 0;
        while (i < text.Length && tokens.Count < limit)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && At(text, i + 1, '-'))
            {
                var newline = text.IndexOf('\n', i);
                i = newline < 0 ? text.Length : newline + 1;
            }
            else if (c == '/' && At(text, i + 1, '*'))
            {
                i = SkipBlockComment(text, i);
            }
            else if (c == '\'' || ((c is 'E' or 'e') && At(text, i + 1, '\'')))
            {
                var start = i;
                var escapes = c != '\'';
                i = ReadQuoted(text, escapes ? i + 1 : i, '\'', escapes, out var value);
                tokens.Add(new SqlToken(SqlTokenKind.String, text[start..i], value, start));
            }
            else if (c == '"')
            {
                var start = i;
                i = ReadQuoted(text, i, '"', false, out var value);
                tokens.Add(new SqlToken(SqlTokenKind.QuotedIdentifier, text[start..i], value, start));
            }
            else if (c == '$' && TryReadDollarQuote(text, i, out var end, out var body))
            {
                tokens.Add(new SqlToken(SqlTokenKind.String, text[i..end], body, i));
                i = end;
            }
            else if (IsWordStart(c))
            {
                var start = i;
                while (i < text.Length && (IsWordStart(text[i]) || char.IsAsciiDigit(text[i]) || text[i] == '$'))
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Word, text[start..i], text[start..i], start));
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '_'))
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Number, text[start..i], text[start..i], start));
            }
            else
            {
                tokens.Add(new SqlToken(SqlTokenKind.Symbol, c.ToString(), c.ToString(), i));
                i++;
            }
        }

        return tokens;
    }

    private static bool At(string text, int index, char c) => index < text.Length && text[index] == c;

    private static bool IsWordStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= 0x80;

    private static int SkipBlockComment(string text, int i)
    {
        var depth = 0;
        while (i < text.Length)
        {
            if (text[i] == '/' && At(text, i + 1, '*'))
            {
                depth++;
                i += 2;
            }
            else if (text[i] == '*' && At(text, i + 1, '/'))
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    private static int ReadQuoted(string text, int i, char quote, bool backslashEscapes, out string value)
    {
        var builder = new System.Text.StringBuilder();
        i++; // the opening quote
        while (i < text.Length)
        {
            var c = text[i];
            if (backslashEscapes && c == '\\' && i + 1 < text.Length)
            {
                builder.Append(text[i + 1]);
                i += 2;
            }
            else if (c == quote && At(text, i + 1, quote))
            {
                builder.Append(quote);
                i += 2;
            }
            else if (c == quote)
            {
                i++;
                break;
            }
            else
            {
                builder.Append(c);
                i++;
            }
        }

        value = builder.ToString();
        return i;
    }

    private static bool TryReadDollarQuote(string text, int i, out int end, out string body)
    {
        end = i;
        body = "";
        var tagEnd = i + 1;
        while (tagEnd < text.Length && (IsWordStart(text[tagEnd]) || char.IsAsciiDigit(text[tagEnd])))
        {
            tagEnd++;
        }

        if (tagEnd >= text.Length || text[tagEnd] != '$' || (tagEnd > i + 1 && char.IsAsciiDigit(text[i + 1])))
        {
            return false;
        }

        var tag = text[i..(tagEnd + 1)];
        var close = text.IndexOf(tag, tagEnd + 1, StringComparison.Ordinal);
        end = close < 0 ? text.Length : close + tag.Length;
        body = text[(tagEnd + 1)..(close < 0 ? text.Length : close)];
        return true;
    }
}
