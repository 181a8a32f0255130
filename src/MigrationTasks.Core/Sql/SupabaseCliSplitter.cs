using System.Text;

namespace MigrationTasks.Sql;

/// <summary>
/// Splits a migration file into statements exactly as the Supabase CLI does before it records them in
/// <c>supabase_migrations.schema_migrations.statements</c> (its <c>pkg/parser</c> state machine and
/// <c>SplitAndTrim</c>), so a history we write reads the same to <c>supabase migration list</c> and friends.
/// A statement ends at a <c>;</c> outside quotes (<c>'...'</c>, <c>"..."</c>), dollar quotes, <c>--</c> and nested
/// <c>/* */</c> comments, parentheses and <c>BEGIN ATOMIC ... END</c> bodies; a backslash skips the next character.
/// Each statement keeps the comments and blank lines that precede it; the trailing <c>;</c> and surrounding white
/// space are trimmed; empty statements are dropped (text after the last <c>;</c> that is only a comment is kept,
/// as the CLI keeps it). Quirks are kept on purpose, because the CLI's answer is the one that must match: it does
/// not know E-strings (in <c>E'a';b'</c> the escaped quote ends the string), and a closing parenthesis of a
/// nested pair also closes the outer one. To execute SQL, use a splitter that follows PostgreSQL's lexer.
/// </summary>
public static class SupabaseCliSplitter
{
    public static IReadOnlyList<string> SplitAndTrim(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var statements = new List<string>();
        var start = 0;
        State state = Ready.Instance;
        var position = 0;
        while (position < sql.Length)
        {
            var rune = Rune.GetRuneAt(sql, position);
            position += rune.Utf16SequenceLength;
            var next = state.Next(rune, new Token(sql, start, position));
            if (next is null)
            {
                Add(statements, sql[start..position]);
                start = position;
                state = Ready.Instance;
            }
            else
            {
                state = next;
            }
        }

        if (start < sql.Length)
        {
            Add(statements, sql[start..]);
        }

        return statements;
    }

    private static void Add(List<string> statements, string token)
    {
        var trimmed = token.TrimEnd(';').Trim();
        if (trimmed.Length > 0)
        {
            statements.Add(trimmed);
        }
    }

    /// <summary>The text of the statement being read so far (from its start to the current character, inclusive).</summary>
    private readonly record struct Token(string Text, int Start, int End)
    {
        public int Length => End - Start;

        public bool EndsWith(string suffix, StringComparison comparison = StringComparison.Ordinal) =>
            Length >= suffix.Length && string.Compare(Text, End - suffix.Length, suffix, 0, suffix.Length, comparison) == 0;

        public string Slice(int offset) => Text[(Start + offset)..End];

        public char At(int offset) => Text[Start + offset];
    }

    /// <summary>One state of the tokenizer; returns the next state, or null to end the statement here.</summary>
    private abstract class State
    {
        public abstract State? Next(Rune rune, Token token);
    }

    private sealed class Ready : State
    {
        private const string Atomic = "ATOMIC";

        public static readonly Ready Instance = new();

        public override State? Next(Rune rune, Token token)
        {
            switch (rune.Value)
            {
                case '$':
                    return new Tag(token.Length - 1);
                case '\'':
                case '"':
                    return new Quote(rune.Value);
                case '-':
                    return new DashSeen();
                case '/':
                    return new Block();
                case '\\':
                    return new Escape();
                case ';':
                    return null;
                case '(':
                    return new Enclosed(this, ")");
                case 'c':
                case 'C':
                    // "BEGIN ATOMIC": only ATOMIC is matched (any white space may separate the words).
                    var offset = token.Length - Atomic.Length;
                    if (offset > 0 && token.EndsWith(Atomic, StringComparison.OrdinalIgnoreCase) && char.IsWhiteSpace(token.At(offset - 1)))
                    {
                        return new Enclosed(this, "END");
                    }

                    break;
            }

            return this;
        }
    }

    /// <summary>After one '-': a second makes a line comment, anything else is read as usual.</summary>
    private sealed class DashSeen : State
    {
        public override State? Next(Rune rune, Token token) =>
            rune.Value == '-' ? new Verbatim("\n") : Ready.Instance.Next(rune, token);
    }

    /// <summary>After '/': "/*" opens a block comment (nested ones count), anything else is read as usual.</summary>
    private sealed class Block : State
    {
        private int _depth;

        public override State? Next(Rune rune, Token token)
        {
            if (token.EndsWith("/*"))
            {
                _depth++;
                return this;
            }

            if (_depth == 0)
            {
                return Ready.Instance.Next(rune, token);
            }

            if (token.EndsWith("*/") && --_depth == 0)
            {
                return Ready.Instance;
            }

            return this;
        }
    }

    /// <summary>Inside '...' or "..."; a doubled delimiter stays inside.</summary>
    private sealed class Quote(int delimiter) : State
    {
        private bool _closing;

        public override State? Next(Rune rune, Token token)
        {
            if (_closing)
            {
                if (rune.Value == delimiter)
                {
                    _closing = false;
                    return this;
                }

                return Ready.Instance.Next(rune, token);
            }

            if (rune.Value == delimiter)
            {
                _closing = true;
            }

            return this;
        }
    }

    /// <summary>Text taken as is until <paramref name="delimiter"/> (a dollar-quote tag, or the newline ending a line comment).</summary>
    private sealed class Verbatim(string delimiter) : State
    {
        public override State? Next(Rune rune, Token token) => token.EndsWith(delimiter) ? Ready.Instance : this;
    }

    /// <summary>After '$': letters, digits and '_' make a tag; the closing '$' opens the dollar quote.</summary>
    private sealed class Tag(int offset) : State
    {
        public override State? Next(Rune rune, Token token)
        {
            if (rune.Value == '$')
            {
                return new Verbatim(token.Slice(offset));
            }

            return Rune.IsLetter(rune) || Rune.IsDigit(rune) || rune.Value == '_' ? this : Ready.Instance.Next(rune, token);
        }
    }

    /// <summary>After a backslash: the next character is skipped.</summary>
    private sealed class Escape : State
    {
        public override State? Next(Rune rune, Token token) => Ready.Instance;
    }

    /// <summary>
    /// Inside parentheses or a BEGIN ATOMIC body: ';' does not end the statement; quotes and comments inside are
    /// tracked; the body ends at <paramref name="delimiter"/> (case-insensitive) read outside them.
    /// </summary>
    private sealed class Enclosed(State inner, string delimiter) : State
    {
        private State _inner = inner;

        public override State? Next(Rune rune, Token token)
        {
            if (_inner.Next(rune, token) is { } next)
            {
                _inner = next;
            }

            return _inner is Ready && token.EndsWith(delimiter, StringComparison.OrdinalIgnoreCase) ? Ready.Instance : this;
        }
    }
}
