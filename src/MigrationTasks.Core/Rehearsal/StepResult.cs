using System.Text.Json.Serialization;

namespace MigrationTasks.Rehearsal;

/// <summary>How a step of a rehearsal or a migration ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepStatus>))]
public enum StepStatus
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>One step of a rehearsal or a migration: what it did, how long it took, how it ended, and where its reports are.</summary>
public sealed class StepResult
{
    /// <summary>A short, stable name (<c>clone</c>, <c>apply</c>, <c>failure-drill</c>): what receipts and plans refer to.</summary>
    public required string Name { get; init; }

    /// <summary>What the step does, in a sentence.</summary>
    public required string Title { get; init; }

    [JsonPropertyName("result")]
    public StepStatus Status { get; set; } = StepStatus.Skipped;

    public double DurationSeconds { get; set; }

    /// <summary>One line: what the step found.</summary>
    public string Summary { get; set; } = "";

    /// <summary>The step's own reports, relative to the run's report folder when they are inside it.</summary>
    public List<string> Reports { get; init; } = [];

    /// <summary>What failed, one line each (the differences left, the failed checks).</summary>
    public List<string> Details { get; init; } = [];

    /// <summary>The coded error that failed the step, if any.</summary>
    public string? ErrorCode { get; set; }

    [JsonIgnore]
    public bool Passed => Status == StepStatus.Passed;
}
