using System.Text.Json;
using System.Text.Json.Serialization;
using MigrationTasks.Integrity;

namespace MigrationTasks.Backup;

/// <summary>
/// <c>manifest.json</c>: what a backup holds and how it was made, written next to the archive. A restore trusts a
/// backup only when <see cref="Passed"/> is true and every file still matches its sha256.
/// </summary>
public sealed record BackupManifest
{
    public const string FileName = "manifest.json";

    /// <summary>True only for a backup that was written completely and verified.</summary>
    public required bool Passed { get; init; }

    /// <summary><c>verified</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Why the backup failed, when it did.</summary>
    public string? Failure { get; init; }

    public int FormatVersion { get; init; } = 1;

    /// <summary><c>production</c> or <c>staging</c>.</summary>
    public required string Label { get; init; }

    public required DateTimeOffset CreatedUtc { get; init; }

    public required double DurationSeconds { get; init; }

    public required SourceInfo Source { get; init; }

    public required ClientInfo Client { get; init; }

    /// <summary>The archive, relative to the backup folder: <c>dump</c> (directory format) or <c>dump.pgdump</c> (custom).</summary>
    public required string Archive { get; init; }

    /// <summary><c>directory</c> or <c>custom</c>.</summary>
    public required string Format { get; init; }

    public required int Jobs { get; init; }

    /// <summary><c>cli</c>, <c>exclude</c> or <c>include</c> (see <see cref="SupabaseSchemaMode"/>).</summary>
    public required string SupabaseSchemas { get; init; }

    /// <summary>Schema patterns left out of the archive (pg_dump --exclude-schema), also left out of the fingerprint and counts.</summary>
    public required IReadOnlyList<string> ExcludedSchemas { get; init; }

    public required SchemaInfo Schema { get; init; }

    /// <summary>How <see cref="TableEntry.Checksum"/> values were computed.</summary>
    public required string ChecksumAlgorithm { get; init; }

    /// <summary>Every table with its exact row count, read in the same snapshot pg_dump dumped.</summary>
    public required IReadOnlyList<TableEntry> Tables { get; init; }

    public required IReadOnlyList<ExtensionEntry> Extensions { get; init; }

    /// <summary>The Supabase migration history, when the database has one.</summary>
    public HistoryInfo? History { get; init; }

    /// <summary>The roles file, when roles were dumped.</summary>
    public RolesInfo? Roles { get; init; }

    /// <summary>Every file of the backup except this manifest, with size and sha256.</summary>
    public required IReadOnlyList<FileEntry> Files { get; init; }

    /// <summary>The commands run, exactly, with the connection shown as libpq environment variables (never the password).</summary>
    public required IReadOnlyList<string> Commands { get; init; }

    /// <summary>Seconds per step (dump, census, roles, hashing, verification).</summary>
    public required IReadOnlyDictionary<string, double> StepSeconds { get; init; }

    public VerificationInfo? Verification { get; init; }

    /// <summary>The manifest of <paramref name="folder"/>; MT0404 when it is missing or unreadable.</summary>
    public static BackupManifest Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw Errors.Errors.BackupNotFound(folder, $"there is no {FileName}");
        }

        try
        {
            return JsonSerializer.Deserialize<BackupManifest>(File.ReadAllText(path), JsonOptions)
                ?? throw Errors.Errors.BackupNotFound(folder, $"{FileName} is empty");
        }
        catch (JsonException exception)
        {
            throw Errors.Errors.BackupNotFound(folder, $"{FileName} is not a valid manifest ({exception.Message})");
        }
    }

    /// <summary>Writes the manifest into <paramref name="folder"/> (flushed to disk before returning).</summary>
    public void Write(string folder)
    {
        var path = Path.Combine(folder, FileName);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, JsonOptions);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The same manifest marked failed, with the reason.</summary>
    public BackupManifest MarkFailed(string reason) => this with { Passed = false, Status = "failed", Failure = reason };

    /// <summary>camelCase, indented, enums as strings, nulls left out; '+' and quotes written as themselves (a file, not HTML).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}

/// <summary>The database that was backed up. <see cref="Connection"/> is secret-free (user@host:port/database).</summary>
public sealed record SourceInfo(string Connection, string Database, string ServerVersion, int ServerVersionNumber, long SizeBytes, string Encoding);

/// <summary>The pg_dump that wrote the archive.</summary>
public sealed record ClientInfo(string PgDumpVersion, string BinDirectory);

/// <summary>The schema fingerprint and the file with the normalised catalog lines it hashes.</summary>
public sealed record SchemaInfo(string Fingerprint, string Algorithm, string File, int Objects);

public sealed record TableEntry(string Schema, string Name, long Rows, string? Checksum = null)
{
    [JsonIgnore]
    public TableName Table => new(Schema, Name);
}

public sealed record ExtensionEntry(string Name, string Schema);

/// <summary>The Supabase migration history table: its rows and newest version.</summary>
public sealed record HistoryInfo(string Table, long Rows, string? LatestVersion);

/// <summary>The roles file: how many roles it creates, and which of them can log in (they have no password in the backup).</summary>
public sealed record RolesInfo(string File, int Count, IReadOnlyList<string> LoginRoles);

public sealed record FileEntry(string Path, long Bytes, string Sha256);

/// <summary>How the backup was verified and what the archive's table of contents holds.</summary>
public sealed record VerificationInfo(string Method, int TocEntries, DateTimeOffset VerifiedUtc, IReadOnlyList<string> Problems);
