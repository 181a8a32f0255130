using MigrationTasks.Errors;
using MigrationTasks.Pooler;

namespace MigrationTasks.Tests.Pooler;

/// <summary>The pool-size formula of the README, and its refusals.</summary>
[TestClass]
public sealed class PoolSizingTests
{
    [TestMethod]
    [DataRow(60, 15, 200, 45, 300)]   // Micro, many requests: the pool is what the server can spare, the rest queue
    [DataRow(60, 15, 20, 20, 30)]     // few requests: no more server connections than requests in flight
    [DataRow(120, 20, 100, 100, 150)]
    [DataRow(10, 9, 1, 1, 2)]
    public void ThePoolIsTheSmallerOfWhatTheServerSparesAndWhatTheRequestsNeed(int max, int reserved, int concurrent, int pool, int clients)
    {
        var size = PoolSizing.Compute(new PoolSettings(max, reserved, concurrent));

        Assert.AreEqual((pool, clients, max - reserved), (size.DefaultPoolSize, size.MaxClientConnections, size.UsableConnections));
        StringAssert.Contains(size.Explanation, $"default_pool_size = min({max - reserved}, {concurrent} concurrent requests) = {pool}");
    }

    [TestMethod]
    [DataRow(0, 0, 10, "PoolerMaxConnections")]
    [DataRow(60, 60, 10, "PoolerReservedConnections")]
    [DataRow(60, -1, 10, "PoolerReservedConnections")]
    [DataRow(60, 10, 0, "PoolerConcurrentRequests")]
    public void SettingsThatCannotSizeAPoolAreRefused(int max, int reserved, int concurrent, string property)
    {
        var error = Assert.ThrowsExactly<MigrationTasksException>(() => PoolSizing.Compute(new PoolSettings(max, reserved, concurrent)));

        Assert.AreEqual("MT0721", error.Code);
        StringAssert.Contains(error.Message, property);
    }
}
