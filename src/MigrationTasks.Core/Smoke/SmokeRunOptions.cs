using MigrationTasks.Security.Emulation;

namespace MigrationTasks.Smoke;

/// <summary>How a smoke run behaves; the defaults suit production.</summary>
public sealed record SmokeRunOptions
{
    /// <summary>PostgREST's configuration (exposed schemas, search_path), from supabase/config.toml [api].</summary>
    public ApiSettings Api { get; init; } = new();

    /// <summary>
    /// lock_timeout of each flow's transaction: a flow that would wait on a busy row gives up rather than queue
    /// behind (and in front of) production's own traffic.
    /// </summary>
    public string LockTimeout { get; init; } = "5s";

    /// <summary>statement_timeout of each flow's transaction (a role's own setting, e.g. anon's, still applies per request).</summary>
    public string StatementTimeout { get; init; } = "30s";

    /// <summary>Only the flows with these names (empty: all).</summary>
    public IReadOnlyList<string> Flows { get; init; } = [];
}
