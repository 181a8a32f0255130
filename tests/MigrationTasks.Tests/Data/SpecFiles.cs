using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Data;

/// <summary>The repository's spec, and variants of it with one deliberate mistake, written to a test folder.</summary>
internal static class SpecFiles
{
    public static string RepositorySpec => Path.Combine(TestPaths.RepositoryRoot, "supabase", "v1_to_v3.yaml");

    public static string Text => File.ReadAllText(RepositorySpec);

    /// <summary>Writes the repository spec with <paramref name="find"/> replaced; returns the file and the 1-based line of the replacement.</summary>
    public static (string File, int Line) Variant(string find, string replace)
    {
        var text = Text;
        var at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, at, $"the spec no longer contains: {find}");
        var line = text[..at].Count(c => c == '\n') + 1;
        var file = Path.Combine(TestPaths.NewFolder("spec"), "v1_to_v3.yaml");
        File.WriteAllText(file, text[..at] + replace + text[(at + find.Length)..]);
        return (file, line);
    }

    /// <summary>The 1-based line of the first occurrence of <paramref name="text"/> in the repository spec.</summary>
    public static int LineOf(string text)
    {
        var all = Text;
        var at = all.IndexOf(text, StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, at, $"the spec no longer contains: {text}");
        return all[..at].Count(c => c == '\n') + 1;
    }
}
