using System.Text.Json;
using MigrationTasks.Tests.Diff;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tools;

namespace MigrationTasks.Tests.EndToEnd;

/// <summary>`dotnet msbuild -t:Diff` as users run it: a production with drift against supabase/migrations.</summary>
[TestClass]
[DoNotParallelize]
public sealed class DiffTargetTests
{
    private const string Drift = """
        alter table public.profiles add column nickname text;
        drop index public.adventures_tags_idx;
        alter table public.adventures alter column max_group_size set default 20;
        alter table public.follows disable row level security;
        alter policy "Authors update their reviews" on public.reviews using (true);
        create table public.v1_users (id serial primary key, email text);
        """;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ItWritesTheScriptAndBothReportsReusesTheDesiredSchemaAndTheScriptConverges()
    {
        await using var production = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        await production.ExecuteAsync(Drift);
        var artifacts = TestPaths.NewFolder("diff-artifacts");
        var environment = new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = DiffHarness.Url(production) };
        var properties = new Dictionary<string, string> { ["MigrationTasksArtifactsDirectory"] = artifacts + "/" };

        var first = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Diff", properties, environment, cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(first.Succeeded, first.Log);
        Assert.AreEqual(1, first.Count("migrations to a shadow database"), first.Log);
        var folder = Path.Combine(artifacts, "diff");
        var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "diff.json"), TestContext.CancellationToken)).RootElement;
        Assert.IsFalse(json.GetProperty("passed").GetBoolean());
        Assert.AreEqual(3, json.GetProperty("summary").GetProperty("drift").GetInt32(), first.Log);
        Assert.AreEqual(2, json.GetProperty("summary").GetProperty("security").GetInt32(), first.Log);
        Assert.AreEqual(2, json.GetProperty("summary").GetProperty("legacy").GetInt32(), "v1_users and its sequence");
        var script = await File.ReadAllTextAsync(Path.Combine(folder, "prod_diff.sql"), TestContext.CancellationToken);
        var markdown = await File.ReadAllTextAsync(Path.Combine(folder, "diff.md"), TestContext.CancellationToken);
        Assert.Contains("-- ALTER TABLE \"public\".\"profiles\" DROP COLUMN \"nickname\";", script, "destructive: commented out");
        Assert.Contains("## Expected legacy objects (2)", markdown);
        Assert.Contains("`public.v1_users`", markdown);
        var statements = string.Join("\n", script.Split('\n').Where(l => !l.StartsWith("--", StringComparison.Ordinal)));
        Assert.DoesNotContain("v1_users", statements, "legacy objects are listed, never dropped");
        foreach (var text in new[] { first.Log, script, markdown, json.GetRawText() })
        {
            Assert.DoesNotContain(production.Connection.Password!, text);
        }

        var second = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Diff", new Dictionary<string, string>(properties) { ["AllowDestructive"] = "true" }, environment,
            cancellationToken: TestContext.CancellationToken);
        Assert.IsTrue(second.Succeeded, second.Log);
        Assert.AreEqual(1, second.Count("unchanged since the last diff"), second.Log);
        Assert.AreEqual(0, second.Count("migrations to a shadow database"), second.Log);

        await PostgresTool.RunPsqlFileAsync(TestServer.Server.Binaries!, production.Connection, Path.Combine(folder, "prod_diff.sql"), null, TestContext.CancellationToken);
        var third = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Diff", new Dictionary<string, string>(properties) { ["FailOnDrift"] = "true" }, environment,
            cancellationToken: TestContext.CancellationToken);
        Assert.IsTrue(third.Succeeded, third.Log);
        Assert.IsTrue(JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "diff.json"), TestContext.CancellationToken)).RootElement.GetProperty("passed").GetBoolean(), third.Log);
        Assert.AreEqual(1L, await production.ScalarAsync<long>("select count(*) from pg_tables where tablename = 'v1_users'"), "legacy objects are not dropped");
    }

    [TestMethod]
    public async Task FailOnDriftFailsTheBuildAgainstADesiredDatabase()
    {
        await using var desired = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        await using var production = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        await production.ExecuteAsync("alter table public.follows disable row level security;");
        var artifacts = TestPaths.NewFolder("diff-fail");

        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Diff",
            new Dictionary<string, string> { ["MigrationTasksArtifactsDirectory"] = artifacts + "/", ["DiffTo"] = "DESIRED_DATABASE_URL", ["FailOnDrift"] = "true" },
            new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = DiffHarness.Url(production), ["DESIRED_DATABASE_URL"] = DiffHarness.Url(desired) },
            cancellationToken: TestContext.CancellationToken);

        Assert.IsFalse(result.Succeeded, result.Log);
        Assert.Contains("error MT0207", result.Log);
        Assert.AreEqual(0, result.Count("shadow database"), "the desired schema came from the database");
        Assert.Contains("ENABLE ROW LEVEL SECURITY", await File.ReadAllTextAsync(Path.Combine(artifacts, "diff", "prod_diff.sql"), TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task AMigrationThatFailsOnTheShadowIsMT0204WithItsFileAndLine()
    {
        await using var production = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        var supabase = TestPaths.NewFolder("broken-supabase");
        Directory.CreateDirectory(Path.Combine(supabase, "migrations"));
        var broken = Path.Combine(supabase, "migrations", "20240101000000_broken.sql");
        await File.WriteAllTextAsync(broken, "create table public.fine (id int);\n\ncreate tabel public.oops (id int);\n", TestContext.CancellationToken);

        var result = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Diff",
            new Dictionary<string, string> { ["MigrationTasksArtifactsDirectory"] = TestPaths.NewFolder("broken-artifacts") + "/", ["SupabaseDirectory"] = supabase + "/" },
            new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = DiffHarness.Url(production) },
            cancellationToken: TestContext.CancellationToken);

        Assert.IsFalse(result.Succeeded, result.Log);
        Assert.Contains($"{broken}(3): error MT0204", result.Log);
        Assert.Contains("syntax error at or near \"tabel\"", result.Log);
    }

    [TestMethod]
    public async Task BadSettingsAreCodedErrors()
    {
        var unset = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Diff",
            new Dictionary<string, string> { ["DiffFrom"] = "NO_SUCH_DIFF_VARIABLE" }, cancellationToken: TestContext.CancellationToken);
        Assert.IsFalse(unset.Succeeded, unset.Log);
        Assert.Contains("error MT0010", unset.Log);

        await using var production = await TestServer.CreateDatabaseAsync();
        var profile = await MSBuildRunner.RunAsync(TestPaths.RepositoryRoot, "Diff",
            new Dictionary<string, string> { ["DiffProfile"] = "heroku" },
            new Dictionary<string, string?> { ["PRODUCTION_DATABASE_URL"] = DiffHarness.Url(production) }, cancellationToken: TestContext.CancellationToken);
        Assert.IsFalse(profile.Succeeded, profile.Log);
        Assert.Contains("error MT0013", profile.Log);
        Assert.Contains("supabase or none", profile.Log);
    }
}
