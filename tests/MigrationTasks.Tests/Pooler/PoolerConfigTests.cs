using System.Text;
using MigrationTasks.Errors;
using MigrationTasks.Pooler;
using MigrationTasks.Tests.Infrastructure;
using Tomlyn;
using Tomlyn.Model;

namespace MigrationTasks.Tests.Pooler;

/// <summary>Writing [db.pooler] of supabase/config.toml: the five values change, every other byte stays.</summary>
[TestClass]
public sealed class PoolerConfigTests
{
    private static readonly PoolerSection Section = new(true, 54329, "transaction", 45, 300);

    [TestMethod]
    public void TheProjectsConfigKeepsEveryByteOutsideThePoolerSectionAndItsComments()
    {
        var path = Copy(File.ReadAllText(Path.Combine(TestTemplates.SupabaseDirectory, "config.toml")));
        var before = File.ReadAllText(path);

        Assert.IsTrue(PoolerConfig.Write(path, Section));

        var after = File.ReadAllText(path);
        var (beforeHead, beforeSection, beforeTail) = Split(before);
        var (afterHead, afterSection, afterTail) = Split(after);
        Assert.AreEqual(beforeHead, afterHead, "byte for byte before [db.pooler]");
        Assert.AreEqual(beforeTail, afterTail, "byte for byte after it");
        Assert.AreEqual(Comments(beforeSection), Comments(afterSection), "the section's own comments stay where they were");
        Assert.AreEqual(beforeSection.Split('\n').Length, afterSection.Split('\n').Length);

        var pooler = (TomlTable)((TomlTable)TomlSerializer.Deserialize<TomlTable>(after)!["db"])["pooler"];
        Assert.AreEqual((true, 54329L, "transaction", 45L, 300L), ((bool)pooler["enabled"], (long)pooler["port"], (string)pooler["pool_mode"], (long)pooler["default_pool_size"], (long)pooler["max_client_conn"]));

        var written = File.GetLastWriteTimeUtc(path);
        Assert.IsFalse(PoolerConfig.Write(path, Section), "the same settings again change nothing");
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(path));
    }

    [TestMethod]
    public void MissingKeysAreAddedToTheSectionAndTheNextTablesCommentStaysWithIt()
    {
        var text = "[db]\nport = 1\n\n[db.pooler]\n# only the port\nport = 6000 # mine\n\n# the seed section\n[db.seed]\nenabled = false\n";

        var result = PoolerConfig.Apply(text, "config.toml", Section with { Port = 6000 });

        Assert.AreEqual("[db]\nport = 1\n\n[db.pooler]\n# only the port\nport = 6000 # mine\nenabled = true\npool_mode = \"transaction\"\ndefault_pool_size = 45\nmax_client_conn = 300\n\n# the seed section\n[db.seed]\nenabled = false\n", result);
    }

    [TestMethod]
    public void AMissingSectionIsAddedAfterTheDbTables()
    {
        var text = "project_id = \"x\"\n\n[db]\nport = 1\n\n[db.migrations]\nenabled = true\n\n# realtime comes next\n[realtime]\nenabled = true\n";

        var result = PoolerConfig.Apply(text, "config.toml", Section);

        Assert.AreEqual("project_id = \"x\"\n\n[db]\nport = 1\n\n[db.migrations]\nenabled = true\n\n[db.pooler]\nenabled = true\nport = 54329\npool_mode = \"transaction\"\ndefault_pool_size = 45\nmax_client_conn = 300\n\n# realtime comes next\n[realtime]\nenabled = true\n", result);
    }

    [TestMethod]
    public void WindowsLineEndingsAndAByteOrderMarkAreKept()
    {
        var path = Copy("[db]\r\nport = 1\r\n\r\n[db.pooler]\r\nenabled = false # off for now\r\nport = 54329\r\npool_mode = \"session\"\r\ndefault_pool_size = 20\r\nmax_client_conn = 100\r\n", bom: true);

        PoolerConfig.Write(path, Section);

        var bytes = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.AreEqual("[db]\r\nport = 1\r\n\r\n[db.pooler]\r\nenabled = true # off for now\r\nport = 54329\r\npool_mode = \"transaction\"\r\ndefault_pool_size = 45\r\nmax_client_conn = 300\r\n", Encoding.UTF8.GetString(bytes[3..]));
    }

    [TestMethod]
    [DataRow("[db\nport = 1\n", "MT0724", 1)]
    [DataRow("[db]\nport = 1\nport = 2\n", "MT0724", 3)]
    [DataRow("[db]\npooler = { port = 1 }\n", "MT0725", 2)]
    [DataRow("[db]\nport = 1\npooler.port = 5\n", "MT0725", 3)]
    [DataRow("db.pooler.port = 5\n", "MT0725", 1)]
    public void FilesItCannotEditSafelyAreLeftUntouchedWithTheLine(string text, string code, int line)
    {
        var path = Copy(text);

        var error = Assert.ThrowsExactly<MigrationTasksException>(() => PoolerConfig.Write(path, Section));

        Assert.AreEqual((code, path, line), (error.Code, error.File, error.Line), error.ToString());
        Assert.AreEqual(text, File.ReadAllText(path));
        Assert.IsEmpty(Directory.GetFiles(Path.GetDirectoryName(path)!).Where(f => f != path));
    }

    private static string Copy(string text, bool bom = false)
    {
        var path = Path.Combine(TestPaths.NewFolder("config"), "config.toml");
        File.WriteAllBytes(path, [.. (bom ? (byte[])[0xEF, 0xBB, 0xBF] : []), .. Encoding.UTF8.GetBytes(text)]);
        return path;
    }

    /// <summary>The text before [db.pooler], the section (up to the blank line before the next table), and the rest.</summary>
    private static (string Head, string Section, string Tail) Split(string text)
    {
        var start = text.IndexOf("\n[db.pooler]", StringComparison.Ordinal) + 1;
        var end = text.IndexOf("\n\n[", start, StringComparison.Ordinal) + 1;
        return (text[..start], text[start..end], text[end..]);
    }

    private static string Comments(string section) => string.Join('\n', section.Split('\n').Where(l => l.TrimStart().StartsWith('#')));
}
