using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MigrationTasks.Conformance;
using MigrationTasks.Connections;

namespace MigrationTasks.Benchmarks.Peers;

/// <summary>
/// One resident Node.js process (peer-driver.mjs) that runs the peer differs in-process, as our engine runs in
/// ours: the figures are the differs' work, not Node's start-up. Requests are JSON lines with an id, so several
/// may be in flight. Connections reach Node as URLs without the password; the libpq variables of the server's
/// connection (PGPASSWORD among them) go through the child's environment.
/// </summary>
public sealed class PeerDriver : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _nextId;

    private PeerDriver(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAnswersAsync);
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                // Keep only the tail: the tools print progress for every plan.
                if (_stderr.Length > 8192)
                {
                    _stderr.Remove(0, _stderr.Length - 4096);
                }

                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    public static PeerDriver Start(PeerInstall install, DatabaseConnection server)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "peer-driver.mjs");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = install.Folder!,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(install.Folder!);
        foreach (var (name, value) in server.LibpqEnvironment())
        {
            start.Environment[name] = value;
        }

        // Node's pg driver has no "prefer": it reads any mode but "disable" as "SSL or nothing". The benchmark's servers
        // are throwaway local ones without SSL, so "prefer" and "allow" mean no SSL here, as libpq would settle on.
        if (start.Environment.TryGetValue("PGSSLMODE", out var mode) && mode is "prefer" or "allow")
        {
            start.Environment["PGSSLMODE"] = "disable";
        }

        return new PeerDriver(Process.Start(start)!);
    }

    /// <summary>The tool's scripts from <paramref name="source"/> to <paramref name="target"/>; none when it sees no difference.</summary>
    public async Task<IReadOnlyList<ScriptFile>> PlanAsync(string tool, DatabaseConnection source, DatabaseConnection target, string fileBase, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var request = new JsonObject
        {
            ["id"] = id,
            ["tool"] = tool,
            ["op"] = "plan",
            ["source"] = Url(source),
            ["target"] = Url(target),
            ["out"] = fileBase,
        };
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _process.StandardInput.WriteLineAsync(request.ToJsonString());
            await _process.StandardInput.FlushAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }

        var result = await answer.Task.WaitAsync(cancellationToken);
        if (result["ok"]?.GetValue<bool>() != true)
        {
            string tail;
            lock (_stderr)
            {
                tail = _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
            }

            throw new InvalidOperationException($"{tool}: {result["error"]} {tail}".Trim());
        }

        return result["files"]!.AsArray()
            .Select(f => new ScriptFile(f!["path"]!.GetValue<string>(), f["transactional"]!.GetValue<bool>()))
            .ToList();
    }

    /// <summary>A libpq URL without the password (Node's pg driver reads PGPASSWORD from the environment).</summary>
    public static string Url(DatabaseConnection connection)
    {
        var host = connection.Host.Contains(':', StringComparison.Ordinal) ? $"[{connection.Host}]" : connection.Host;
        return string.Create(CultureInfo.InvariantCulture,
            $"postgres://{Uri.EscapeDataString(connection.Username)}@{host}:{connection.Port}/{Uri.EscapeDataString(connection.Database)}");
    }

    private async Task ReadAnswersAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (JsonNode.Parse(line) is JsonObject answer && _pending.TryRemove(answer["id"]!.GetValue<int>(), out var waiting))
            {
                waiting.SetResult(answer);
            }
        }

        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetException(new InvalidOperationException("The Node.js peer driver exited."));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill(entireProcessTree: true);
        }

        await _reader;
        _process.Dispose();
        _writeLock.Dispose();
    }
}
