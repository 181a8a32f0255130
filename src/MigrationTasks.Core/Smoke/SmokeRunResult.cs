namespace MigrationTasks.Smoke;

/// <summary>What one step of a flow did: the persona, what was expected, what happened, and why it failed.</summary>
public sealed record SmokeStepResult
{
    /// <summary>The step as the file writes it, e.g. <c>traveller: rpc create_booking</c>.</summary>
    public required string Description { get; init; }

    /// <summary>The persona's name and role, e.g. <c>traveller (authenticated)</c>.</summary>
    public required string Persona { get; init; }

    /// <summary>The 1-based line of the step in the smoke file.</summary>
    public required int Line { get; init; }

    /// <summary>The database role the request ran as.</summary>
    public required string Role { get; init; }

    /// <summary>The JWT claims the request carried (<c>request.jwt.claims</c>), to rerun the statement by hand.</summary>
    public required string ClaimsJson { get; init; }

    /// <summary>The request's writes stayed for the flow's later steps (a write that succeeded).</summary>
    public bool Kept { get; init; }

    public required bool Passed { get; init; }

    public required string Expected { get; init; }

    public required string Actual { get; init; }

    /// <summary>Why it failed (null when it passed).</summary>
    public string? Failure { get; init; }

    /// <summary>The statement PostgREST would run, its JSON body inlined (to paste into psql).</summary>
    public required string Statement { get; init; }

    public TimeSpan Duration { get; init; }
}

/// <summary>One flow's outcome: passed when every step matched; a failing step stops the flow (later steps need its result).</summary>
public sealed record SmokeFlowResult
{
    public required string Name { get; init; }

    /// <summary>The 1-based line of the flow in the smoke file.</summary>
    public required int Line { get; init; }

    public required bool Passed { get; init; }

    /// <summary>The first failing step's reason, with its line (null when the flow passed).</summary>
    public string? Failure { get; init; }

    public required IReadOnlyList<SmokeStepResult> Steps { get; init; }

    /// <summary>Steps the flow did not reach because an earlier one failed.</summary>
    public int SkippedSteps { get; init; }

    public TimeSpan Duration { get; init; }
}

/// <summary>The outcome of a smoke run: every flow's result, and the reports.</summary>
public sealed record SmokeRunResult
{
    /// <summary>The smoke file that ran.</summary>
    public required string File { get; init; }

    /// <summary>The database, secret-free (<see cref="Connections.DatabaseConnection.Describe"/>).</summary>
    public required string Database { get; init; }

    public required IReadOnlyList<SmokeFlowResult> Flows { get; init; }

    /// <summary>How the API roles were entered (PostgREST's authenticator, or the role directly).</summary>
    public required string Impersonation { get; init; }

    public TimeSpan Duration { get; init; }

    public bool Passed => Flows.Count > 0 && Flows.All(flow => flow.Passed);

    public IReadOnlyList<SmokeFlowResult> Failed => [.. Flows.Where(flow => !flow.Passed)];

    /// <summary>The Markdown report (smoke.md).</summary>
    public string ToMarkdown() => SmokeReport.Markdown(this);

    /// <summary>The JSON report (smoke.json), with a top-level <c>"passed"</c>.</summary>
    public string ToJson() => SmokeReport.Json(this);
}
