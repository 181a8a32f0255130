using MigrationTasks.Backup;
using MigrationTasks.Common;
using MigrationTasks.Data.Spec;
using MigrationTasks.Rehearsal.Checks;
using MigrationTasks.Security;
using MigrationTasks.Diff.Classification;
using MigrationTasks.Migrations;
using MigrationTasks.Rehearsal;
using MigrationTasks.Servers;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Migrations;

namespace MigrationTasks.Tests.Rehearsal;

/// <summary>Rehearsals on the test server: production is a test database, the clones are created beside it.</summary>
internal static class RehearsalHarness
{
    public static string SupabaseDirectory => Path.Combine(TestPaths.RepositoryRoot, "supabase");

    /// <summary>The align, data and cleanup migrations generated for the sample production (supabase/sample/migrations).</summary>
    public static string Fixtures => Path.Combine(TestPaths.RepositoryRoot, "supabase", "sample", "migrations");

    /// <summary>With the data validation (supabase/v1_to_v3.yaml, seed 1) and the policy matrix, as the target runs them.</summary>
    public static RehearsalOptions WithChecks(RehearsalOptions options) => options with
    {
        DataValidation = new DataValidationCheck(MappingSpecLoader.Load(Path.Combine(SupabaseDirectory, "v1_to_v3.yaml")), 1),
        Checks =
        [
            new PolicyCheck(new PolicyVerificationOptions
            {
                MatrixFile = Path.Combine(SupabaseDirectory, "tests", "policies.yaml"),
                AcceptanceFile = Path.Combine(SupabaseDirectory, "tests", "lint-accepted.yaml"),
                ConfigFile = Path.Combine(SupabaseDirectory, "config.toml"),
            }, TestPaths.RepositoryRoot, null),
        ],
    };

    /// <summary>A copy of supabase/migrations plus <paramref name="extra"/> files (name → SQL).</summary>
    public static string Migrations(string name, params (string File, string Sql)[] extra)
    {
        var folder = TestPaths.NewFolder(name + "-migrations");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(SupabaseDirectory, "migrations"), "*.sql"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        foreach (var (file, sql) in extra)
        {
            File.WriteAllText(Path.Combine(folder, file), sql);
        }

        return folder;
    }

    /// <summary>
    /// A v3 production: the Supabase layer and every committed migration, applied by the runner (history recorded);
    /// with <paramref name="withUsers"/>, three confirmed users (the smoke flows, which Rehearse and Migrate run, sign in as them).
    /// </summary>
    public static async Task<TestDatabase> V3ProductionAsync(bool withUsers = false)
    {
        var database = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        var set = MigrationSet.Load(Path.Combine(SupabaseDirectory, "migrations"), NullEngineLog.Instance);
        var report = await MigrationRunner.ApplyAsync(database.Connection, set, new ApplyOptions(), NullEngineLog.Instance, CancellationToken.None);
        Assert.IsNull(report.Failure, report.Failure?.Message);

        if (!withUsers)
        {
            return database;
        }

        // Three confirmed users, as any production has (the sign-up trigger gives each a profile).
        await database.ExecuteAsync("""
            insert into auth.users (id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
            select gen_random_uuid(), 'authenticated', 'authenticated', format('user%s@rehearsal.trvl.invalid', n), now(),
                   '{"provider":"email","providers":["email"]}', jsonb_build_object('username', format('rehearsal_user_%s', n), 'full_name', format('Rehearsal User %s', n)),
                   now() + make_interval(secs => n), now()
            from generate_series(1, 3) as n
            """);
        return database;
    }

    public static RehearsalOptions Options(TestDatabase production, string migrations, string name) => new()
    {
        Production = production.Connection,
        ProductionLabel = $"test production {production.Name}",
        Staging = TestServer.Server.Connection,
        SupabaseDirectory = SupabaseDirectory,
        MigrationsDirectory = migrations,
        ReportDirectory = Path.Combine(TestPaths.NewFolder(name), "rehearsal"),
        CacheDirectory = Path.Combine(TestPaths.RunRoot, "rehearsal-cache"),
        Backup = new BackupOptions { Root = Path.Combine(TestPaths.NewFolder(name + "-backups")), Label = "production", Jobs = 2 },
        RestoreJobs = 2,
        ShadowServer = new ServerRequest { Existing = TestServer.Server.Connection },
        DiffConfig = DiffConfig.Load(Path.Combine(SupabaseDirectory, "diff.toml")),
    };

    public static async Task<(RehearsalResult Result, TestLog Log)> RunAsync(RehearsalOptions options)
    {
        var log = new TestLog();
        var result = await RehearsalRunner.RunAsync(options, log, CancellationToken.None);
        return (result, log);
    }

    public static StepResult Step(this RehearsalResult result, string name) =>
        result.Receipt.Steps.SingleOrDefault(s => s.Name == name) ?? throw new AssertFailedException($"no step {name}: {string.Join(", ", result.Receipt.Steps.Select(s => s.Name))}");
}
