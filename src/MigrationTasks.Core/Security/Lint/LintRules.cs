namespace MigrationTasks.Security.Lint;

/// <summary>
/// Every lint, in splinter's order. Not here, because they cannot apply to a database we check: splinter's
/// 0026/0027 (pg_graphql exposure: needs the pg_graphql extension, off by default on new projects since 2026 and
/// not packaged for plain PostgreSQL) and 0025 <c>pg17_deprecated_extensions</c> (timescaledb, plv8, pgjwt: not
/// installable here, and only relevant when upgrading to 17).
/// </summary>
public static class LintRules
{
    /// <summary>Schemas that belong to Supabase or PostgreSQL, never to the project: lints look past them.</summary>
    public static IReadOnlyList<string> InternalSchemas { get; } =
    [
        "_timescaledb_cache", "_timescaledb_catalog", "_timescaledb_config", "_timescaledb_internal", "auth", "cron", "extensions",
        "graphql", "graphql_public", "information_schema", "net", "pgmq", "pgroonga", "pgsodium", "pgsodium_masks", "pgtle",
        "pgbouncer", "pg_catalog", "pg_toast", "realtime", "repack", "storage", "supabase_functions", "supabase_migrations",
        "tiger", "topology", "vault",
    ];

    public static IReadOnlyList<LintRule> All { get; } =
    [
        new("unindexed_foreign_keys", LintLevel.Info, LintCategory.Performance, "Unindexed foreign keys") { SplinterNumber = "0001" },
        new("auth_users_exposed", LintLevel.Error, LintCategory.Security, "Exposed auth.users") { SplinterNumber = "0002" },
        new("auth_rls_initplan", LintLevel.Warn, LintCategory.Performance, "Auth RLS initialization plan") { SplinterNumber = "0003", Refine = PolicyExpressions.RefinePerRowCalls },
        new("no_primary_key", LintLevel.Info, LintCategory.Performance, "No primary key") { SplinterNumber = "0004" },
        new("unused_index", LintLevel.Info, LintCategory.Performance, "Unused index") { SplinterNumber = "0005", NeedsUsageStatistics = true },
        new("multiple_permissive_policies", LintLevel.Warn, LintCategory.Performance, "Multiple permissive policies") { SplinterNumber = "0006" },
        new("policy_exists_rls_disabled", LintLevel.Error, LintCategory.Security, "Policy exists, RLS disabled") { SplinterNumber = "0007" },
        new("rls_enabled_no_policy", LintLevel.Info, LintCategory.Security, "RLS enabled, no policy") { SplinterNumber = "0008" },
        new("duplicate_index", LintLevel.Warn, LintCategory.Performance, "Duplicate index") { SplinterNumber = "0009" },
        new("security_definer_view", LintLevel.Error, LintCategory.Security, "Security definer view") { SplinterNumber = "0010" },
        new("function_search_path_mutable", LintLevel.Warn, LintCategory.Security, "Function search_path mutable") { SplinterNumber = "0011" },
        new("auth_allow_anonymous_sign_ins", LintLevel.Warn, LintCategory.Security, "Anonymous sign-ins reach authenticated policies") { SplinterNumber = "0012" },
        new("rls_disabled_in_public", LintLevel.Error, LintCategory.Security, "RLS disabled in an exposed schema") { SplinterNumber = "0013" },
        new("extension_in_public", LintLevel.Warn, LintCategory.Security, "Extension in public") { SplinterNumber = "0014" },
        new("rls_references_user_metadata", LintLevel.Error, LintCategory.Security, "RLS references user metadata") { SplinterNumber = "0015" },
        new("materialized_view_in_api", LintLevel.Warn, LintCategory.Security, "Materialized view in API") { SplinterNumber = "0016" },
        new("foreign_table_in_api", LintLevel.Warn, LintCategory.Security, "Foreign table in API") { SplinterNumber = "0017" },
        new("unsupported_reg_types", LintLevel.Warn, LintCategory.Security, "Unsupported reg types") { SplinterNumber = "0018" },
        new("insecure_queue_exposed_in_api", LintLevel.Error, LintCategory.Security, "Insecure queue exposed in API") { SplinterNumber = "0019" },
        new("table_bloat", LintLevel.Info, LintCategory.Performance, "Table bloat") { SplinterNumber = "0020", NeedsUsageStatistics = true },
        new("fkey_to_auth_unique", LintLevel.Error, LintCategory.Security, "Foreign key to an auth unique constraint") { SplinterNumber = "0021" },
        new("extension_versions_outdated", LintLevel.Warn, LintCategory.Security, "Extension versions outdated") { SplinterNumber = "0022" },
        new("sensitive_columns_exposed", LintLevel.Error, LintCategory.Security, "Sensitive columns exposed") { SplinterNumber = "0023" },
        new("rls_policy_always_true", LintLevel.Warn, LintCategory.Security, "RLS policy always true") { SplinterNumber = "0024" },
        new("public_bucket_allows_listing", LintLevel.Warn, LintCategory.Security, "Public bucket allows listing") { SplinterNumber = "0025", RequiredRelations = ["storage.buckets", "storage.objects"] },
        new("anon_security_definer_function_executable", LintLevel.Warn, LintCategory.Security, "SECURITY DEFINER function executable by anon") { SplinterNumber = "0028" },
        new("authenticated_security_definer_function_executable", LintLevel.Warn, LintCategory.Security, "SECURITY DEFINER function executable by authenticated") { SplinterNumber = "0029" },
        new("invalid_index", LintLevel.Warn, LintCategory.Performance, "Invalid index") { SplinterNumber = "0030" },
        new("rls_policy_null_auth_disjunct", LintLevel.Warn, LintCategory.Security, "RLS policy true when there is no user") { SplinterNumber = "0030", Refine = row => row.Extra.Count > 0 && row.Extra[0] is { } expression && PolicyExpressions.HasTopLevelNullAuthTerm(expression) ? row : null },
        new("autovacuum_disabled", LintLevel.Warn, LintCategory.Performance, "Autovacuum disabled") { SplinterNumber = "0030" },
        new("unused_replication_slot", LintLevel.Warn, LintCategory.Performance, "Unused replication slot") { SplinterNumber = "0031" },
        new("truncate_granted_to_api_role", LintLevel.Warn, LintCategory.Security, "TRUNCATE granted to an API role"),
    ];
}
