using System.Text.RegularExpressions;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Errors;

[TestClass]
public sealed partial class ErrorCodeTests
{
    [TestMethod]
    public void EveryCodeIsDefinedOnceAndDocumentedInTheReadme()
    {
        var root = TestPaths.RepositoryRoot;
        var definitions = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal))
            .SelectMany(f => QuotedCode().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToList();
        var targets = Directory.EnumerateFiles(Path.Combine(root, "build"), "*.targets", SearchOption.AllDirectories)
            .SelectMany(f => TargetsCode().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value));
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));

        var duplicates = definitions.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.IsEmpty(duplicates, $"codes defined more than once: {string.Join(", ", duplicates)}");

        var undocumented = definitions.Concat(targets).Distinct().Where(code => !readme.Contains($"| {code} |", StringComparison.Ordinal)).ToList();
        Assert.IsEmpty(undocumented, $"codes missing from the README's error table: {string.Join(", ", undocumented)}");
        Assert.IsGreaterThan(10, definitions.Count);
    }

    [GeneratedRegex("\"(MT\\d{4})\"")]
    private static partial Regex QuotedCode();

    [GeneratedRegex("Code=\"(MT\\d{4})\"")]
    private static partial Regex TargetsCode();
}
