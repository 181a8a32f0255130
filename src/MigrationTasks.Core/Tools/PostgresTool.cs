using CliWrap;
using CliWrap.Buffered;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Servers;

namespace MigrationTasks.Tools;

/// <summary>
/// Runs a PostgreSQL client program (psql, pg_dump, pg_restore, pg_dumpall) against a connection. The
/// connection goes through the child's environment (PGHOST, PGPASSWORD, ...), never its arguments, so
/// neither a process listing nor an error message can show the password; stderr is redacted all the same.
/// </summary>
public static class PostgresTool
{
    /// <summary>The command, ready to run or to pipe; arguments must not contain secrets.</summary>
    public static Command Command(PostgresInstallation installation, string tool, DatabaseConnection connection, IReadOnlyList<string> arguments) =>
        Cli.Wrap(installation.Tool(tool))
            .WithArguments(arguments)
            .WithEnvironmentVariables(connection.LibpqEnvironment())
            .WithValidation(CommandResultValidation.None);

    /// <summary>
    /// Runs the tool to completion; a non-zero exit becomes MT0020 with the tail of stderr (redacted).
    /// </summary>
    public static async Task<BufferedCommandResult> RunAsync(PostgresInstallation installation, string tool, DatabaseConnection connection,
        IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await Command(installation, tool, connection, arguments).ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Errors.Errors.ToolFailed(tool, result.ExitCode, Redact(connection, Tail(result.StandardError, 15)));
        }

        return result;
    }

    /// <summary>Runs a SQL file with psql: no psqlrc, stop at the first error, psql variables from <paramref name="variables"/>.</summary>
    public static Task<BufferedCommandResult> RunPsqlFileAsync(PostgresInstallation installation, DatabaseConnection connection, string file,
        IReadOnlyDictionary<string, string>? variables, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "-X", "-q", "-v", "ON_ERROR_STOP=1" };
        foreach (var (name, value) in variables ?? new Dictionary<string, string>())
        {
            arguments.AddRange(["-v", $"{name}={value}"]);
        }

        arguments.AddRange(["-f", file]);
        return RunAsync(installation, "psql", connection, arguments, cancellationToken);
    }

    /// <summary>The command line as it can be logged or put in a manifest (it never holds a secret).</summary>
    public static string Describe(string tool, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { tool }.Concat(arguments.Select(a => a.Length == 0 || a.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or ';' or '&' or '|') ? "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'" : a)));

    private static string Redact(DatabaseConnection connection, string text)
    {
        var redactor = new SecretRedactor();
        connection.RegisterSecrets(redactor);
        return redactor.Redact(text);
    }

    private static string Tail(string text, int lines) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(lines));
}
