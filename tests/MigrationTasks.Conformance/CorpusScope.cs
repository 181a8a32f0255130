namespace MigrationTasks.Conformance;

/// <summary>Which corpus cases run here, and why the others do not (they count as skipped, never as passed).</summary>
public static class CorpusScope
{
    /// <summary>
    /// Object kinds left out of MigrationTasks on purpose, with the reason; their cases count as skipped. Keys are case-name prefixes.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> OutOfScope = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["publication-operations"] = "publications: Supabase manages supabase_realtime and its own publications",
        ["dependencies-cycles--drop-publication"] = "publications: Supabase manages supabase_realtime and its own publications",
        ["subscription-operations"] = "subscriptions: replication setup, not application schema",
        ["foreign-data-wrapper-operations"] = "foreign data wrappers, servers and user mappings: infrastructure (and user mappings hold secrets)",
        ["fdw-option-secret-redaction"] = "foreign data wrappers, servers and user mappings: infrastructure (and user mappings hold secrets)",
        ["sensitive-handling--server"] = "foreign servers: infrastructure",
        ["sensitive-handling--user-mapping"] = "user mappings: infrastructure, and they hold secrets",
        ["foreign-table"] = "foreign tables: depend on foreign servers",
        ["event-trigger-operations"] = "event triggers: superuser-only; Supabase installs its own",
        ["rule-operations"] = "rules: legacy rewrite rules, not used by Supabase projects",
        ["role-"] = "roles: cluster-wide, managed by Supabase (auth roles) or by the platform, not by migrations",
        ["sensitive-handling--role"] = "roles: cluster-wide, managed by Supabase or by the platform",
        ["privilege-operations--role-membership"] = "role membership: cluster-wide",
    };

    /// <summary>Why a case does not run on a server of this major version (null when it runs).</summary>
    public static string? SkipReason(CorpusCase item, int serverMajor) =>
        OutOfScope.FirstOrDefault(p => item.Name.StartsWith(p.Key, StringComparison.Ordinal)).Value
        ?? (item.MinVersion > serverMajor ? $"needs PostgreSQL {item.MinVersion}, the server is {serverMajor}" : null)
        ?? (item.IsolatedCluster ? "needs a cluster of its own (creates or changes roles)" : null);
}
