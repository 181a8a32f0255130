using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace MigrationTasks.Integrity;

/// <summary>
/// A hash of a database's normalised catalog: one text line per object (schemas, tables and their columns,
/// constraints, indexes, triggers, policies, routines, types, sequences, extensions, rules, default privileges),
/// with owners, privileges and comments, sorted and hashed with SHA-256. Lines name objects, never OIDs, and
/// column positions count only live columns, so the same schema gives the same fingerprint on another server
/// (same major version) and after a dump and restore. Extension members are left out: CREATE EXTENSION makes them.
/// </summary>
public sealed class SchemaFingerprint
{
    /// <summary>Bumped whenever the lines change, so fingerprints of different versions are never compared as equal.</summary>
    public const string Algorithm = "catalog-v1";

    private SchemaFingerprint(IReadOnlyList<string> lines)
    {
        Lines = lines;
        var text = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        Hash = $"sha256:{Convert.ToHexStringLower(SHA256.HashData(text))}";
    }

    /// <summary><c>sha256:</c> followed by the hex digest of the lines.</summary>
    public string Hash { get; }

    /// <summary>The normalised catalog, sorted (ordinal); what the hash covers, and what explains a difference.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>Rebuilds a fingerprint from lines saved earlier (the backup's <c>schema-fingerprint.txt</c>).</summary>
    public static SchemaFingerprint FromLines(IEnumerable<string> lines) => new([.. lines.Order(StringComparer.Ordinal)]);

    /// <summary>
    /// Reads the catalog of the connected database. Runs in the connection's current transaction when there is one
    /// (a backup reads it in the dump's snapshot), otherwise in its own; session settings are restored afterwards.
    /// </summary>
    public static async Task<SchemaFingerprint> ComputeAsync(NpgsqlConnection connection, SchemaSelection selection, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        await CatalogSession.NormaliseAsync(connection, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand(FingerprintQueries.Build(selection), connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                lines.Add(reader.GetString(0));
            }
        }
        finally
        {
            await CatalogSession.ResetAsync(connection).ConfigureAwait(false);
        }

        return new SchemaFingerprint([.. lines.Order(StringComparer.Ordinal)]);
    }

    /// <summary>The fingerprint of the same catalog without the objects of <paramref name="schemas"/>.</summary>
    public SchemaFingerprint Without(IReadOnlyCollection<string> schemas) =>
        schemas.Count == 0 ? this : new([.. Lines.Where(line => !schemas.Contains(SchemaOf(line), StringComparer.Ordinal))]);

    /// <summary>The schema a line belongs to (each line starts with it: <c>app | relation app.users ...</c>).</summary>
    public static string SchemaOf(string line)
    {
        var bar = line.IndexOf(" | ", StringComparison.Ordinal);
        var name = bar < 0 ? line : line[..bar];
        return name.Length >= 2 && name[0] == '"' && name[^1] == '"' ? name[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : name;
    }

    /// <summary>
    /// What differs between two fingerprints, as at most <paramref name="limit"/> lines marked <c>-</c> (only in
    /// <paramref name="expected"/>) or <c>+</c> (only in <paramref name="actual"/>).
    /// </summary>
    public static IReadOnlyList<string> Differences(SchemaFingerprint expected, SchemaFingerprint actual, int limit = 20)
    {
        var expectedSet = expected.Lines.ToHashSet(StringComparer.Ordinal);
        var actualSet = actual.Lines.ToHashSet(StringComparer.Ordinal);
        return [.. expected.Lines.Where(l => !actualSet.Contains(l)).Select(l => "- " + l)
            .Concat(actual.Lines.Where(l => !expectedSet.Contains(l)).Select(l => "+ " + l))
            .Take(limit)];
    }
}
