namespace MigrationTasks.Security.Matrix;

/// <summary>
/// Surface the matrix deliberately leaves uncovered, with the reason: an object pattern (<c>schema.name</c>, <c>*</c>
/// matches any run of characters), optionally limited to some commands and roles.
/// </summary>
public sealed record CoverageExclusion(string ObjectPattern, IReadOnlyList<string>? Commands, IReadOnlyList<string>? Roles, string Reason, SourceLocation Location)
{
    public bool Matches(string objectName, string command, string role) =>
        Glob(ObjectPattern, objectName)
        && (Commands is null || Commands.Contains(command, StringComparer.Ordinal))
        && (Roles is null || Roles.Contains(role, StringComparer.Ordinal));

    private static bool Glob(string pattern, string text)
    {
        var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(text, regex, System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    }
}
