using System.Reflection;

namespace MigrationTasks.Security.Lint;

/// <summary>A row of a lint's query: the object, the finding, the fix, and any extra columns the refinement reads.</summary>
public sealed record LintRow(string Object, string Detail, string Fix, IReadOnlyList<string?> Extra);

/// <summary>
/// One lint: its name (splinter's, where splinter has the lint), level, category and title, and a query of our
/// own (<c>Rules/&lt;name&gt;.sql</c>, embedded) that returns one row per finding: the object, what is wrong, and
/// the fix. Queries see <c>@exposed</c> (the Data API's schemas), <c>@internal</c> (Supabase's own schemas, never
/// the project's) and <c>@anonymous_sign_ins</c>, and run with <c>search_path = ''</c> so expressions come back
/// schema-qualified.
/// </summary>
public sealed record LintRule(string Name, LintLevel Level, LintCategory Category, string Title)
{
    /// <summary>The lint reads usage statistics, which mean something only on the live database (production).</summary>
    public bool NeedsUsageStatistics { get; init; }

    /// <summary>The lint needs these relations (Supabase Storage's tables); it is skipped where they do not exist.</summary>
    public IReadOnlyList<string> RequiredRelations { get; init; } = [];

    /// <summary>
    /// A last step in C# for what SQL text matching cannot decide (the structure of a policy expression): it gets
    /// the row (object, detail, fix, then the query's extra columns) and returns it, rewritten, or null to drop it.
    /// </summary>
    public Func<LintRow, LintRow?>? Refine { get; init; }

    /// <summary>splinter's number for the lint, or null for lints of our own.</summary>
    public string? SplinterNumber { get; init; }

    public string Sql => Queries.Value.TryGetValue(Name, out var sql) ? sql : throw new InvalidOperationException($"No query for lint {Name}.");

    private static readonly Lazy<Dictionary<string, string>> Queries = new(() =>
    {
        var assembly = Assembly.GetExecutingAssembly();
        const string prefix = "MigrationTasks.Security.Lint.Rules.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .ToDictionary(
                name => name[prefix.Length..^4],
                name =>
                {
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                    return reader.ReadToEnd();
                },
                StringComparer.Ordinal);
    });
}
