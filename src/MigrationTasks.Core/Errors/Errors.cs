namespace MigrationTasks.Errors;

/// <summary>
/// Every coded error the tool raises, one factory method per code, grouped by area in partial files
/// (<c>Errors.*.cs</c>). Ranges: MT00xx general and connections, MT01xx servers, MT02xx diff, MT03xx migrations,
/// MT04xx backup and restore, MT05xx data and validation, MT06xx policies, MT07xx indexes and pooler,
/// MT08xx rehearse and migrate, MT09xx the sample database. The README lists them all (a test checks it).
/// </summary>
public static partial class Errors
{
    public static MigrationTasksException Unexpected(Exception exception) => new(
        "MT0001",
        $"Unexpected internal error: {exception.GetType().Name}: {exception.Message}",
        "This is a bug in MigrationTasks; rerun with -v:diag and report it with the log.",
        inner: exception);

    public static MigrationTasksException Cancelled() => new(
        "MT0002",
        "The operation was cancelled; nothing after the cancellation point ran.",
        "Rerun the target when ready; ephemeral servers it started have been stopped.");

    public static MigrationTasksException VariableNotSet(string variableName, string purpose) => new(
        "MT0010",
        $"The environment variable '{variableName}' that should hold the {purpose} connection is not set.",
        $"Set {variableName} to a postgres:// URL or an Npgsql connection string, or point the property at another variable name.");

    public static MigrationTasksException InvalidConnection(string source, string reason) => new(
        "MT0011",
        $"The connection in {source} is not a valid postgres:// URL or Npgsql connection string: {reason}.",
        "Use postgres://user:password@host:5432/database or Host=...;Username=...;Password=...;Database=... (the value is not shown because it may hold a secret).");

    public static MigrationTasksException ConnectionFailed(string target, string reason, Exception? inner = null) => new(
        "MT0012",
        $"Could not connect to {target}: {reason}.",
        "Check the host, port, user and password in the connection variable, and that the server accepts connections from this machine.",
        inner: inner);

    public static MigrationTasksException InvalidProperty(string property, string value, string expected) => new(
        "MT0013",
        $"The property {property} has the value '{value}', which is not valid.",
        $"Use {expected}.");

    public static MigrationTasksException InvalidVariableName(string property, string value) => new(
        "MT0014",
        $"The property {property} must name an environment variable, but '{value}' is not a variable name (it looks like a connection string or URL).",
        $"Put the connection in an environment variable and set {property} to that variable's name; secrets never go through MSBuild properties.");
}
