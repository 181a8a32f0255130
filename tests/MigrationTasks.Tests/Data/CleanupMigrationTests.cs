using MigrationTasks.Common;
using MigrationTasks.Errors;
using MigrationTasks.Migrations;
using MigrationTasks.Templates;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Data;

/// <summary>The generated cleanup: every listed v1 object goes, nothing v3 does; a v3 object depending on v1 stops it.</summary>
[TestClass]
public sealed class CleanupMigrationTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>Every object of the user schemas, by an independent catalog query (not the one the cleanup uses).</summary>
    private static Task<List<string>> ObjectsAsync(TestDatabase database) => database.ColumnAsync<string>("""
        SELECT 'relation ' || c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('public', 'auth', 'migration_keymap', 'supabase_migrations', 'extensions') AND c.relkind <> 't'
        UNION ALL SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('public', 'auth', 'migration_keymap', 'extensions')
        UNION ALL SELECT 'type ' || t.oid::regtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname IN ('public', 'auth', 'migration_keymap') AND t.typtype IN ('e', 'd', 'c', 'r') AND t.typrelid = 0
        UNION ALL SELECT 'trigger ' || tg.tgname || ' on ' || tg.tgrelid::regclass::text FROM pg_trigger tg WHERE NOT tg.tgisinternal
        UNION ALL SELECT 'policy ' || pol.polname || ' on ' || pol.polrelid::regclass::text FROM pg_policy pol
        UNION ALL SELECT 'constraint ' || con.conname || ' on ' || con.conrelid::regclass::text FROM pg_constraint con WHERE con.conrelid <> 0
        ORDER BY 1
        """);

    /// <summary>A v1 object (or one of the data migration's v1_* helpers): its name, or for a constraint its table, starts with v1_.</summary>
    private static bool IsV1(string identity) => identity.StartsWith("constraint ", StringComparison.Ordinal)
        ? identity.Contains(" on v1_", StringComparison.Ordinal) || identity.Contains(" on public.v1_", StringComparison.Ordinal)
        : identity.Contains("v1_", StringComparison.Ordinal) && !identity.StartsWith("relation migration_keymap.", StringComparison.Ordinal);

    [TestMethod]
    public async Task TheCleanupDropsEveryV1ObjectAndNoV3ObjectAndRunsTwice()
    {
        var built = await MigratedSample.GetAsync();
        await using var database = await MigratedSample.CopyAsync();
        var before = await ObjectsAsync(database);

        await TestTemplates.ApplyMigrationsAsync(database.Connection, [built.CleanupFile, built.CleanupFile], TestContext.CancellationToken);

        var after = await ObjectsAsync(database);
        var gone = before.Except(after).ToList();
        var v3Gone = gone.Where(g => !IsV1(g)).ToList();
        Assert.IsEmpty(v3Gone, "no v3 object disappears: " + string.Join(", ", v3Gone));
        Assert.IsEmpty(after.Where(a => a.Contains("v1_", StringComparison.Ordinal) && !a.Contains("migration_keymap", StringComparison.Ordinal)).ToList(), "every v1 object is gone");
        foreach (var name in new[] { "public.v1_users", "public.v1_bookings", "public.v1_booking_summary", "public.v1_booking_ref_seq", "public.v1_users_id_seq" })
        {
            Assert.IsTrue(gone.Contains("relation " + name) || gone.Contains("relation " + name.Replace("public.", "", StringComparison.Ordinal)), name);
        }

        Assert.AreEqual(0L, await database.ScalarAsync<long>("SELECT count(*) FROM pg_type WHERE typname = 'v1_user_role'"));
        Assert.AreEqual(0L, await database.ScalarAsync<long>("SELECT count(*) FROM pg_proc WHERE proname LIKE 'v1\\_%'"), "v1 functions and the data migration's helpers");
        Assert.IsGreaterThan(1000L, await database.ScalarAsync<long>("SELECT count(*) FROM migration_keymap.users"), "the key maps stay");
        Assert.IsGreaterThan(20000L, await database.ScalarAsync<long>("SELECT count(*) FROM public.bookings"));
    }

    [TestMethod]
    public async Task AV3ViewOverAV1TableStopsTheCleanupBeforeAnyFileIsWritten()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        await database.ExecuteAsync("CREATE VIEW public.booking_report AS SELECT id, status FROM public.v1_bookings");
        var folder = TestPaths.NewFolder("cleanup-refused");

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => MigrationGenerator.GenerateAsync(new GenerateOptions
        {
            Name = "cleanup_v1_artifacts",
            Template = "cleanup",
            SupabaseDirectory = TestTemplates.SupabaseDirectory,
            MigrationsDirectory = folder,
            ArtifactsDirectory = TestPaths.NewFolder("artifacts"),
            OpenDatabase = _ => Task.FromResult(new TemplateDatabase(database.Connection, "the sample with a v3 view on v1")),
        }, NullEngineLog.Instance, TestContext.CancellationToken));

        Assert.AreEqual("MT0514", error.Code, error.ToString());
        Assert.Contains("booking_report", error.Message);
        Assert.IsEmpty(Directory.GetFiles(folder));
        Assert.AreEqual(1L, await database.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname IN ('booking_report')"), "the rehearsal was rolled back");
    }
}
