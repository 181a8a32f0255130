using System.Text.RegularExpressions;

namespace MigrationTasks.Security.Lint;

/// <summary>Reading deparsed policy expressions (<c>pg_get_expr</c> with <c>search_path = ''</c>) where text matching is not enough.</summary>
public static partial class PolicyExpressions
{
    // auth.uid() IS NULL, ( SELECT auth.uid() AS uid) IS NULL, current_setting('x'::text, true) IS NULL,
    // and NOT (... IS NOT NULL) of the same.
    [GeneratedRegex(@"^(auth\.(uid|jwt|role|email)\(\)|\(\s*SELECT\s+auth\.(uid|jwt|role|email)\(\)\s+AS\s+\w+\)|current_setting\('[^']*'::text,\s*true\)|\(\s*SELECT\s+current_setting\('[^']*'::text,\s*true\)\s+AS\s+\w+\))\s+IS\s+NULL$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NullTest();

    [GeneratedRegex(@"^NOT\s+\((.*)\s+IS\s+NOT\s+NULL\)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex NegatedNotNull();

    /// <summary>
    /// True when one of the expression's top-level OR terms is an auth value tested for NULL: the whole condition is
    /// then true for every request without a user (an OR nested inside an AND is gated, and not reported).
    /// </summary>
    public static bool HasTopLevelNullAuthTerm(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        foreach (var term in TopLevelTerms(StripParentheses(expression), "OR"))
        {
            var bare = StripParentheses(term);
            if (NegatedNotNull().Match(bare) is { Success: true } negated)
            {
                bare = StripParentheses(negated.Groups[1].Value) + " IS NULL";
            }

            if (NullTest().IsMatch(bare))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The refinement of <c>auth_rls_initplan</c>: keeps the row when one of the candidate calls (the fifth column,
    /// separated by spaces) occurs in the expression (the fourth) outside every InitPlan, and names those calls.
    /// </summary>
    public static LintRow? RefinePerRowCalls(LintRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Extra.Count < 2 || row.Extra[0] is not { } expression || row.Extra[1] is not { } candidates)
        {
            return null;
        }

        var calls = PerRowCalls(expression, candidates.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (calls.Count == 0)
        {
            return null;
        }

        var shown = calls.Select(call => call.EndsWith('(') ? call + ")" : call).ToList();
        return row with
        {
            Detail = row.Detail.Replace("{calls}", string.Join(", ", shown), StringComparison.Ordinal),
            Fix = row.Fix.Replace("{call}", shown[0], StringComparison.Ordinal),
        };
    }

    /// <summary>
    /// The <paramref name="calls"/> (such as <c>auth.uid()</c>, or <c>current_setting(</c> for any arguments) that occur
    /// in <paramref name="expression"/> outside every parenthesised <c>SELECT</c> without a <c>FROM</c>: PostgreSQL
    /// runs those once per row; inside such a sub-select they become an InitPlan, run once per statement.
    /// </summary>
    public static IReadOnlyList<string> PerRowCalls(string expression, IEnumerable<string> calls)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(calls);
        var closing = MatchingParentheses(expression);
        var found = new List<string>();
        foreach (var call in calls)
        {
            for (var at = expression.IndexOf(call, StringComparison.OrdinalIgnoreCase); at >= 0; at = expression.IndexOf(call, at + 1, StringComparison.OrdinalIgnoreCase))
            {
                var preceded = at > 0 && (char.IsLetterOrDigit(expression[at - 1]) || expression[at - 1] is '_' or '.' or '$');
                if (!preceded && !closing.Any(pair => pair.Key < at && at < pair.Value && IsInitPlan(expression, pair.Key, pair.Value)))
                {
                    found.Add(call);
                    break;
                }
            }
        }

        return found;
    }

    // "( SELECT ... )" with no FROM of its own: an uncorrelated scalar sub-select, planned as an InitPlan.
    private static bool IsInitPlan(string expression, int open, int close)
    {
        var content = expression[(open + 1)..close].TrimStart();
        return content.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) && !TopLevelOccurrences(content, " FROM ").Any();
    }

    /// <summary>Splits at <paramref name="keyword"/> outside parentheses and quotes.</summary>
    public static IReadOnlyList<string> TopLevelTerms(string expression, string keyword)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var separator = " " + keyword + " ";
        var terms = new List<string>();
        var start = 0;
        foreach (var at in TopLevelOccurrences(expression, separator))
        {
            terms.Add(expression[start..at].Trim());
            start = at + separator.Length;
        }

        terms.Add(expression[start..].Trim());
        return terms;
    }

    /// <summary>Removes parentheses that enclose the whole expression.</summary>
    public static string StripParentheses(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var text = expression.Trim();
        while (text.Length >= 2 && text[0] == '(' && MatchingParentheses(text).TryGetValue(0, out var close) && close == text.Length - 1)
        {
            text = text[1..^1].Trim();
        }

        return text;
    }

    // Where token occurs (case-insensitively) outside parentheses, quoted literals and quoted identifiers.
    private static IEnumerable<int> TopLevelOccurrences(string text, string token)
    {
        var depth = 0;
        var quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }
            else if (depth == 0 && string.Compare(text, i, token, 0, token.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                yield return i;
                i += token.Length - 1;
            }
        }
    }

    // Each '(' and its ')', outside quoted literals and quoted identifiers.
    private static Dictionary<int, int> MatchingParentheses(string text)
    {
        var pairs = new Dictionary<int, int>();
        var open = new Stack<int>();
        var quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '(')
            {
                open.Push(i);
            }
            else if (c == ')' && open.Count > 0)
            {
                pairs[open.Pop()] = i;
            }
        }

        return pairs;
    }
}
