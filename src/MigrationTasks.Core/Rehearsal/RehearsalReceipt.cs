using System.Text.Json;
using System.Text.Json.Serialization;

namespace MigrationTasks.Rehearsal;

/// <summary>Production as the rehearsal saw it when it cloned it.</summary>
public sealed record ProductionFacts
{
    /// <summary>user@host:port/database (never a password), or the bundled sample's description.</summary>
    public required string Description { get; init; }

    /// <summary>True when no production was configured and the bundled sample production stood in.</summary>
    public bool Sample { get; init; }

    public required string Database { get; init; }

    public required string ServerVersion { get; init; }

    /// <summary>The schema fingerprint of production at clone time (Migrate compares production's current one with it).</summary>
    public required string SchemaFingerprint { get; init; }

    public required string FingerprintAlgorithm { get; init; }

    /// <summary>Which Supabase-managed schemas the fingerprint covers (cli, exclude, include): Migrate computes its own the same way.</summary>
    public required string SupabaseSchemas { get; init; }

    /// <summary>The pre-migration backup the rehearsal cloned from (the drill's rollback restored it).</summary>
    public string? Backup { get; init; }
}

/// <summary>The migration set the rehearsal applied.</summary>
public sealed record MigrationSetFacts
{
    public required string Hash { get; init; }

    public string Algorithm { get; init; } = MigrationSetHash.Algorithm;

    public required string Directory { get; init; }

    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>The files production had not applied at clone time: what Migrate will apply.</summary>
    public required IReadOnlyList<string> Pending { get; init; }
}

/// <summary>
/// <c>receipt.json</c>: proof that a rehearsal ran, on which production schema and with which migrations, and how each
/// step ended. Migrate refuses to run without a passed one that matches production and the migrations as they are now.
/// </summary>
public sealed record RehearsalReceipt
{
    public const string FileName = "receipt.json";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public bool Passed { get; init; }

    public required string Tool { get; init; }

    public required DateTimeOffset CreatedUtc { get; init; }

    public double DurationSeconds { get; init; }

    public required ProductionFacts Production { get; init; }

    public required MigrationSetFacts MigrationSet { get; init; }

    public required IReadOnlyList<StepResult> Steps { get; init; }

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }

    /// <summary>Reads a receipt; MT0802 when the file is not one.</summary>
    public static RehearsalReceipt Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RehearsalReceipt>(File.ReadAllText(path), Json)
                ?? throw Errors.Errors.ReceiptUnreadable(path, "the file is empty");
        }
        catch (JsonException exception)
        {
            throw Errors.Errors.ReceiptUnreadable(path, exception.Message);
        }
        catch (IOException exception)
        {
            throw Errors.Errors.ReceiptUnreadable(path, exception.Message);
        }
    }
}
