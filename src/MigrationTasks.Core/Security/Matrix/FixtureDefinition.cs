namespace MigrationTasks.Security.Matrix;

/// <summary>SQL run as the connecting role at the start of the transaction the cases run in (rolled back with it).</summary>
/// <param name="Sql">The statements, placeholders not yet resolved.</param>
/// <param name="Location">Where the SQL's first line is (the fixture file's line 1, or the line after <c>sql: |</c>).</param>
public sealed record FixtureDefinition(string Sql, SourceLocation Location);
