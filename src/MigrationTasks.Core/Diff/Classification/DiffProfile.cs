using MigrationTasks.Catalog.Model;

namespace MigrationTasks.Diff.Classification;

/// <summary>
/// What a platform manages and a diff should leave alone. The Supabase profile: its schemas (auth, storage,
/// realtime, extensions, graphql, ...), its roles' default privileges and the default ACLs it gives new objects
/// in public, and the extensions it installs (an extension present in production is never dropped or updated).
/// </summary>
public sealed record DiffProfile(string Name, IReadOnlySet<string> ManagedSchemas, IReadOnlySet<string> ManagedRoles, IReadOnlySet<string> ApiRoles, bool KeepExistingExtensions)
{
    public static readonly DiffProfile None = new("none", new HashSet<string>(), new HashSet<string>(), new HashSet<string>(), false);

    public static readonly DiffProfile Supabase = new(
        "supabase",
        new HashSet<string>(StringComparer.Ordinal)
        {
            "auth", "storage", "realtime", "_realtime", "extensions", "graphql", "graphql_public", "supabase_functions",
            "supabase_migrations", "vault", "pgsodium", "pgsodium_masks", "net", "cron", "pgbouncer", "_analytics", "pgtle", "pgmq",
        },
        new HashSet<string>(StringComparer.Ordinal)
        {
            "supabase_admin", "supabase_auth_admin", "supabase_storage_admin", "supabase_realtime_admin", "supabase_functions_admin",
            "supabase_replication_admin", "supabase_read_only_user", "dashboard_user", "pgbouncer", "authenticator",
        },
        new HashSet<string>(StringComparer.Ordinal) { "anon", "authenticated", "service_role", "postgres" },
        KeepExistingExtensions: true);

    /// <summary>The profile named by the DiffProfile property: supabase (default) or none.</summary>
    public static DiffProfile Named(string? name) => (name ?? "supabase").Trim().ToLowerInvariant() switch
    {
        "" or "supabase" => Supabase,
        "none" => None,
        _ => throw Errors.Errors.InvalidProperty("DiffProfile", name!, "supabase or none"),
    };

    /// <summary>Whether the object is the platform's: the diff neither reports nor changes it.</summary>
    public bool Manages(CatalogObject item) => item switch
    {
        SchemaObject schema => ManagedSchemas.Contains(schema.Name),
        DefaultPrivilegeObject entry => ManagedRoles.Contains(entry.Role)
            || (entry.InSchema is null or "public" && ApiRoles.Contains(entry.Role) && entry.Privileges.All(p => ApiRoles.Contains(p.Grantee) || p.Grantee == entry.Role)),
        ExtensionObject => false,
        _ => item.Schema.Length > 0 && ManagedSchemas.Contains(item.Schema),
    };
}
