using MigrationTasks.Backup;
using MigrationTasks.Common;
using MigrationTasks.Servers;
using MigrationTasks.Tests.Infrastructure;
using Npgsql;

namespace MigrationTasks.Tests.Backup;

/// <summary>
/// A Supabase-style production (the compatibility layer, the v3 migrations, users and their data, the CLI's history)
/// cloned into another, brand-new PostgreSQL server: the roles it references do not exist there yet.
/// </summary>
[TestClass]
public sealed class CloneTests
{
    /// <summary>Data for the migrated v3 schema; the sign-up trigger makes the profiles, the follow trigger the notifications.</summary>
    public const string SupabaseDataSql = """
        INSERT INTO auth.users (id, email, raw_user_meta_data, created_at)
        SELECT gen_random_uuid(), 'user' || g || '@example.com', jsonb_build_object('full_name', 'User ' || g), timestamptz '2024-01-01 00:00:00+00' + g * interval '1 day'
        FROM generate_series(1, 60) g;
        WITH numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM public.profiles)
        INSERT INTO public.follows (follower_id, followee_id)
        SELECT a.id, b.id FROM numbered a JOIN numbered b ON b.n = a.n % 60 + 1;
        CREATE SCHEMA supabase_migrations;
        CREATE TABLE supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text);
        INSERT INTO supabase_migrations.schema_migrations (version, name) VALUES ('20230306094512', 'extensions_and_types'), ('20240702141500', 'notification_preferences');
        """;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ASupabaseStyleProductionClonesFaithfullyIntoANewServer()
    {
        await using var production = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        await production.ExecuteAsync(SupabaseDataSql);
        var binaries = TestServer.Server.Binaries;
        if (binaries is not { HasServer: true })
        {
            Assert.Inconclusive("Not run: no local PostgreSQL server binaries for a second server.");
        }

        await using var staging = await LocalCluster.StartAsync(new LocalClusterOptions { Installation = binaries, Root = TestPaths.ClusterRoot }, NullEngineLog.Instance,
            TestContext.CancellationToken);
        var log = new RecordingLog();
        var report = TestPaths.NewFolder("clone");

        var clone = await DatabaseClone.CloneAsync(production.Connection, staging.Connection.WithDatabase(production.Name), new CloneOptions
        {
            Backup = BackupFixtures.Options(TestPaths.NewFolder("backups")) with { ChecksumTables = 4 },
            Restore = BackupFixtures.RestoreOptions(report) with { CreateDatabase = true },
        }, log, TestContext.CancellationToken);

        Assert.IsTrue(clone.Restore.Fidelity.Passed, clone.Restore.Fidelity.FailureSummary + "\n" + log.Text);
        Assert.IsTrue(File.Exists(Path.Combine(report, "clone.json")));
        foreach (var role in new[] { "anon", "authenticated", "service_role", "authenticator", "supabase_auth_admin" })
        {
            CollectionAssert.Contains(clone.Restore.CreatedRoles.ToList(), role, log.Text);
        }

        CollectionAssert.Contains(clone.Restore.Plan.SchemasToCreate.ToList(), "extensions", "the schema the default mode leaves out, made for pgcrypto and pg_trgm");
        Assert.IsTrue(log.Lines.Any(l => l.Contains("Roles created without a password", StringComparison.Ordinal) && l.Contains("authenticator", StringComparison.Ordinal)), log.Text);

        await using var connection = new NpgsqlConnection(staging.Connection.WithDatabase(production.Name).ConnectionString);
        await connection.OpenAsync(TestContext.CancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM public.profiles), (SELECT count(*) FROM public.notifications), (SELECT count(*) FROM supabase_migrations.schema_migrations), " +
            "(SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role'), has_table_privilege('anon', 'public.profiles', 'SELECT')", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.CancellationToken);
        await reader.ReadAsync(TestContext.CancellationToken);
        Assert.AreEqual(60L, reader.GetInt64(0));
        Assert.AreEqual(60L, reader.GetInt64(1), "notifications are data, not made again by the trigger");
        Assert.AreEqual(2L, reader.GetInt64(2), "the migration history came along");
        Assert.IsTrue(reader.GetBoolean(3), "roles keep their attributes");
        Assert.IsTrue(reader.GetBoolean(4), "grants to the API roles came along");
    }
}
