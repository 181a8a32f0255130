using System.ComponentModel;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace MigrationTasks.Benchmarks.Peers;

/// <summary>
/// The peer differs from npm, installed by the benchmark into a temporary folder (<c>npm install --prefix</c>) and
/// deleted afterwards: they are never dependencies of the product. When npm, Node.js or a package is not available,
/// <see cref="NotRunReason"/> says why and the peers' figures print as "not run".
/// </summary>
public sealed class PeerInstall : IDisposable
{
    /// <summary>The engine behind <c>supabase db diff --use-pg-delta</c> (the newest release; "latest" is a 0.0.0 placeholder).</summary>
    public const string PgDelta = "@supabase/pg-delta@1.0.0-alpha.34";

    /// <summary>The default engine of <c>supabase db diff</c>.</summary>
    public const string Migra = "@pgkit/migra@0.6.1";

    private PeerInstall(string? folder, string? notRunReason)
    {
        Folder = folder;
        NotRunReason = notRunReason;
    }

    /// <summary>The install folder (holds node_modules), or null when not installed.</summary>
    public string? Folder { get; }

    /// <summary>Why the peers cannot run, or null when they can.</summary>
    public string? NotRunReason { get; }

    /// <summary>The installed versions, for the report ("@supabase/pg-delta 1.0.0-alpha.34, @pgkit/migra 0.6.1").</summary>
    public string Versions => Folder is null ? "" : string.Join(", ", new[] { "@supabase/pg-delta", "@pgkit/migra" }.Select(p => $"{p} {Version(p)}"));

    /// <summary>
    /// Installs both peers with <paramref name="npm"/> ("none" to skip, which reports the peers as not run).
    /// Never throws for a missing npm, Node.js or registry: the reason is returned instead.
    /// </summary>
    public static async Task<PeerInstall> InstallAsync(string npm, TextWriter log, CancellationToken cancellationToken)
    {
        if (npm == "none")
        {
            return new PeerInstall(null, "npm disabled with --npm none");
        }

        if (await VersionOfAsync("node", cancellationToken) is null)
        {
            return new PeerInstall(null, "Node.js (node) is not installed");
        }

        if (await VersionOfAsync(npm, cancellationToken) is not { } npmVersion)
        {
            return new PeerInstall(null, $"npm ({npm}) is not installed");
        }

        var folder = Path.Combine(Path.GetTempPath(), $"migrationtasks-bench-peers-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        log.WriteLine($"Installing {PgDelta} and {Migra} with npm {npmVersion} into {folder} (temporary) ...");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            var result = await Cli.Wrap(npm)
                .WithArguments(["install", "--prefix", folder, "--no-audit", "--no-fund", "--no-save", "--loglevel=error", PgDelta, Migra])
                .WithWorkingDirectory(folder)
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timeout.Token);
            if (result.ExitCode != 0)
            {
                Directory.Delete(folder, recursive: true);
                var why = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .FirstOrDefault(l => l.Contains("ERR", StringComparison.Ordinal)) ?? $"exit code {result.ExitCode}";
                return new PeerInstall(null, $"npm install failed: {why}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Directory.Delete(folder, recursive: true);
            return new PeerInstall(null, "npm install did not finish within 5 minutes (registry unreachable?)");
        }

        return new PeerInstall(folder, null);
    }

    private string Version(string package)
    {
        var manifest = Path.Combine(Folder!, "node_modules", package, "package.json");
        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        return json.RootElement.GetProperty("version").GetString()!;
    }

    private static async Task<string?> VersionOfAsync(string program, CancellationToken cancellationToken)
    {
        try
        {
            var result = await Cli.Wrap(program).WithArguments(["--version"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
            return result.ExitCode == 0 ? result.StandardOutput.Trim() : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (Folder is not null && Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
