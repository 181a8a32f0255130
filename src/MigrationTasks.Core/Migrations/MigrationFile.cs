using System.Security.Cryptography;
using System.Text;

namespace MigrationTasks.Migrations;

/// <summary>
/// One migration file: its version and name (from the file name), its content, the SHA-256 of its bytes,
/// and its statements as the runner executes and records them.
/// </summary>
public sealed class MigrationFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private MigrationFile(string path, string version, string name, string content, string sha256)
    {
        Path = path;
        Version = version;
        Name = name;
        Content = content;
        Sha256 = sha256;
        Statements = StatementSplitter.Split(content, SplitDialect.PostgreSql);
        CliStatements = [.. StatementSplitter.Split(content, SplitDialect.SupabaseCli).Select(s => s.Text)];
    }

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>The file name, e.g. <c>20240101120000_create_profiles.sql</c>.</summary>
    public string FileName => System.IO.Path.GetFileName(Path);

    public string Version { get; }

    public string Name { get; }

    /// <summary>The text (a UTF-8 byte order mark removed).</summary>
    public string Content { get; }

    /// <summary>Lower-case hex SHA-256 of the file's bytes.</summary>
    public string Sha256 { get; }

    /// <summary>The statements as PostgreSQL reads them: what runs, and what the history records.</summary>
    public IReadOnlyList<SqlStatement> Statements { get; }

    /// <summary>The statements as the Supabase CLI would split the file (equal to <see cref="Statements"/> but for rare constructs).</summary>
    public IReadOnlyList<string> CliStatements { get; }

    /// <summary>The statement texts that go into <c>schema_migrations.statements</c>.</summary>
    public IReadOnlyList<string> RecordedStatements => [.. Statements.Select(s => s.Text)];

    /// <summary>True when the CLI would split this file into other statements than PostgreSQL reads.</summary>
    public bool CliSplitsDifferently => !CliStatements.SequenceEqual(RecordedStatements, StringComparer.Ordinal);

    /// <summary>The first line where the two splits part, for the warning.</summary>
    public int FirstCliDifferenceLine()
    {
        for (var i = 0; i < Statements.Count; i++)
        {
            if (i >= CliStatements.Count || !string.Equals(CliStatements[i], Statements[i].Text, StringComparison.Ordinal))
            {
                return Statements[i].Line;
            }
        }

        return Statements.Count > 0 ? Statements[^1].Line : 1;
    }

    /// <summary>Reads a file whose name matches <see cref="MigrationVersion.FilePattern"/>.</summary>
    public static MigrationFile Load(string path)
    {
        var match = MigrationVersion.FilePattern().Match(System.IO.Path.GetFileName(path));
        if (!match.Success)
        {
            throw new ArgumentException($"'{path}' is not named <version>_<name>.sql.", nameof(path));
        }

        var bytes = File.ReadAllBytes(path);
        return FromBytes(path, match.Groups[1].Value, match.Groups[2].Value, bytes);
    }

    /// <summary>A migration from bytes (tests and generated content).</summary>
    public static MigrationFile FromBytes(string path, string version, string name, byte[] bytes)
    {
        string content;
        try
        {
            content = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Errors.Errors.MigrationFileUnreadable(path, "it is not valid UTF-8");
        }

        if (content.Contains('\0', StringComparison.Ordinal))
        {
            throw Errors.Errors.MigrationFileUnreadable(path, "it contains a NUL character (a binary file?)");
        }

        // A byte order mark is not SQL; PostgreSQL would reject it as the first character.
        content = content.TrimStart('\uFEFF');
        return new MigrationFile(path, version, name, content, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
