using System.Text;

namespace MigrationTasks.Migrations;

/// <summary>How to split: exactly as the Supabase CLI does, or as PostgreSQL reads the text.</summary>
public enum SplitDialect
{
    /// <summary>
    /// The Supabase CLI's splitter (<c>pkg/parser</c>), quirks included: the statements recorded in
    /// <c>schema_migrations</c> must be the CLI's, so that its commands read our history as their own.
    /// </summary>
    SupabaseCli,

    /// <summary>
    /// The same state machine with the two places where the CLI misreads valid SQL corrected: backslash
    /// escapes in <c>E'...'</c> strings, and nested parentheses. This is what the runner executes.
    /// </summary>
    PostgreSql,
}

/// <summary>
/// Splits a migration file into statements on top-level semicolons: not inside <c>'...'</c> or
/// <c>E'...'</c> strings, <c>"..."</c> identifiers, <c>$tag$...$tag$</c> bodies, <c>--</c> and nested
/// <c>/* */</c> comments, parentheses, or <c>BEGIN ATOMIC ... END</c> bodies; then trims each statement
/// as the CLI's <c>SplitAndTrim</c> does (trailing <c>;</c>, surrounding whitespace) and drops empty ones.
/// </summary>
/// <remarks>
/// A port of the CLI's finite state machine (apps/cli-go/pkg/parser/state.go and token.go), state for
/// state, so that the statements we record are byte for byte the ones <c>supabase db push</c> records.
/// Lookbehind never crosses the start of the current statement, as in the CLI, whose scanner hands each
/// state only the bytes of the statement being read.
/// </remarks>
public static class StatementSplitter
{
    public static IReadOnlyList<SqlStatement> Split(string content, SplitDialect dialect = SplitDialect.PostgreSql)
    {
        ArgumentNullException.ThrowIfNull(content);
        var lines = new TextLines(content);
        var statements = new List<SqlStatement>();
        var scanner = new Scanner(content, dialect);
        State state = Ready.Instance;
        var tokenStart = 0;
        for (var index = 0; index < content.Length;)
        {
            var width = char.IsHighSurrogate(content[index]) && index + 1 < content.Length && char.IsLowSurrogate(content[index + 1]) ? 2 : 1;
            var rune = width == 2 ? char.ConvertToUtf32(content[index], content[index + 1]) : content[index];
            scanner.Start = tokenStart;
            scanner.End = index + width;
            var next = state.Next(rune, scanner);
            if (next is null)
            {
                Emit(content, tokenStart, index + width, lines, statements);
                tokenStart = index + width;
                next = Ready.Instance;
            }

            state = next;
            index += width;
        }

        // At the end of the file a final statement without ';' is a statement too.
        Emit(content, tokenStart, content.Length, lines, statements);
        return statements;
    }

    private static void Emit(string content, int start, int end, TextLines lines, List<SqlStatement> statements)
    {
        // strings.TrimRight(token, ";") then strings.TrimSpace, as SplitAndTrim does.
        var stop = end;
        while (stop > start && content[stop - 1] == ';')
        {
            stop--;
        }

        while (stop > start && char.IsWhiteSpace(content[stop - 1]))
        {
            stop--;
        }

        var begin = start;
        while (begin < stop && char.IsWhiteSpace(content[begin]))
        {
            begin++;
        }

        if (begin >= stop)
        {
            return;
        }

        var text = content[begin..stop];
        var firstCode = SqlTokens.Read(text, 1) is [var token] ? begin + token.Offset : begin;
        statements.Add(new SqlStatement(text, begin, lines.LineOf(firstCode)));
    }

    /// <summary>The text of the statement being read: from its start to the current character.</summary>
    private sealed class Scanner(string content, SplitDialect dialect)
    {
        public int Start { get; set; }

        public int End { get; set; }

        public SplitDialect Dialect { get; } = dialect;

        public ReadOnlySpan<char> Data => content.AsSpan(Start, End - Start);
    }

    private abstract class State
    {
        /// <summary>The state after <paramref name="rune"/>; null ends the statement (a top-level ';').</summary>
        public abstract State? Next(int rune, Scanner scanner);
    }

    /// <summary>Between tokens, ready for anything.</summary>
    private sealed class Ready : State
    {
        public static readonly Ready Instance = new();

        public override State? Next(int rune, Scanner scanner)
        {
            var data = scanner.Data;
            switch (rune)
            {
                case '$':
                    // '$' continues an identifier (pending$$foo is one name, not a dollar quote).
                    var offset = data.Length - 1;
                    return HasIdentifierCharBefore(data, offset) ? this : new Tag(offset);
                case '\'':
                    return scanner.Dialect == SplitDialect.PostgreSql && IsEscapeStringStart(data) ? new EscapeString() : new Quote('\'');
                case '"':
                    return new Quote('"');
                case '-':
                    return new LineCommentStart();
                case '/':
                    return new BlockComment();
                case '\\':
                    return new Escape();
                case ';':
                    return null;
                case '(':
                    return scanner.Dialect == SplitDialect.PostgreSql ? new Parenthesis() : new Atomic(this, ")", data.Length);
                case 'c' or 'C' when IsBeginAtomic(data):
                    return new Atomic(this, EndAtomic, data.Length);
                default:
                    return this;
            }
        }
    }

    /// <summary>After one '-': a second one opens a line comment.</summary>
    private sealed class LineCommentStart : State
    {
        public override State? Next(int rune, Scanner scanner) =>
            rune == '-' ? new Dollar("\n") : Ready.Instance.Next(rune, scanner);
    }

    /// <summary>After '/': '/*' opens a block comment, which nests.</summary>
    private sealed class BlockComment : State
    {
        private int _depth;

        public override State? Next(int rune, Scanner scanner)
        {
            var window = scanner.Data[^2..];
            if (window is "/*")
            {
                _depth++;
                return this;
            }

            if (_depth == 0)
            {
                return Ready.Instance.Next(rune, scanner);
            }

            if (window is "*/")
            {
                _depth--;
                if (_depth == 0)
                {
                    return Ready.Instance;
                }
            }

            return this;
        }
    }

    /// <summary>Inside '...' or "...": a doubled delimiter is an escaped one.</summary>
    private sealed class Quote(char delimiter) : State
    {
        private bool _closing;

        public override State? Next(int rune, Scanner scanner)
        {
            if (_closing)
            {
                if (rune == delimiter)
                {
                    _closing = false;
                    return this;
                }

                return Ready.Instance.Next(rune, scanner);
            }

            if (rune == delimiter)
            {
                _closing = true;
            }

            return this;
        }
    }

    /// <summary>Inside E'...': a backslash escapes the next character, quote included ('' still works).</summary>
    private sealed class EscapeString : State
    {
        private bool _backslash;
        private bool _closing;

        public override State? Next(int rune, Scanner scanner)
        {
            if (_backslash)
            {
                _backslash = false;
                return this;
            }

            if (_closing)
            {
                if (rune == '\'')
                {
                    _closing = false;
                    return this;
                }

                return Ready.Instance.Next(rune, scanner);
            }

            if (rune == '\\')
            {
                _backslash = true;
            }
            else if (rune == '\'')
            {
                _closing = true;
            }

            return this;
        }
    }

    /// <summary>Inside a body that only its closing delimiter ends: a dollar quote, or a line comment (until "\n").</summary>
    private sealed class Dollar(string delimiter) : State
    {
        public override State? Next(int rune, Scanner scanner)
        {
            var data = scanner.Data;
            return data.Length >= delimiter.Length && data[^delimiter.Length..].SequenceEqual(delimiter.AsSpan()) ? Ready.Instance : this;
        }
    }

    /// <summary>After '$': a tag of identifier characters up to the next '$' opens a dollar quote.</summary>
    private sealed class Tag(int offset) : State
    {
        public override State? Next(int rune, Scanner scanner)
        {
            if (rune == '$')
            {
                return new Dollar(scanner.Data[offset..].ToString());
            }

            return IsIdentifierRune(rune) ? this : Ready.Instance.Next(rune, scanner);
        }
    }

    /// <summary>After a backslash outside quotes: the next character is taken as is.</summary>
    private sealed class Escape : State
    {
        public override State? Next(int rune, Scanner scanner) => Ready.Instance;
    }

    /// <summary>
    /// Inside parentheses (delimiter ")", the CLI's handling, which closes nested parentheses at the first ')')
    /// or a BEGIN ATOMIC body (delimiter "END"): semicolons inside do not end the statement.
    /// </summary>
    private sealed class Atomic(State previous, string delimiter, int statementStart) : State
    {
        private State _previous = previous;
        private int _statementStart = statementStart;
        private bool _pendingEnd;
        private bool _statementHasContent;

        public override State? Next(int rune, Scanner scanner)
        {
            var pendingEnd = _pendingEnd;
            _pendingEnd = false;
            if (pendingEnd && !IsIdentifierRune(rune))
            {
                return Ready.Instance.Next(rune, scanner);
            }

            // Inside a quote or comment the delimiter does not count.
            var current = _previous.Next(rune, scanner);
            var data = scanner.Data;
            if (current is null)
            {
                // A body-level ';': the next inner statement starts after it.
                _statementStart = data.Length;
                _statementHasContent = false;
                return this;
            }

            _previous = current;
            if (_previous is not Ready)
            {
                return this;
            }

            if (delimiter != EndAtomic)
            {
                return data.EndsWith(delimiter, StringComparison.Ordinal) ? Ready.Instance : this;
            }

            // The body's closing END is always the first token of an inner statement; an END after other
            // content (a CASE arm, a column label) does not close the body.
            if (!_statementHasContent && EndsWithKeyword(data, EndAtomic))
            {
                if (IsCommentsAndWhitespace(data[_statementStart..^EndAtomic.Length]))
                {
                    _pendingEnd = true;
                }
                else
                {
                    _statementHasContent = true;
                }
            }

            return this;
        }
    }

    /// <summary>
    /// Inside parentheses, nested ones counted (PostgreSQL dialect): a ';' inside, as in
    /// <c>CREATE RULE ... DO (a; b)</c>, does not end the statement.
    /// </summary>
    private sealed class Parenthesis : State
    {
        private State _inner = Ready.Instance;

        public override State? Next(int rune, Scanner scanner)
        {
            var previous = _inner;
            var current = _inner.Next(rune, scanner);
            if (current is null)
            {
                _inner = Ready.Instance;
                return this;
            }

            _inner = current;

            // A ')' read at this level closes: directly, or handed on by a string or comment that just ended.
            // Not one that closed a nested parenthesis, nor one escaped by a backslash.
            return rune == ')' && current is Ready && previous is not (Parenthesis or Escape) ? Ready.Instance : this;
        }
    }

    private const string BeginAtomic = "ATOMIC";
    private const string EndAtomic = "END";

    private static bool IsBeginAtomic(ReadOnlySpan<char> data)
    {
        if (!EndsWithKeyword(data, BeginAtomic))
        {
            return false;
        }

        var prefix = data[..^BeginAtomic.Length].TrimEnd();
        return EndsWithKeyword(prefix, "BEGIN");
    }

    /// <summary>The quote just read opens an E'...' string: it follows a lone E.</summary>
    private static bool IsEscapeStringStart(ReadOnlySpan<char> data)
    {
        var quote = data.Length - 1;
        return quote >= 1 && data[quote - 1] is 'E' or 'e' && !HasIdentifierCharBefore(data, quote - 1);
    }

    /// <summary>PostgreSQL's lexer takes every byte from 0x80 up as an identifier character, whatever its category.</summary>
    private static bool IsIdentifierRune(int rune) =>
        rune >= 0x80 || char.IsAsciiLetterOrDigit((char)rune) || rune == '_' || rune == '$';

    private static bool HasIdentifierCharBefore(ReadOnlySpan<char> data, int offset)
    {
        if (offset <= 0)
        {
            return false;
        }

        var previous = data[offset - 1];
        return char.IsSurrogate(previous) || IsIdentifierRune(previous);
    }

    /// <summary>Whether data ends with the keyword (ASCII, any case) at an identifier boundary.</summary>
    private static bool EndsWithKeyword(ReadOnlySpan<char> data, string keyword)
    {
        var offset = data.Length - keyword.Length;
        return offset >= 0 && Ascii.EqualsIgnoreCase(data[offset..], keyword) && !HasIdentifierCharBefore(data, offset);
    }

    private static bool IsSqlWhitespace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f' or '\v';

    /// <summary>Whether the text holds only whitespace and complete comments (no statement content).</summary>
    private static bool IsCommentsAndWhitespace(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length;)
        {
            if (IsSqlWhitespace(text[i]))
            {
                i++;
            }
            else if (text[i..].StartsWith("--"))
            {
                var newline = text[(i + 2)..].IndexOf('\n');
                if (newline == -1)
                {
                    return true;
                }

                i += 2 + newline + 1;
            }
            else if (text[i..].StartsWith("/*"))
            {
                var depth = 1;
                i += 2;
                while (i < text.Length && depth > 0)
                {
                    if (text[i..].StartsWith("/*"))
                    {
                        depth++;
                        i += 2;
                    }
                    else if (text[i..].StartsWith("*/"))
                    {
                        depth--;
                        i += 2;
                    }
                    else
                    {
                        i++;
                    }
                }

                if (depth > 0)
                {
                    return true;
                }
            }
            else
            {
                return false;
            }
        }

        return true;
    }
}
