using System.Diagnostics;
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

    /// <summary>
    /// Runs the tool to completion without throwing on a non-zero exit, for callers that map failures to their own
    /// codes or follow progress: every stderr line (redacted) goes to <paramref name="onErrorLine"/> as it arrives,
    /// and the result keeps the last <paramref name="tailLines"/> of them. Relative paths in
    /// <paramref name="arguments"/> resolve against <paramref name="workingDirectory"/>.
    /// </summary>
    public static async Task<ToolRun> ExecuteAsync(PostgresInstallation installation, string tool, DatabaseConnection connection,
        IReadOnlyList<string> arguments, CancellationToken cancellationToken, string? workingDirectory = null, Action<string>? onErrorLine = null,
        int tailLines = 30)
    {
        var redactor = new SecretRedactor();
        connection.RegisterSecrets(redactor);
        var tail = new Queue<string>();
        var stdout = new System.Text.StringBuilder();
        var watch = Stopwatch.StartNew();
        var command = Command(installation, tool, connection, arguments)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line =>
            {
                var clean = redactor.Redact(line);
                lock (tail)
                {
                    tail.Enqueue(clean);
                    if (tail.Count > tailLines)
                    {
                        tail.Dequeue();
                    }
                }

                onErrorLine?.Invoke(clean);
            }));
        if (workingDirectory is not null)
        {
            command = command.WithWorkingDirectory(workingDirectory);
        }

        var result = await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        lock (tail)
        {
            return new ToolRun(result.ExitCode, redactor.Redact(stdout.ToString()), [.. tail], watch.Elapsed);
        }
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
        string.Join(' ', new[] { tool }.Concat(arguments.Select(ShellQuote)));

    /// <summary>
    /// The command line with the connection it gets through the environment (host, port, user, database; never the
    /// password), so a manifest or a log shows a command a person can rerun.
    /// </summary>
    public static string DescribeWithConnection(string tool, IEnumerable<string> arguments, DatabaseConnection connection)
    {
        var environment = connection.LibpqEnvironment();
        var shown = new[] { "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGOPTIONS" }
            .Where(name => environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value))
            .Select(name => $"{name}={ShellQuote(environment[name]!)}");
        return string.Join(' ', shown.Append(Describe(tool, arguments)));
    }

    private static string ShellQuote(string argument) =>
        argument.Length == 0 || argument.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or ';' or '&' or '|' or '*' or '?')
            ? "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'"
            : argument;

    private static string Redact(DatabaseConnection connection, string text)
    {
        var redactor = new SecretRedactor();
        connection.RegisterSecrets(redactor);
        return redactor.Redact(text);
    }

    private static string Tail(string text, int lines) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(lines));
}

/// <summary>The outcome of <see cref="PostgresTool.ExecuteAsync"/>: exit code, stdout, the last stderr lines (all redacted).</summary>
public sealed record ToolRun(int ExitCode, string StandardOutput, IReadOnlyList<string> ErrorTail, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The stderr tail as one line, for an error message.</summary>
    public string ErrorSummary(int lines = 15) => string.Join(" | ", ErrorTail.Where(l => l.Trim().Length > 0).TakeLast(lines));
}
