using MigrationTasks.Common;
using MigrationTasks.Diff;
using MigrationTasks.Diff.Classification;
using MigrationTasks.Diff.Desired;
using MigrationTasks.Servers;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Diff;

/// <summary>A diff as the Diff target runs it, with the shadow database on the test server and a per-run cache.</summary>
internal static class DiffHarness
{
    public static Task<DiffResult> RunAsync(TestDatabase production, string folder, bool allowDestructive, CancellationToken cancellationToken, string? supabase = null)
    {
        supabase ??= TestTemplates.SupabaseDirectory;
        return DiffRunner.RunAsync(new DiffRequest
        {
            From = production.Connection.With(b => b.Pooling = false),
            ToMigrations = new ShadowRequest
            {
                MigrationsDirectory = Path.Combine(supabase, "migrations"),
                LayerScript = Path.Combine(supabase, "sample", "supabase_layer.sql"),
                Server = new ServerRequest { Existing = TestServer.Server.Connection },
                CacheDirectory = Path.Combine(TestPaths.RunRoot, "shadow-cache"),
            },
            Options = new DiffOptions { AllowDestructive = allowDestructive },
            Profile = DiffProfile.Supabase,
            Config = DiffConfig.Load(Path.Combine(supabase, "diff.toml")),
            ScriptPath = Path.Combine(folder, "prod_diff.sql"),
        }, NullEngineLog.Instance, cancellationToken);
    }

    /// <summary>The database as a postgres:// URL, for the connection variables of an MSBuild run.</summary>
    public static string Url(TestDatabase database)
    {
        var c = database.Connection;
        return $"postgres://{c.Username}:{Uri.EscapeDataString(c.Password ?? "")}@{c.Host}:{c.Port}/{c.Database}";
    }
}
