using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MigrationTasks.Common;

namespace MigrationTasks.Tasks.Infrastructure;

/// <summary>The engine's log written to MSBuild: Info at normal importance, Detail at low; always redacted.</summary>
internal sealed class MSBuildEngineLog(Microsoft.Build.Utilities.Task task, SecretRedactor redactor) : IEngineLog
{
    private TaskLoggingHelper Log => task.Log;

    public void Info(string message) => Log.LogMessage(MessageImportance.Normal, "{0}", redactor.Redact(message));

    public void Detail(string message) => Log.LogMessage(MessageImportance.Low, "{0}", redactor.Redact(message));

    public void Warning(string code, string message) =>
        Log.LogWarning(null, code, null, null, 0, 0, 0, 0, "{0}", redactor.Redact(message));
}
