using MigrationTasks.Errors;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tools;

namespace MigrationTasks.Tests.Tools;

[TestClass]
public sealed class PostgresToolTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task PsqlRunsAFileWithVariablesThroughTheEnvironmentOnlyConnection()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var file = Path.Combine(TestPaths.NewFolder("psql"), "x.sql");
        await File.WriteAllTextAsync(file, "CREATE TABLE t AS SELECT generate_series(1, :n) AS i;", TestContext.CancellationToken);

        await PostgresTool.RunPsqlFileAsync(TestServer.Server.Binaries!, database.Connection, file, new Dictionary<string, string> { ["n"] = "7" }, TestContext.CancellationToken);

        Assert.AreEqual(7L, await database.ScalarAsync<long>("select count(*) from t"));
    }

    [TestMethod]
    public async Task AFailingToolIsMT0020WithItsMessageAndWithoutThePassword()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var bad = database.Connection.With(b => b.Password = "Nope-Secret-77");
        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            PostgresTool.RunAsync(TestServer.Server.Binaries!, "psql", bad, ["-X", "-c", "select 1"], TestContext.CancellationToken));

        Assert.AreEqual("MT0020", error.Code);
        Assert.Contains("password authentication failed", error.Message);
        Assert.DoesNotContain("Nope-Secret-77", error.ToString());
    }

    [TestMethod]
    public void DescribeQuotesArgumentsForTheLog() =>
        Assert.AreEqual("pg_dump -Fd -f '/tmp/a b' --exclude-schema 'x;y'", PostgresTool.Describe("pg_dump", ["-Fd", "-f", "/tmp/a b", "--exclude-schema", "x;y"]));
}
