namespace MigrationTasks.Security.Matrix;

/// <summary>Where something was written: a file and a 1-based line and column.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{Path.GetFileName(File)}({Line})";
}
