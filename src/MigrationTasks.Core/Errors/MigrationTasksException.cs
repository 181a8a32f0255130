namespace MigrationTasks.Errors;

/// <summary>
/// A failure the user can act on: a code (<c>MT</c> + 4 digits), what went wrong, what to do,
/// and the file and line when the problem is in a file. Every error the tool reports is one of these;
/// anything else is a bug and is reported as <see cref="Errors.Unexpected"/>.
/// </summary>
public sealed class MigrationTasksException : Exception
{
    public MigrationTasksException(string code, string message, string hint, string? file = null, int line = 0, int column = 0, Exception? inner = null)
        : base(message, inner)
    {
        if (code.Length != 6 || !code.StartsWith("MT", StringComparison.Ordinal) || !code[2..].All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"Error codes are MT + 4 digits, not '{code}'.", nameof(code));
        }

        Code = code;
        Hint = hint;
        File = file;
        Line = line;
        Column = column;
    }

    /// <summary>The stable error code, for example <c>MT0101</c>; documented in the README.</summary>
    public string Code { get; }

    /// <summary>What the user should do about it.</summary>
    public string Hint { get; }

    /// <summary>The file the problem is in, when there is one.</summary>
    public string? File { get; }

    /// <summary>1-based line in <see cref="File"/>, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column in <see cref="File"/>, or 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>The message and the hint as one sentence pair, as logs show it.</summary>
    public string FullMessage => string.IsNullOrEmpty(Hint) ? Message : $"{Message} {Hint}";

    /// <summary>The same error located in a file (for errors raised below the code that knows the file).</summary>
    public MigrationTasksException At(string file, int line, int column = 0) =>
        new(Code, Message, Hint, file, line, column, InnerException);

    public override string ToString()
    {
        var where = File is null ? "" : Line > 0 ? $"{File}({Line}{(Column > 0 ? "," + Column : "")}): " : $"{File}: ";
        return $"{where}error {Code}: {FullMessage}";
    }
}
