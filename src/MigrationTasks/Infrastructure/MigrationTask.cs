using Microsoft.Build.Framework;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Errors;

namespace MigrationTasks.Tasks.Infrastructure;

/// <summary>
/// The base of every MigrationTasks task. <see cref="Execute"/> runs <see cref="ExecuteCoreAsync"/> and turns
/// what it throws into coded MSBuild errors; it returns <c>!Log.HasLoggedErrors</c>. Everything logged passes
/// through a <see cref="SecretRedactor"/>, and connections are read from an environment variable whose
/// <em>name</em> is the task parameter, so a secret never becomes an MSBuild property or parameter.
/// </summary>
public abstract class MigrationTask : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancellation = new();

    protected MigrationTask()
    {
        EngineLog = new MSBuildEngineLog(this, Redactor);
    }

    /// <summary>Secrets known to this task; every message is scrubbed of them.</summary>
    protected SecretRedactor Redactor { get; } = new();

    /// <summary>The log the engine writes to.</summary>
    protected IEngineLog EngineLog { get; }

    /// <summary>Cancelled when the build is cancelled (Ctrl+C).</summary>
    protected CancellationToken CancellationToken => _cancellation.Token;

    public sealed override bool Execute()
    {
        try
        {
            ExecuteCoreAsync(CancellationToken).GetAwaiter().GetResult();
        }
        catch (MigrationTasksException exception)
        {
            LogCodedError(exception);
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            LogCodedError(Errors.Errors.Cancelled());
        }
        catch (Exception exception)
        {
            LogCodedError(Errors.Errors.Unexpected(exception));
            Log.LogMessage(MessageImportance.Low, Redactor.Redact(exception.ToString()));
        }

        return !Log.HasLoggedErrors;
    }

    public void Cancel() => _cancellation.Cancel();

    /// <summary>The task's work. Throw <see cref="MigrationTasksException"/> for anything the user must act on.</summary>
    protected abstract Task ExecuteCoreAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Reads the connection held by the environment variable named <paramref name="variableName"/>
    /// (a postgres:// URL or an Npgsql connection string) and registers its secrets for redaction.
    /// Returns null when the variable is unset or empty.
    /// </summary>
    protected DatabaseConnection? ResolveConnection(string propertyName, string? variableName)
    {
        if (string.IsNullOrWhiteSpace(variableName))
        {
            return null;
        }

        // A URL or connection string given where a variable name belongs would be a secret in a property.
        if (!IsVariableName(variableName))
        {
            Redactor.Register(variableName);
            throw Errors.Errors.InvalidVariableName(propertyName, Redactor.Redact(variableName));
        }

        var value = Environment.GetEnvironmentVariable(variableName);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        Redactor.Register(value);
        var connection = DatabaseConnection.Parse(value, $"the environment variable {variableName}");
        connection.RegisterSecrets(Redactor);
        return connection;
    }

    /// <summary>Like <see cref="ResolveConnection"/>, but the variable must be set.</summary>
    protected DatabaseConnection RequireConnection(string propertyName, string variableName, string purpose) =>
        ResolveConnection(propertyName, variableName) ?? throw Errors.Errors.VariableNotSet(variableName, purpose);

    internal static bool IsVariableName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Logs a coded error (with its file and line) without stopping the task; Execute then returns false.</summary>
    protected void LogCodedError(MigrationTasksException exception) =>
        Log.LogError(
            subcategory: null,
            errorCode: exception.Code,
            helpKeyword: null,
            file: exception.File,
            lineNumber: exception.Line,
            columnNumber: exception.Column,
            endLineNumber: 0,
            endColumnNumber: 0,
            message: Redactor.Redact(exception.FullMessage));
}
