using System.Text.Json;
using System.Text.Json.Serialization;
using MigrationTasks.Errors;

namespace MigrationTasks.Migrations;

/// <summary>What happened to one file.</summary>
public sealed class FileReport
{
    public required string Version { get; init; }

    public required string Name { get; init; }

    public required string File { get; init; }

    public required string Sha256 { get; init; }

    /// <summary>applied, already-applied, would-apply (dry run), failed, not-run.</summary>
    public string Status { get; set; } = "not-run";

    public int Statements { get; init; }

    public int NonTransactional { get; set; }

    public long DurationMs { get; set; }

    /// <summary>The part a resumed file continued at (1-based), when an earlier run was interrupted.</summary>
    public int? ResumedAtPart { get; set; }

    public ReportError? Error { get; set; }
}

/// <summary>A coded error as the report shows it.</summary>
public sealed record ReportError(string Code, string Message, string? File, int Line)
{
    public static ReportError From(MigrationTasksException exception) =>
        new(exception.Code, exception.FullMessage, exception.File is null ? null : Path.GetFileName(exception.File), exception.Line);
}

/// <summary>The outcome of an ApplyMigrations run; written as JSON with a top-level "passed".</summary>
public sealed class ApplyReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public bool Passed { get; set; }

    public bool DryRun { get; init; }

    /// <summary>ephemeral, staging or production.</summary>
    public required string Target { get; init; }

    /// <summary>user@host:port/database (never a password).</summary>
    public required string Database { get; init; }

    public string Tool { get; init; } = ApplyOptions.CurrentToolVersion;

    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    public long DurationMs { get; set; }

    public string? LockTimeout { get; init; }

    public string? StatementTimeout { get; init; }

    public int Applied => Files.Count(f => f.Status == "applied");

    public int AlreadyApplied => Files.Count(f => f.Status == "already-applied");

    public int Pending => Files.Count(f => f.Status is "would-apply" or "not-run" or "failed");

    public List<FileReport> Files { get; } = [];

    public ReportError? Error { get; set; }

    /// <summary>The failure, for the caller to raise after writing the report (not serialized).</summary>
    [JsonIgnore]
    public MigrationTasksException? Failure { get; set; }

    /// <summary>The dry run's SQL (not in the JSON; written beside it).</summary>
    [JsonIgnore]
    public string? DryRunSql { get; set; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
