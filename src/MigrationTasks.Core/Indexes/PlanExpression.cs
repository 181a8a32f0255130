using System.Text;

namespace MigrationTasks.Indexes;

/// <summary>
/// A condition as EXPLAIN prints it (PostgreSQL's deparser: every operator parenthesised, constants as
/// <c>'text'::type</c>, parameters as <c>$n</c>, columns as <c>alias.column</c> or bare in a one-table scan),
/// read into a small tree. Only the shapes an index can serve matter; anything else becomes
/// <see cref="Other"/>, never an error: a plan the reader does not understand yields fewer proposals, not a failure.
/// </summary>
public abstract record PlanExpression
{
    public sealed record Column(string? Alias, string Name) : PlanExpression;

    /// <summary>A literal: its text (unquoted) and the type it was cast to, when printed.</summary>
    public sealed record Constant(string? Text, string? Type) : PlanExpression;

    /// <summary>A statement parameter ($1) or an InitPlan's output: known when execution starts, not when planning.</summary>
    public sealed record Parameter(string Name) : PlanExpression;

    public sealed record Cast(PlanExpression Operand, string Type) : PlanExpression;

    public sealed record Function(string Name, IReadOnlyList<PlanExpression> Arguments) : PlanExpression;

    public sealed record Binary(PlanExpression Left, string Operator, PlanExpression Right) : PlanExpression;

    /// <summary><c>x op ANY (array)</c> or <c>ALL</c>.</summary>
    public sealed record ArrayComparison(PlanExpression Left, string Operator, bool All, PlanExpression Array) : PlanExpression;

    public sealed record ArrayLiteral(IReadOnlyList<PlanExpression> Elements) : PlanExpression;

    public sealed record And(IReadOnlyList<PlanExpression> Terms) : PlanExpression;

    public sealed record Or(IReadOnlyList<PlanExpression> Terms) : PlanExpression;

    public sealed record Not(PlanExpression Operand) : PlanExpression;

    /// <summary><c>x IS [NOT] NULL</c>.</summary>
    public sealed record NullTest(PlanExpression Operand, bool IsNull) : PlanExpression;

    /// <summary>A sub-select (<c>(SubPlan 2)</c>, <c>(hashed SubPlan 2)</c>).</summary>
    public sealed record SubPlan(string Text) : PlanExpression;

    /// <summary>Anything else (CASE, row comparisons, ...).</summary>
    public sealed record Other(string Text) : PlanExpression;

    /// <summary>Reads one condition; never throws (an unreadable one is <see cref="Other"/>).</summary>
    public static PlanExpression Parse(string text)
    {
        try
        {
            var parser = new Parser(Tokenizer.Read(text));
            var expression = parser.ParseExpression(0);
            return parser.AtEnd ? expression : new Other(text);
        }
        catch (FormatException)
        {
            return new Other(text);
        }
    }

    /// <summary>The terms of a top-level AND (the condition itself when it is not an AND).</summary>
    public IEnumerable<PlanExpression> Conjuncts() => this is And and ? and.Terms.SelectMany(t => t.Conjuncts()) : [this];

    /// <summary>True when the expression reads no column and no sub-select: its value is fixed for the execution.</summary>
    public bool IsValue => this switch
    {
        Constant or Parameter => true,
        Cast cast => cast.Operand.IsValue,
        Function function => function.Arguments.All(a => a.IsValue),
        Binary binary => binary.Left.IsValue && binary.Right.IsValue,
        ArrayLiteral array => array.Elements.All(e => e.IsValue),
        _ => false,
    };

    /// <summary>
    /// True when a value is written in the query: literals (and arrays and casts of them), never a parameter or a
    /// function call (now() changes; only constants may go into a partial index's predicate).
    /// </summary>
    public bool IsConstant => this switch
    {
        Constant => true,
        Cast cast => cast.Operand.IsConstant,
        ArrayLiteral array => array.Elements.All(e => e.IsConstant),
        _ => false,
    };

    private enum TokenKind
    {
        Word,
        QuotedName,
        String,
        Number,
        Parameter,
        Operator,
        Punctuation,
    }

    private sealed record Token(TokenKind Kind, string Text)
    {
        public bool Is(string word) => Kind == TokenKind.Word && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

        public bool IsPunctuation(string text) => Kind == TokenKind.Punctuation && Text == text;
    }

    private static class Tokenizer
    {
        private const string OperatorCharacters = "+-*/<>=~!@#%^&|`?";

        public static List<Token> Read(string text)
        {
            var tokens = new List<Token>();
            for (var i = 0; i < text.Length;)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c == '\'' || ((c is 'E' or 'e') && i + 1 < text.Length && text[i + 1] == '\'' && (i == 0 || !IsWordCharacter(text[i - 1]))))
                {
                    var escapes = c != '\'';
                    i += escapes ? 2 : 1;
                    var value = new StringBuilder();
                    while (true)
                    {
                        if (i >= text.Length)
                        {
                            throw new FormatException("unterminated string");
                        }

                        if (text[i] == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            value.Append('\'');
                            i += 2;
                        }
                        else if (text[i] == '\'')
                        {
                            i++;
                            break;
                        }
                        else if (escapes && text[i] == '\\' && i + 1 < text.Length)
                        {
                            value.Append(text[i + 1]);
                            i += 2;
                        }
                        else
                        {
                            value.Append(text[i++]);
                        }
                    }

                    tokens.Add(new Token(TokenKind.String, value.ToString()));
                }
                else if (c == '"')
                {
                    var value = new StringBuilder();
                    i++;
                    while (true)
                    {
                        if (i >= text.Length)
                        {
                            throw new FormatException("unterminated name");
                        }

                        if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"')
                        {
                            value.Append('"');
                            i += 2;
                        }
                        else if (text[i] == '"')
                        {
                            i++;
                            break;
                        }
                        else
                        {
                            value.Append(text[i++]);
                        }
                    }

                    tokens.Add(new Token(TokenKind.QuotedName, value.ToString()));
                }
                else if (c == '$' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
                {
                    var start = i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }

                    tokens.Add(new Token(TokenKind.Parameter, text[start..i]));
                }
                else if (char.IsAsciiDigit(c))
                {
                    var start = i;
                    while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.' || ((text[i] is 'e' or 'E') && i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1]) || text[i + 1] is '-' or '+'))))
                    {
                        i += text[i] is 'e' or 'E' ? 2 : 1;
                    }

                    tokens.Add(new Token(TokenKind.Number, text[start..i]));
                }
                else if (char.IsLetter(c) || c == '_')
                {
                    var start = i;
                    while (i < text.Length && IsWordCharacter(text[i]))
                    {
                        i++;
                    }

                    tokens.Add(new Token(TokenKind.Word, text[start..i]));
                }
                else if (c == ':' && i + 1 < text.Length && text[i + 1] == ':')
                {
                    tokens.Add(new Token(TokenKind.Punctuation, "::"));
                    i += 2;
                }
                else if (c is '(' or ')' or ',' or '[' or ']' or '.' or ':' or ';')
                {
                    tokens.Add(new Token(TokenKind.Punctuation, c.ToString()));
                    i++;
                }
                else if (OperatorCharacters.Contains(c, StringComparison.Ordinal))
                {
                    var start = i;
                    while (i < text.Length && OperatorCharacters.Contains(text[i], StringComparison.Ordinal))
                    {
                        i++;
                    }

                    tokens.Add(new Token(TokenKind.Operator, text[start..i]));
                }
                else
                {
                    throw new FormatException($"unexpected '{c}'");
                }
            }

            return tokens;
        }

        private static bool IsWordCharacter(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';
    }

    /// <summary>Precedence climbing: OR &lt; AND &lt; NOT &lt; IS &lt; operators &lt; :: and [ ].</summary>
    private sealed class Parser(List<Token> tokens)
    {
        // Words that continue a multi-word type name after '::' (timestamp with time zone, double precision, ...).
        private static readonly HashSet<string> TypeWords = new(StringComparer.OrdinalIgnoreCase) { "with", "without", "time", "zone", "precision", "varying" };

        private int _position;

        public bool AtEnd => _position >= tokens.Count;

        private Token? Peek(int ahead = 0) => _position + ahead < tokens.Count ? tokens[_position + ahead] : null;

        private Token Next() => _position < tokens.Count ? tokens[_position++] : throw new FormatException("unexpected end");

        private void Expect(string punctuation)
        {
            if (Next() is not { Kind: TokenKind.Punctuation } token || token.Text != punctuation)
            {
                throw new FormatException($"expected '{punctuation}'");
            }
        }

        public PlanExpression ParseExpression(int minimum)
        {
            var left = ParseUnary();
            while (Peek() is { } token)
            {
                if (token.Is("OR") && minimum <= 1)
                {
                    var terms = new List<PlanExpression> { left };
                    while (Peek()?.Is("OR") == true)
                    {
                        _position++;
                        terms.Add(ParseExpression(2));
                    }

                    left = new Or(terms);
                }
                else if (token.Is("AND") && minimum <= 2)
                {
                    var terms = new List<PlanExpression> { left };
                    while (Peek()?.Is("AND") == true)
                    {
                        _position++;
                        terms.Add(ParseExpression(3));
                    }

                    left = new And(terms);
                }
                else if (token.Is("IS") && minimum <= 4)
                {
                    _position++;
                    var negated = Peek()?.Is("NOT") == true;
                    if (negated)
                    {
                        _position++;
                    }

                    var what = Next();
                    left = what.Is("NULL") ? new NullTest(left, !negated)
                        : what.Is("TRUE") ? new Binary(left, negated ? "<>" : "=", new Constant("true", "boolean"))
                        : what.Is("FALSE") ? new Binary(left, negated ? "<>" : "=", new Constant("false", "boolean"))
                        : what.Is("DISTINCT") ? SkipDistinctFrom(left)
                        : throw new FormatException("IS what?");
                }
                else if ((token.Kind == TokenKind.Operator || token.Is("OPERATOR")) && minimum <= 5)
                {
                    var op = ReadOperator();
                    if (Peek() is { } quantifier && (quantifier.Is("ANY") || quantifier.Is("ALL") || quantifier.Is("SOME")) && Peek(1)?.IsPunctuation("(") == true)
                    {
                        _position += 2;
                        var array = ParseExpression(0);
                        Expect(")");
                        left = new ArrayComparison(left, op, quantifier.Is("ALL"), array);
                    }
                    else
                    {
                        left = new Binary(left, op, ParseExpression(6));
                    }
                }
                else if (token.IsPunctuation("::"))
                {
                    _position++;
                    left = new Cast(left, ReadTypeName());
                }
                else if (token.IsPunctuation("["))
                {
                    SkipBalanced("[", "]");
                    left = new Other("subscript");
                }
                else if (token.Is("COLLATE"))
                {
                    _position++;
                    ReadQualifiedName();
                }
                else
                {
                    break;
                }
            }

            return left;
        }

        private PlanExpression SkipDistinctFrom(PlanExpression left)
        {
            if (Next() is not { } from || !from.Is("FROM"))
            {
                throw new FormatException("IS DISTINCT what?");
            }

            ParseExpression(5);
            return new Other($"{left} IS DISTINCT FROM ...");
        }

        private string ReadOperator()
        {
            var token = Next();
            if (!token.Is("OPERATOR"))
            {
                return token.Text;
            }

            // OPERATOR(schema.op): an operator not on the search path.
            Expect("(");
            var text = new StringBuilder();
            while (Peek() is { } part && !part.IsPunctuation(")"))
            {
                text.Append(Next().Text);
            }

            Expect(")");
            var name = text.ToString();
            return name.Contains('.', StringComparison.Ordinal) ? name[(name.LastIndexOf('.') + 1)..] : name;
        }

        private PlanExpression ParseUnary()
        {
            var token = Peek() ?? throw new FormatException("unexpected end");
            if (token.Is("NOT"))
            {
                _position++;
                return new Not(ParseExpression(3));
            }

            if (token.Kind == TokenKind.Operator && token.Text == "-")
            {
                _position++;
                var operand = ParseExpression(6);
                return operand is Constant { Text: { } number } ? new Constant("-" + number, null) : new Other("-" + operand);
            }

            return ParsePrimary();
        }

        private PlanExpression ParsePrimary()
        {
            var token = Next();
            switch (token.Kind)
            {
                case TokenKind.String:
                    return new Constant(token.Text, null);
                case TokenKind.Number:
                    return new Constant(token.Text, null);
                case TokenKind.Parameter:
                    return new Parameter(token.Text);
                case TokenKind.Punctuation when token.Text == "(":
                    return ParseParenthesised();
                case TokenKind.Word or TokenKind.QuotedName:
                    return ParseWord(token);
                default:
                    throw new FormatException($"unexpected '{token.Text}'");
            }
        }

        private PlanExpression ParseParenthesised()
        {
            if (Peek() is { } sub && (sub.Is("SubPlan") || (sub.Is("hashed") && Peek(1)?.Is("SubPlan") == true) || sub.Is("alternatives")))
            {
                var text = new StringBuilder();
                var depth = 0;
                while (Peek() is { } part && (depth > 0 || !part.IsPunctuation(")")))
                {
                    depth += part.IsPunctuation("(") ? 1 : part.IsPunctuation(")") ? -1 : 0;
                    text.Append(Next().Text).Append(' ');
                }

                Expect(")");
                return new SubPlan(text.ToString().Trim());
            }

            var inner = ParseExpression(0);
            if (Peek()?.IsPunctuation(",") == true)
            {
                // A row: (a, b). Not something an index key is made of.
                while (Peek()?.IsPunctuation(",") == true)
                {
                    _position++;
                    ParseExpression(0);
                }

                Expect(")");
                return new Other("row");
            }

            Expect(")");
            return inner;
        }

        private PlanExpression ParseWord(Token token)
        {
            if (token.Kind == TokenKind.Word)
            {
                if (token.Is("NULL"))
                {
                    return new Constant(null, null);
                }

                if (token.Is("true") || token.Is("false"))
                {
                    return new Constant(token.Text.ToLowerInvariant(), "boolean");
                }

                if (token.Is("ARRAY") && Peek()?.IsPunctuation("[") == true)
                {
                    _position++;
                    var elements = new List<PlanExpression>();
                    while (Peek() is { } next && !next.IsPunctuation("]"))
                    {
                        elements.Add(ParseExpression(0));
                        if (Peek()?.IsPunctuation(",") == true)
                        {
                            _position++;
                        }
                    }

                    Expect("]");
                    return new ArrayLiteral(elements);
                }

                if (token.Is("CASE"))
                {
                    var depth = 1;
                    while (depth > 0)
                    {
                        var next = Next();
                        depth += next.Is("CASE") ? 1 : next.Is("END") ? -1 : 0;
                    }

                    return new Other("CASE");
                }
            }

            var parts = new List<string> { token.Text };
            while (Peek()?.IsPunctuation(".") == true && Peek(1) is { Kind: TokenKind.Word or TokenKind.QuotedName })
            {
                _position++;
                parts.Add(Next().Text);
            }

            if (Peek()?.IsPunctuation("(") == true)
            {
                _position++;
                var arguments = new List<PlanExpression>();
                if (Peek()?.Is("DISTINCT") == true || Peek()?.Is("VARIADIC") == true)
                {
                    _position++;
                }

                while (Peek() is { } next && !next.IsPunctuation(")"))
                {
                    if (next.Kind == TokenKind.Operator && next.Text == "*")
                    {
                        _position++;
                        arguments.Add(new Other("*"));
                    }
                    else
                    {
                        arguments.Add(ParseExpression(0));
                    }

                    if (Peek()?.IsPunctuation(",") == true)
                    {
                        _position++;
                    }
                    else if (Peek() is { } extra && !extra.IsPunctuation(")"))
                    {
                        // ORDER BY inside an aggregate, named arguments, ...: not an index key.
                        SkipUntilClose();
                        arguments.Add(new Other("..."));
                    }
                }

                Expect(")");
                return new Function(parts[^1], arguments);
            }

            return parts.Count switch
            {
                1 => new Column(null, parts[0]),
                2 => new Column(parts[0], parts[1]),
                _ => new Column(parts[^2], parts[^1]),
            };
        }

        private string ReadTypeName()
        {
            var name = new StringBuilder(ReadQualifiedName());
            while (Peek() is { Kind: TokenKind.Word } word && TypeWords.Contains(word.Text))
            {
                name.Append(' ').Append(Next().Text);
            }

            if (Peek()?.IsPunctuation("(") == true)
            {
                SkipBalanced("(", ")");
            }

            while (Peek()?.IsPunctuation("[") == true && Peek(1)?.IsPunctuation("]") == true)
            {
                _position += 2;
                name.Append("[]");
            }

            return name.ToString();
        }

        private string ReadQualifiedName()
        {
            var token = Next();
            if (token.Kind is not (TokenKind.Word or TokenKind.QuotedName))
            {
                throw new FormatException("expected a name");
            }

            var name = token.Text;
            while (Peek()?.IsPunctuation(".") == true && Peek(1) is { Kind: TokenKind.Word or TokenKind.QuotedName })
            {
                _position++;
                name += "." + Next().Text;
            }

            return name;
        }

        private void SkipBalanced(string open, string close)
        {
            Expect(open);
            var depth = 1;
            while (depth > 0)
            {
                var token = Next();
                depth += token.IsPunctuation(open) ? 1 : token.IsPunctuation(close) ? -1 : 0;
            }
        }

        private void SkipUntilClose()
        {
            var depth = 0;
            while (Peek() is { } token && (depth > 0 || !token.IsPunctuation(")")))
            {
                depth += token.IsPunctuation("(") ? 1 : token.IsPunctuation(")") ? -1 : 0;
                _position++;
            }
        }
    }
}
