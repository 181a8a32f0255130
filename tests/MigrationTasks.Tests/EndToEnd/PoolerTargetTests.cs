using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.EndToEnd;

/// <summary>ConfigurePooler as a user runs it, on a copy of the project's config.toml.</summary>
[TestClass]
[DoNotParallelize]
public sealed class PoolerTargetTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ConfigurePoolerWritesTheComputedSizesAndKeepsTheRestOfTheFile()
    {
        var supabase = TestPaths.NewFolder("supabase") + "/";
        var original = await File.ReadAllTextAsync(Path.Combine(TestTemplates.SupabaseDirectory, "config.toml"), TestContext.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(supabase, "config.toml"), original, TestContext.CancellationToken);

        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "ConfigurePooler", new Dictionary<string, string>
        {
            ["SupabaseDirectory"] = supabase,
            ["PoolerMaxConnections"] = "90",
            ["PoolerReservedConnections"] = "20",
            ["PoolerConcurrentRequests"] = "40",
        }, cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(result.Succeeded, result.Log);
        Assert.Contains("default_pool_size = min(70, 40 concurrent requests) = 40", result.Log);
        var written = await File.ReadAllTextAsync(Path.Combine(supabase, "config.toml"), TestContext.CancellationToken);
        var expected = original.Replace("[db.pooler]\nenabled = false", "[db.pooler]\nenabled = true", StringComparison.Ordinal)
            .Replace("default_pool_size = 20", "default_pool_size = 40", StringComparison.Ordinal)
            .Replace("max_client_conn = 100", "max_client_conn = 60", StringComparison.Ordinal);
        Assert.AreEqual(expected, written);
    }

    [TestMethod]
    public async Task AMissingSettingIsAnErrorAndTheFileIsUntouched()
    {
        var supabase = TestPaths.NewFolder("supabase") + "/";
        await File.WriteAllTextAsync(Path.Combine(supabase, "config.toml"), "[db]\nport = 1\n", TestContext.CancellationToken);

        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "ConfigurePooler",
            new Dictionary<string, string> { ["SupabaseDirectory"] = supabase, ["PoolerMaxConnections"] = "60" }, cancellationToken: TestContext.CancellationToken);

        Assert.IsFalse(result.Succeeded, result.Log);
        Assert.Contains("error MT0722", result.Log);
        Assert.Contains("PoolerReservedConnections", result.Log);
        Assert.AreEqual("[db]\nport = 1\n", await File.ReadAllTextAsync(Path.Combine(supabase, "config.toml"), TestContext.CancellationToken));
    }
}
