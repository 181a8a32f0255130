using System.Text;
using System.Text.RegularExpressions;
using MigrationTasks.Migrations;

namespace MigrationTasks.Indexes;

/// <summary>One query of the workload: its name, what it is for, the API role it runs as, and its SQL.</summary>
/// <param name="Name">Its name in the file (-- @query name).</param>
/// <param name="Description">The first comment line of its block.</param>
/// <param name="Sql">The statement, with :'name' parameter references.</param>
/// <param name="Role">anon, authenticated or service_role (RLS applies, as through PostgREST); null: the connecting user.</param>
/// <param name="UserParameter">The parameter whose value is the JWT's <c>sub</c> (auth.uid()), or null.</param>
/// <param name="Line">The 1-based line of the statement in the workload file.</param>
public sealed record WorkloadQuery(string Name, string Description, string Sql, string? Role, string? UserParameter, int Line);

/// <summary>
/// The application's common queries (<c>supabase/tests/workload.sql</c>): an optional <c>-- @parameters</c> block
/// (one query whose single row names the parameters; it ends with psql's <c>\gset</c>, so the file also runs
/// in psql) and <c>-- @query name</c> blocks of one statement each, with <c>-- @role</c> and <c>-- @user</c>
/// lines. Queries read parameters as <c>:'name'</c>.
/// </summary>
public sealed partial class Workload
{
    public static readonly IReadOnlyList<string> Roles = ["anon", "authenticated", "service_role"];

    private Workload(string file, string? parametersSql, int parametersLine, IReadOnlyList<WorkloadQuery> queries)
    {
        File = file;
        ParametersSql = parametersSql;
        ParametersLine = parametersLine;
        Queries = queries;
    }

    public string File { get; }

    /// <summary>The parameters query, or null when the workload has none.</summary>
    public string? ParametersSql { get; }

    public int ParametersLine { get; }

    public IReadOnlyList<WorkloadQuery> Queries { get; }

    public static Workload Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw Errors.Errors.WorkloadNotFound(path);
        }

        return Parse(System.IO.File.ReadAllText(path), path);
    }

    public static Workload Parse(string text, string file)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<Block>();
        Block? current = null;
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index];
            var trimmed = line.Trim();
            var number = index + 1;
            if (Directive().Match(trimmed) is { Success: true } directive && directive.Groups["name"].Value is "query" or "parameters")
            {
                var kind = directive.Groups["name"].Value;
                var argument = directive.Groups["argument"].Value.Trim();
                if (kind == "parameters")
                {
                    if (blocks.Any(b => b.Name is null) || argument.Length > 0)
                    {
                        throw Errors.Errors.WorkloadSyntax(argument.Length > 0 ? "'-- @parameters' takes no name" : "a second '-- @parameters' block (there is one)", file, number);
                    }
                }
                else if (!QueryName().IsMatch(argument))
                {
                    throw Errors.Errors.WorkloadSyntax($"'{argument}' is not a query name (lower-case letters, digits and _, starting with a letter)", file, number);
                }
                else if (blocks.Any(b => b.Name == argument))
                {
                    throw Errors.Errors.WorkloadSyntax($"a second query named '{argument}'", file, number);
                }

                current = new Block(kind == "parameters" ? null : argument, number);
                blocks.Add(current);
                continue;
            }

            if (current is null)
            {
                if (trimmed.Length > 0 && !trimmed.StartsWith("--", StringComparison.Ordinal))
                {
                    throw Errors.Errors.WorkloadSyntax("SQL outside a block: start each query with '-- @query <name>'", file, number);
                }

                continue;
            }

            if (current.Body.Length == 0 && trimmed.StartsWith("--", StringComparison.Ordinal))
            {
                ReadHeaderLine(current, trimmed, file, number);
                continue;
            }

            if (current.Body.Length == 0 && trimmed.Length == 0)
            {
                continue;
            }

            if (current.Body.Length == 0)
            {
                current.BodyLine = number;
            }

            current.Body.Append(line).Append('\n');
        }

        var parameters = blocks.FirstOrDefault(b => b.Name is null);
        var queries = blocks.Where(b => b.Name is not null).Select(b => ToQuery(b, file)).ToList();
        if (queries.Count == 0)
        {
            throw Errors.Errors.WorkloadSyntax("no '-- @query <name>' block: the workload has no queries", file, 1);
        }

        var parametersSql = parameters is null ? null : Statement(parameters, file, terminator: "\\gset");
        return new Workload(file, parametersSql, parameters?.BodyLine ?? 0, queries);
    }

    private static void ReadHeaderLine(Block block, string trimmed, string file, int number)
    {
        if (Directive().Match(trimmed) is not { Success: true } directive)
        {
            var comment = trimmed.TrimStart('-').Trim();
            if (comment.Length > 0 && block.Description.Length == 0)
            {
                block.Description = comment;
            }

            return;
        }

        var argument = directive.Groups["argument"].Value.Trim();
        switch (directive.Groups["name"].Value)
        {
            case "role" when block.Name is not null:
                if (!Roles.Contains(argument))
                {
                    throw Errors.Errors.WorkloadSyntax($"'{argument}' is not an API role: use {string.Join(", ", Roles)}", file, number);
                }

                block.Role = argument;
                break;
            case "user" when block.Name is not null:
                if (!QueryName().IsMatch(argument))
                {
                    throw Errors.Errors.WorkloadSyntax($"'-- @user' names a parameter (lower-case letters, digits and _), not '{argument}'", file, number);
                }

                block.User = argument;
                block.UserLine = number;
                break;
            default:
                throw Errors.Errors.WorkloadSyntax($"unknown directive '-- @{directive.Groups["name"].Value}' (known: @parameters, @query, @role, @user)", file, number);
        }
    }

    private static WorkloadQuery ToQuery(Block block, string file)
    {
        var sql = Statement(block, file, terminator: ";");
        if (block.User is not null && block.Role != "authenticated")
        {
            throw Errors.Errors.WorkloadSyntax($"query '{block.Name}' sets '-- @user' without '-- @role authenticated': only a signed-in user has an id", file, block.UserLine);
        }

        return new WorkloadQuery(block.Name!, block.Description, sql, block.Role, block.User, block.BodyLine);
    }

    /// <summary>The block's one statement, without its terminator; exactly one, as PostgreSQL would read it.</summary>
    private static string Statement(Block block, string file, string terminator)
    {
        var body = block.Body.ToString().TrimEnd();
        var what = block.Name is null ? "the parameters block" : $"query '{block.Name}'";
        if (body.Length == 0)
        {
            throw Errors.Errors.WorkloadSyntax($"{what} has no SQL", file, block.Line);
        }

        // The terminator may be followed by comments only (they belong to nothing).
        var withoutTrailingComments = string.Join('\n', body.Split('\n').Reverse().SkipWhile(l => l.Trim().StartsWith("--", StringComparison.Ordinal) || l.Trim().Length == 0).Reverse());
        if (!withoutTrailingComments.EndsWith(terminator, StringComparison.Ordinal))
        {
            throw Errors.Errors.WorkloadSyntax($"{what} must end with '{terminator}'", file, block.BodyLine);
        }

        var statementText = withoutTrailingComments[..^terminator.Length];
        var metaLine = statementText.Split('\n').Select((l, i) => (Text: l.TrimStart(), Line: block.BodyLine + i)).FirstOrDefault(l => l.Text.StartsWith('\\'));
        if (metaLine.Text is not null)
        {
            throw Errors.Errors.WorkloadSyntax($"psql meta-commands are not supported in a workload ('{metaLine.Text.Split(' ')[0]}'); only the parameters block ends with \\gset", file, metaLine.Line);
        }

        var statements = StatementSplitter.Split(statementText).Where(s => !s.IsCommentOnly).ToList();
        if (statements.Count != 1)
        {
            var line = statements.Count > 1 ? block.BodyLine + statements[1].Line - 1 : block.BodyLine;
            throw Errors.Errors.WorkloadSyntax($"{what} must be exactly one statement, found {statements.Count}", file, line);
        }

        return statements[0].Text;
    }

    /// <summary>
    /// The statement with every <c>:'name'</c> replaced by the parameter's value as a quoted literal (NULL when the
    /// value is null), as psql substitutes it; quoted text, quoted names, comments and dollar-quoted bodies are left
    /// alone, and <c>::</c> casts are not parameters.
    /// </summary>
    public static string Substitute(string sql, IReadOnlyDictionary<string, string?> parameters, string file, int line) =>
        Rewrite(sql, file, line, name => parameters.TryGetValue(name, out var value)
            ? Sql.SqlQuote.Literal(value)
            : throw Errors.Errors.WorkloadUnknownParameter(name, parameters.Keys, file, line));

    /// <summary>The statement with each distinct <c>:'name'</c> replaced by <c>$1</c>, <c>$2</c>, ... and the names in order (for PREPARE).</summary>
    public static (string Sql, IReadOnlyList<string> Names) Parameterise(string sql, string file, int line)
    {
        var names = new List<string>();
        var text = Rewrite(sql, file, line, name =>
        {
            var index = names.IndexOf(name);
            if (index < 0)
            {
                names.Add(name);
                index = names.Count - 1;
            }

            return "$" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        return (text, names);
    }

    /// <summary>The parameter names a statement reads.</summary>
    public static IReadOnlyList<string> ParameterNames(string sql, string file, int line) => Parameterise(sql, file, line).Names;

    private static string Rewrite(string sql, string file, int line, Func<string, string> replace)
    {
        var output = new StringBuilder(sql.Length);
        for (var i = 0; i < sql.Length;)
        {
            var c = sql[i];
            if (c == ':' && i + 1 < sql.Length && sql[i + 1] == ':')
            {
                output.Append("::");
                i += 2;
            }
            else if (c == ':' && i + 1 < sql.Length && sql[i + 1] == '\'')
            {
                var end = sql.IndexOf('\'', i + 2);
                var name = end > 0 ? sql[(i + 2)..end] : "";
                if (!QueryName().IsMatch(name))
                {
                    throw Errors.Errors.WorkloadSyntax($"':'{name}' is not a parameter reference; write :'name' with a lower-case name", file, line);
                }

                output.Append(replace(name));
                i = end + 1;
            }
            else if (c is '\'' or '"')
            {
                var end = ClosingQuote(sql, i, c);
                output.Append(sql, i, end - i);
                i = end;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var end = sql.IndexOf('\n', i);
                end = end < 0 ? sql.Length : end;
                output.Append(sql, i, end - i);
                i = end;
            }
            else if (c == '$' && DollarTag().Match(sql, i) is { Success: true } tag && tag.Index == i)
            {
                var close = sql.IndexOf(tag.Value, i + tag.Length, StringComparison.Ordinal);
                var end = close < 0 ? sql.Length : close + tag.Length;
                output.Append(sql, i, end - i);
                i = end;
            }
            else
            {
                output.Append(c);
                i++;
            }
        }

        return output.ToString();
    }

    private static int ClosingQuote(string sql, int start, char quote)
    {
        for (var i = start + 1; i < sql.Length; i++)
        {
            if (sql[i] == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote)
                {
                    i++;
                    continue;
                }

                return i + 1;
            }
        }

        return sql.Length;
    }

    [GeneratedRegex(@"^--\s*@(?<name>[A-Za-z_]+)(?<argument>.*)$")]
    private static partial Regex Directive();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex QueryName();

    [GeneratedRegex(@"\$[A-Za-z_]*\$")]
    private static partial Regex DollarTag();

    private sealed class Block(string? name, int line)
    {
        public string? Name { get; } = name;

        public int Line { get; } = line;

        public int BodyLine { get; set; } = line;

        public string Description { get; set; } = "";

        public string? Role { get; set; }

        public string? User { get; set; }

        public int UserLine { get; set; } = line;

        public StringBuilder Body { get; } = new();
    }
}
