using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.EndToEnd;

/// <summary>`dotnet msbuild -t:Rehearse` as users run it, in a child process.</summary>
[TestClass]
[DoNotParallelize]
public sealed class RehearseTargetTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task AtTheRepositoryRootItRehearsesTheSampleOncePassesEveryStepAndStopsItsServers()
    {
        // What a fresh clone's `dotnet msbuild -t:Rehearse` does: the sample production stands in, supabase/migrations
        // plus the sample's own align, data and cleanup migrations (supabase/sample/migrations) are rehearsed.
        var clusters = TestPaths.NewFolder("root-run");
        var artifacts = TestPaths.NewFolder("root-run-artifacts") + "/";
        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Rehearse",
            new Dictionary<string, string> { ["PostgresClusterRoot"] = clusters, ["MigrationTasksArtifactsDirectory"] = artifacts }, cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(result.Succeeded, result.Log);
        Assert.AreEqual(1, result.Count("Staging: local cluster"), result.Log);
        Assert.AreEqual(1, result.Count("no production configured: using the bundled sample production, scale 1"), result.Log);
        Assert.AreEqual(1, result.Count("Sample production built in"), result.Log);
        Assert.AreEqual(1, result.Count("The bundled sample's own migrations"), result.Log);
        Assert.AreEqual(1, result.Count("Rehearsal passed: 11 steps on a staging clone of the bundled sample production"), result.Log);
        var run = Directory.GetDirectories(Path.Combine(artifacts, "rehearsal")).Single();
        var report = File.ReadAllText(Path.Combine(run, "report.md"));
        StringAssert.Contains(report, "the bundled sample production stood in");
        foreach (var step in new[] { "Clone production", "Diff the clone", "Validate the data before", "Apply the pending migrations", "Validate the data after",
            "Prove the migrated clone", "Verify the RLS policies", "Smoke flows", "Simulated failure" })
        {
            StringAssert.Contains(report, step);
        }

        using var receipt = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "receipt.json")));
        Assert.IsTrue(receipt.RootElement.GetProperty("passed").GetBoolean(), report);
        Assert.IsTrue(receipt.RootElement.GetProperty("production").GetProperty("sample").GetBoolean());
        var steps = receipt.RootElement.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("result").GetString());
        Assert.AreEqual("Passed", steps["smoke"], report);
        Assert.AreEqual("Passed", steps["failure-drill"], report);
        Assert.IsEmpty(Directory.GetDirectories(clusters), "both ephemeral servers were stopped and deleted");
    }

    [TestMethod]
    public async Task WithoutTheSamplesOwnMigrationsTheSchemaCheckFailsAndNamesTheNewMigrationCommands()
    {
        var clusters = TestPaths.NewFolder("root-run-bare");
        var artifacts = TestPaths.NewFolder("root-run-bare-artifacts") + "/";
        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Rehearse",
            new Dictionary<string, string> { ["PostgresClusterRoot"] = clusters, ["MigrationTasksArtifactsDirectory"] = artifacts, ["SampleMigrationsDirectory"] = "none" },
            cancellationToken: TestContext.CancellationToken);

        Assert.IsFalse(result.Succeeded, result.Log);
        Assert.AreEqual(1, result.Count("error MT0801"), result.Log);
        Assert.Contains("-p:MigrationTemplate=cleanup", result.Log);
        Assert.AreEqual(0, result.Count("The bundled sample's own migrations"), result.Log);
        var run = Directory.GetDirectories(Path.Combine(artifacts, "rehearsal")).Single();
        using var receipt = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "receipt.json")));
        Assert.IsFalse(receipt.RootElement.GetProperty("passed").GetBoolean());
        Assert.IsEmpty(Directory.GetDirectories(clusters), "both ephemeral servers were stopped and deleted");
    }

    [TestMethod]
    public async Task ABadSampleScaleIsMT0903BeforeAnyServerStarts()
    {
        var clusters = TestPaths.NewFolder("bad-scale");
        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Rehearse",
            new Dictionary<string, string> { ["PostgresClusterRoot"] = clusters, ["SampleScale"] = "ten" }, cancellationToken: TestContext.CancellationToken);

        Assert.IsFalse(result.Succeeded, result.Log);
        Assert.Contains("error MT0903", result.Log);
        Assert.Contains("SampleScale must be a whole number from 1 to 1000, not 'ten'", result.Log);
        Assert.IsEmpty(Directory.GetDirectories(clusters));
    }

    [TestMethod]
    public async Task ADesignTimeBuildNeverTouchesADatabase()
    {
        var clusters = TestPaths.NewFolder("design-time");
        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Rehearse",
            new Dictionary<string, string> { ["PostgresClusterRoot"] = clusters, ["DesignTimeBuild"] = "true" }, cancellationToken: TestContext.CancellationToken);

        Assert.IsFalse(result.Succeeded, result.Log);
        Assert.Contains("error MT0003", result.Log);
        Assert.DoesNotContain("ephemeral", result.Log);
        Assert.IsFalse(Directory.Exists(clusters) && Directory.GetDirectories(clusters).Length > 0);
    }

    [TestMethod]
    public async Task BuildingTheDatabaseProjectStartsNoServer()
    {
        var clusters = TestPaths.NewFolder("build-only");
        var result = await MSBuildRunner.RunAsync(Path.Combine(TestPaths.RepositoryRoot, "supabase", "trvl-social.proj"), "Build",
            new Dictionary<string, string> { ["PostgresClusterRoot"] = clusters }, cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(result.Succeeded, result.Log);
        Assert.DoesNotContain("ephemeral", result.Log);
        Assert.IsEmpty(Directory.GetDirectories(clusters));
    }

    [TestMethod]
    public Task CtrlCDuringTheBuildLeavesNoServerBehind() => InterruptWhileServerRunsAsync(kill: false);

    [TestMethod]
    public Task KillingTheBuildLeavesNoServerBehind() => InterruptWhileServerRunsAsync(kill: true);

    /// <summary>
    /// Starts Rehearse with a production URL that points at a port which accepts connections and never answers,
    /// so the build is reliably stuck with its staging server up; then interrupts it (SIGINT, as Ctrl+C) or kills it.
    /// No server and no cluster folder may remain.
    /// </summary>
    private async Task InterruptWhileServerRunsAsync(bool kill)
    {
        using var tarpit = new TcpListener(IPAddress.Loopback, 0);
        tarpit.Start();
        var port = ((IPEndPoint)tarpit.LocalEndpoint).Port;
        var clusters = TestPaths.NewFolder(kill ? "killed" : "interrupted");
        using var interrupt = new CancellationTokenSource();
        using var killer = CancellationTokenSource.CreateLinkedTokenSource(TestContext.CancellationToken);
        var run = MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Rehearse",
            new Dictionary<string, string> { ["PostgresClusterRoot"] = clusters },
            environment: new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = $"postgres://app:pw@127.0.0.1:{port}/prod?connect_timeout=120" },
            cancellationToken: killer.Token, interrupt: interrupt.Token);

        // The task connects to production only after its staging server is up.
        using var stuck = await tarpit.AcceptTcpClientAsync(TestContext.CancellationToken);
        var pidFile = Directory.EnumerateFiles(clusters, "postmaster.pid", SearchOption.AllDirectories).Single();
        var postmaster = int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture);
        Assert.IsTrue(Servers.LocalClusterTests.IsAlive(postmaster));

        if (kill)
        {
            await killer.CancelAsync();
        }
        else
        {
            await interrupt.CancelAsync();
        }

        try
        {
            var result = await run;
            Assert.IsFalse(result.Succeeded, result.Log);
        }
        catch (OperationCanceledException)
        {
            // expected when the build is killed
        }

        Assert.IsTrue(
            await Servers.LocalClusterTests.EventuallyAsync(() => !Servers.LocalClusterTests.IsAlive(postmaster) && Directory.GetDirectories(clusters).Length == 0, seconds: 30),
            $"server {postmaster} or its folder under {clusters} survived the {(kill ? "kill" : "interrupt")}");
    }
}
