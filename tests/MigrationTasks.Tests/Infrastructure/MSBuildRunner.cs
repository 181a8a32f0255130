using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace MigrationTasks.Tests.Infrastructure;

/// <summary>The outcome of one `dotnet msbuild` run; <see cref="Log"/> is the assertion message.</summary>
public sealed record MSBuildResult(int ExitCode, string Log)
{
    public bool Succeeded => ExitCode == 0;

    public int Count(string text)
    {
        var count = 0;
        for (var index = Log.IndexOf(text, StringComparison.Ordinal); index >= 0; index = Log.IndexOf(text, index + text.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

/// <summary>
/// Runs `dotnet msbuild` end to end through CliWrap, as a user would. Connections reach the child build through
/// environment variables only (MSBuild splits -p values on ';', and secrets must not be properties anyway).
/// </summary>
public static class MSBuildRunner
{
    /// <summary>
    /// Runs targets on <paramref name="project"/> (a project file, or a folder holding one solution) with the test's
    /// prebuilt task assembly unless <paramref name="useTestTaskAssembly"/> is false. Cancelling
    /// <paramref name="interrupt"/> sends SIGINT, as Ctrl+C in a terminal would; <paramref name="cancellationToken"/> kills.
    /// </summary>
    public static async Task<MSBuildResult> RunAsync(
        string project,
        string targets,
        IReadOnlyDictionary<string, string>? properties = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        IEnumerable<string>? extraArguments = null,
        bool useTestTaskAssembly = true,
        bool nodeReuse = false,
        CancellationToken cancellationToken = default,
        CancellationToken interrupt = default)
    {
        var arguments = new List<string> { "msbuild" };
        if (File.Exists(project))
        {
            arguments.Add(project);
        }

        arguments.AddRange([$"-t:{targets}", "-nologo", "-v:n", $"-nodeReuse:{(nodeReuse ? "true" : "false")}", "-clp:NoSummary;ForceNoAlign"]);
        var allProperties = new Dictionary<string, string>(properties ?? new Dictionary<string, string>());
        allProperties.TryAdd("PostgresClusterRoot", TestPaths.ClusterRoot);
        if (useTestTaskAssembly)
        {
            allProperties.TryAdd("MigrationTasksAssembly", TestPaths.TaskAssembly);
        }

        arguments.AddRange(allProperties.Select(p => $"-p:{p.Key}={p.Value}"));
        arguments.AddRange(extraArguments ?? []);

        var env = new Dictionary<string, string?>
        {
            // The test's own server must not leak into the child as its production or staging.
            ["PRODUCTION_DATABASE_URL"] = null,
            ["STAGING_DATABASE_URL"] = null,
            ["MSBUILDDISABLENODEREUSE"] = nodeReuse ? null : "1",
            ["DOTNET_CLI_UI_LANGUAGE"] = "en",
            ["MSBUILDTERMINALLOGGER"] = "off",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            env[key] = value;
        }

        var output = new StringBuilder();
        var result = await Cli.Wrap("dotnet")
            .WithArguments(arguments)
            .WithWorkingDirectory(File.Exists(project) ? Path.GetDirectoryName(project)! : project)
            .WithEnvironmentVariables(env)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(output))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(cancellationToken, interrupt);
        return new MSBuildResult(result.ExitCode, $"dotnet {string.Join(' ', arguments)}{Environment.NewLine}{output}");
    }
}
