using MigrationTasks.Migrations;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Migrations;

/// <summary>A scratch migrations folder for one test.</summary>
public sealed class MigrationFolder
{
    private MigrationFolder(string path) => Path = path;

    public string Path { get; }

    public static MigrationFolder Create(params (string FileName, string Sql)[] files)
    {
        var folder = new MigrationFolder(TestPaths.NewFolder("migrations"));
        foreach (var (fileName, sql) in files)
        {
            folder.Write(fileName, sql);
        }

        return folder;
    }

    public string Write(string fileName, string sql)
    {
        var path = System.IO.Path.Combine(Path, fileName);
        File.WriteAllText(path, sql);
        return path;
    }

    public MigrationSet Load(TestLog? log = null) => MigrationSet.Load(Path, log ?? new TestLog());
}
