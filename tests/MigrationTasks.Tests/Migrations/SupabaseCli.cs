using CliWrap;
using CliWrap.Buffered;
using MigrationTasks.Connections;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Migrations;

/// <summary>
/// The real Supabase CLI (npm package "supabase", pinned in tools/supabase-cli, installed by .ci/run), run against a
/// test database. The password reaches it through PGPASSWORD, never the command line.
/// </summary>
public static class SupabaseCli
{
    public const string Variable = "MIGRATIONTASKS_SUPABASE_CLI";

    /// <summary>The CLI's entry point, or null when it is not installed.</summary>
    public static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var installed = Path.Combine(TestPaths.RepositoryRoot, "tools", "supabase-cli", "node_modules", ".bin", "supabase");
        return File.Exists(installed) ? installed : null;
    }

    /// <summary>The CLI, or the test reported as not run (never as passed).</summary>
    public static string Require() =>
        Find() ?? throw new AssertInconclusiveException(
            "Not run: the Supabase CLI is not installed. Run `npm ci --prefix tools/supabase-cli` (.ci/run does), or set " + Variable + ".");

    /// <summary>Runs the CLI in <paramref name="project"/> (a folder holding supabase/migrations) against a database.</summary>
    public static async Task<BufferedCommandResult> RunAsync(string project, DatabaseConnection database, CancellationToken cancellationToken, params string[] arguments)
    {
        var url = $"postgres://{Uri.EscapeDataString(database.Username)}@{database.Host}:{database.Port}/{Uri.EscapeDataString(database.Database)}?sslmode=disable";
        return await Cli.Wrap(Require())
            .WithArguments([.. arguments, "--db-url", url])
            .WithWorkingDirectory(project)
            .WithEnvironmentVariables(new Dictionary<string, string?>
            {
                ["PGPASSWORD"] = database.Password,
                ["SUPABASE_YES"] = "true",
                ["DO_NOT_TRACK"] = "1",
                ["SUPABASE_TELEMETRY_DISABLED"] = "1",
                ["NO_COLOR"] = "1",
            })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);
    }
}
