namespace MigrationTasks.Migrations;

/// <summary>
/// One statement of a migration file, as the Supabase CLI records it: the text between two top-level
/// semicolons with the semicolon and surrounding whitespace trimmed (comments before it are kept).
/// </summary>
/// <param name="Text">The statement as executed and recorded in <c>schema_migrations.statements</c>.</param>
/// <param name="Offset">Where <paramref name="Text"/> starts in the file's content (UTF-16 index).</param>
/// <param name="Line">The 1-based file line of the statement's first code (after leading comments).</param>
public sealed record SqlStatement(string Text, int Offset, int Line)
{
    /// <summary>True when the statement holds only comments: it is recorded, but there is nothing to run.</summary>
    public bool IsCommentOnly => SqlTokens.Read(Text, 1).Count == 0;
}
