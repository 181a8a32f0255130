using System.Collections.Concurrent;
using MigrationTasks.Common;

namespace MigrationTasks.Tests.Migrations;

/// <summary>An engine log that keeps every line, for assertions.</summary>
public sealed class TestLog : IEngineLog
{
    private readonly ConcurrentQueue<string> _lines = new();

    public List<(string Code, string Message)> Warnings { get; } = [];

    public string Text => string.Join(Environment.NewLine, _lines);

    public void Info(string message) => _lines.Enqueue("info: " + message);

    public void Detail(string message) => _lines.Enqueue("detail: " + message);

    public void Warning(string code, string message)
    {
        lock (Warnings)
        {
            Warnings.Add((code, message));
        }

        _lines.Enqueue($"warning {code}: {message}");
    }

    public bool HasWarning(string code)
    {
        lock (Warnings)
        {
            return Warnings.Any(w => w.Code == code);
        }
    }
}
