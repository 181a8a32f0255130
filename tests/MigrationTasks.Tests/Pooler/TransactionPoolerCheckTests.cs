using MigrationTasks.Connections;
using MigrationTasks.Errors;
using MigrationTasks.Pooler;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Migrations;

namespace MigrationTasks.Tests.Pooler;

/// <summary>The one transaction-pooler check: the configured list, Supabase's port, and the probe against a direct server.</summary>
[TestClass]
public sealed class TransactionPoolerCheckTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ADirectConnectionKeepsItsSession()
    {
        var verdict = await TransactionPoolerCheck.DetectAsync(TestServer.Server.Connection, new PoolerCheckOptions(), TestContext.CancellationToken);

        Assert.IsFalse(verdict.IsTransactionPooler, verdict.Evidence);
        StringAssert.Contains(verdict.Evidence, "each client connection kept its own server process");
        await TransactionPoolerCheck.RequireSessionAsync(TestServer.Server.Connection, "a test", new PoolerCheckOptions(), new TestLog(), TestContext.CancellationToken);
    }

    [TestMethod]
    [DataRow("postgres://postgres.ref:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres", true)]
    [DataRow("postgres://postgres:pw@db.abcdefghijklmnop.supabase.co:6543/postgres", true)]
    [DataRow("postgres://postgres.ref:pw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres", false)]
    [DataRow("postgres://postgres:pw@db.example.com:6543/postgres", false)]
    public void SupabasesTransactionPortIsKnownByHostAndPort(string url, bool transaction) =>
        Assert.AreEqual(transaction, TransactionPoolerCheck.IsSupabaseTransactionPooler(DatabaseConnection.Parse(url, "test")));

    [TestMethod]
    public async Task AListedEndpointIsRefusedWithoutConnecting()
    {
        var target = DatabaseConnection.Parse("postgres://app:pw@pgbouncer.internal:6432/app", "test");
        var options = new PoolerCheckOptions { TransactionPoolers = PoolerCheckOptions.ParseList("other:1 | pgbouncer.internal:6432") };

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => TransactionPoolerCheck.RequireSessionAsync(target, "a backup", options, new TestLog(), TestContext.CancellationToken));

        Assert.AreEqual("MT0720", error.Code);
        StringAssert.Contains(error.Message, "listed in TransactionPoolers as pgbouncer.internal:6432");
        StringAssert.Contains(error.Message, "a backup needs a session of its own");
        Assert.DoesNotContain("pw", error.Message.Replace("pgbouncer", "", StringComparison.Ordinal));
    }

    [TestMethod]
    public void TheListAcceptsHostPortAndAnyHostAndRefusesTheRest()
    {
        CollectionAssert.AreEqual(new[] { new PoolerEndpoint("db.internal", 6432), new PoolerEndpoint(null, 6543), new PoolerEndpoint("::1", 6000) },
            PoolerCheckOptions.ParseList("db.internal:6432 *:6543|[::1]:6000").ToArray());
        foreach (var bad in new[] { "db.internal", ":6432", "db:port", "db:70000" })
        {
            Assert.AreEqual("MT0726", Assert.ThrowsExactly<MigrationTasksException>(() => PoolerCheckOptions.ParseList(bad)).Code, bad);
        }
    }
}
