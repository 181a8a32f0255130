using MigrationTasks.Common;
using MigrationTasks.Servers;
using Npgsql;

namespace MigrationTasks.Tests.Servers;

/// <summary>
/// The Docker path. It needs a Docker engine with API 1.44 or newer; where there is none the test reports
/// itself as not run (inconclusive, counted as skipped), never as passed.
/// </summary>
[TestClass]
public sealed class ContainerServerTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task StartsAContainerConnectsAndRemovesIt()
    {
        var whyNot = await DockerProbe.WhyNotUsableAsync(TestContext.CancellationToken);
        if (whyNot is not null)
        {
            Assert.Inconclusive($"Not run: Docker is not usable here ({whyNot}).");
        }

        var image = Environment.GetEnvironmentVariable("MIGRATIONTASKS_POSTGRES_IMAGE") ?? ContainerServer.DefaultImage;
        var server = await ContainerServer.StartAsync(image, NullEngineLog.Instance, TestContext.CancellationToken);
        await using (var connection = new NpgsqlConnection(server.Connection.ConnectionString))
        {
            await connection.OpenAsync(TestContext.CancellationToken);
            await using var command = new NpgsqlCommand("select 42", connection);
            Assert.AreEqual(42, await command.ExecuteScalarAsync(TestContext.CancellationToken));
        }

        await server.DisposeAsync();
        await Assert.ThrowsAsync<Exception>(() => ServerInfo.ReadVersionAsync(server.Connection.With(b => b.Timeout = 3), TestContext.CancellationToken));
    }
}
