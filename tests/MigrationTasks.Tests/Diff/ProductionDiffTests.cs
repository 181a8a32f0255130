using MigrationTasks.Diff;
using MigrationTasks.Diff.Align;
using MigrationTasks.Diff.Desired;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Tests.Diff;

/// <summary>
/// The diff of a production built from the v3 migrations and changed by hand, through the engine as the Diff
/// target runs it: drift and security findings, pending migrations left out, the script and the align migration.
/// </summary>
[TestClass]
public sealed class ProductionDiffTests
{
    /// <summary>Hand-made changes of the kinds a dashboard makes (as supabase/README.md lists them for the sample).</summary>
    private const string HandChanges = """
        alter table public.profiles add column instagram_handle text;
        update public.profiles set instagram_handle = '@x';
        drop index public.bookings_adventure_id_idx;
        alter table public.adventures alter column currency set default 'USD'::bpchar;
        alter policy "Authors update their reviews" on public.reviews using (author_id = auth.uid()) with check (true);
        create or replace function public.set_updated_at() returns trigger language plpgsql set search_path = ''
          as $$ begin new.updated_at := pg_catalog.clock_timestamp(); return new; end; $$;
        alter table public.follows disable row level security;
        grant execute on function public.create_booking(uuid, daterange, integer) to anon;
        alter view public.adventure_cards reset (security_invoker);
        create table public.v1_users (id serial primary key, email text);
        """;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task DriftAndSecurityAreFoundTheScriptConvergesAndTheAlignMigrationIsANoOpOnAFreshDatabase()
    {
        await using var production = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        await production.ExecuteAsync(HandChanges);
        await using var fresh = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        var folder = TestPaths.NewFolder("production-diff");

        var result = await DiffAsync(production, folder, allowDestructive: true);

        string[] Keys(DiffBucket bucket) => [.. result.Report.Diff.Changes.Where(c => c.Bucket == bucket).Select(c => c.Key).Distinct().Order(StringComparer.Ordinal)];
        CollectionAssert.AreEquivalent(new[]
        {
            "column \"public\".\"profiles\".\"instagram_handle\"",
            "default \"public\".\"adventures\".\"currency\"",
            "function \"public\".\"set_updated_at\"()",
            "index \"public\".\"bookings_adventure_id_idx\"",
        }, Keys(DiffBucket.Drift), string.Join("\n", result.Report.Diff.Changes));
        CollectionAssert.AreEquivalent(new[]
        {
            "function \"public\".\"create_booking\"(uuid, daterange, integer)",
            "policy \"public\".\"reviews\".\"Authors update their reviews\"",
            "table \"public\".\"follows\"",
            "view \"public\".\"adventure_cards\"",
        }, Keys(DiffBucket.Security), string.Join("\n", result.Report.Diff.Changes));
        Assert.AreEqual("public.v1_users", result.Report.Legacy.Single(l => l.Object is MigrationTasks.Catalog.Model.TableObject).Object.DisplayName);

        // The align migration, rendered from diff.json as the align template renders it.
        var align = Path.Combine(folder, "align.sql");
        await File.WriteAllTextAsync(align, AlignRenderer.Render(AlignModel.FromReport(result.JsonPath)), TestContext.CancellationToken);
        NpgsqlConnection.ClearAllPools();
        await using var alignedProduction = await TestServer.CreateDatabaseAsync(production.Name);
        var freshBefore = await DumpAsync(fresh);
        await RunMigrationAsync(alignedProduction, align);
        await RunMigrationAsync(fresh, align);
        await RunMigrationAsync(alignedProduction, align);
        Assert.AreEqual(freshBefore, await DumpAsync(fresh), "the align migration changes nothing on a database the migrations built");
        Assert.IsTrue((await DiffAsync(alignedProduction, TestPaths.NewFolder("aligned"), allowDestructive: true)).Report.Passed, "the align migration fixed the drift");

        // The script itself converges production too.
        await PostgresTool.RunPsqlFileAsync(TestServer.Server.Binaries!, production.Connection, result.ScriptPath, null, TestContext.CancellationToken);
        var again = await DiffAsync(production, TestPaths.NewFolder("again"), allowDestructive: true);
        Assert.IsTrue(again.Report.Passed, string.Join("\n", again.Report.Diff.Changes));
        Assert.AreEqual(1L, await production.ScalarAsync<long>("select count(*) from pg_tables where tablename = 'v1_users'"));
    }

    [TestMethod]
    public async Task MigrationsProductionHasNotAppliedArePendingNotDrift()
    {
        await using var production = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        var files = TestTemplates.MigrationFiles;
        var applied = files.Take(files.Count - 2).ToList();
        await TestTemplates.ApplyMigrationsAsync(production.Connection, applied, TestContext.CancellationToken);
        await production.ExecuteAsync("create schema supabase_migrations; create table supabase_migrations.schema_migrations (version text primary key, statements text[], name text);");
        foreach (var file in applied)
        {
            await production.ExecuteAsync($"insert into supabase_migrations.schema_migrations (version, name) values ('{MigrationTasks.Migrations.MigrationVersion.FilePattern().Match(Path.GetFileName(file)).Groups[1].Value}', 'x')");
        }

        var result = await DiffAsync(production, TestPaths.NewFolder("pending"), allowDestructive: false);

        Assert.IsTrue(result.Report.Passed, string.Join("\n", result.Report.Diff.Changes));
        CollectionAssert.AreEqual(files.Skip(files.Count - 2).Select(Path.GetFileName).ToList(), result.Report.PendingMigrations.ToList());
        Assert.Contains("Pending migrations", await File.ReadAllTextAsync(result.MarkdownPath, TestContext.CancellationToken));
    }

    private Task<DiffResult> DiffAsync(TestDatabase production, string folder, bool allowDestructive) =>
        DiffHarness.RunAsync(production, folder, allowDestructive, TestContext.CancellationToken);

    /// <summary>A migration file as ApplyMigrations and the Supabase CLI run it: one transaction.</summary>
    private async Task RunMigrationAsync(TestDatabase database, string file) =>
        await PostgresTool.RunAsync(TestServer.Server.Binaries!, "psql", database.Connection, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", file], TestContext.CancellationToken);

    private async Task<string> DumpAsync(TestDatabase database)
    {
        NpgsqlConnection.ClearAllPools();
        return string.Join("\n", (await PostgresTool.RunAsync(TestServer.Server.Binaries!, "pg_dump", database.Connection, ["--schema-only"], TestContext.CancellationToken))
            .StandardOutput.Split('\n').Where(l => !l.StartsWith("\\restrict", StringComparison.Ordinal) && !l.StartsWith("\\unrestrict", StringComparison.Ordinal)));
    }
}
