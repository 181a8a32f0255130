using MigrationTasks.Integrity;

namespace MigrationTasks.Backup;

/// <summary>Which Supabase-managed schemas a backup holds.</summary>
public enum SupabaseSchemaMode
{
    /// <summary>
    /// As <c>supabase db dump</c> keeps them across its schema and data dumps: auth, storage, supabase_functions,
    /// cron, net, pgmq and dbdev are kept (their rows are user data: accounts, files, jobs); the schemas the CLI never
    /// dumps (graphql, realtime, vault, pgsodium, extensions, ...) are left out. The default.
    /// </summary>
    Cli,

    /// <summary>Every Supabase-managed schema left out, as the CLI's schema dump does: user schemas only.</summary>
    Exclude,

    /// <summary>Nothing left out: every schema the user can read.</summary>
    Include,
}

/// <summary>
/// The Supabase CLI's schema lists (supabase/cli <c>pkg/migration/scripts/dump_schema.sh</c> and
/// <c>dump_data.sh</c>). The migration history (<c>supabase_migrations</c>) is on both of the CLI's lists, but a
/// MigrationTasks backup always keeps it: a restore without the history would make every migration look pending.
/// </summary>
public static class SupabaseSchemas
{
    /// <summary>The migration history schema, always kept.</summary>
    public const string HistorySchema = "supabase_migrations";

    /// <summary>The history table, as the Supabase CLI creates it.</summary>
    public const string HistoryTable = "schema_migrations";

    /// <summary>Schemas Supabase manages: left out of the CLI's schema dump (<c>dump_schema.sh</c>), minus the history.</summary>
    public static IReadOnlyList<string> Managed { get; } =
    [
        "_analytics", "_realtime", "_supavisor", "auth", "etl", "extensions", "pgbouncer", "realtime", "storage", "supabase_functions",
        "cron", "dbdev", "graphql", "graphql_public", "net", "pgmq", "pgsodium", "pgsodium_masks", "pgtle", "repack", "tiger", "tiger_data",
        "timescaledb_*", "_timescaledb_*", "topology", "vault",
    ];

    /// <summary>Schemas the CLI never dumps, not even their data (<c>dump_data.sh</c>), minus the history.</summary>
    public static IReadOnlyList<string> NeverDumped { get; } =
    [
        "graphql", "graphql_public", "pgsodium", "pgsodium_masks", "pgtle", "repack", "tiger", "tiger_data", "timescaledb_*", "_timescaledb_*",
        "topology", "vault", "etl", "extensions", "pgbouncer", "realtime", "_analytics", "_realtime", "_supavisor",
    ];

    /// <summary>Tables whose rows the CLI leaves out: each service's own migration bookkeeping, which the target already has.</summary>
    public static IReadOnlyList<TableName> ServiceMigrationTables { get; } =
        [new("auth", "schema_migrations"), new("storage", "migrations"), new("supabase_functions", "migrations")];

    /// <summary>The schemas a backup in <paramref name="mode"/> covers.</summary>
    public static SchemaSelection Selection(SupabaseSchemaMode mode) => mode switch
    {
        SupabaseSchemaMode.Cli => new SchemaSelection(NeverDumped),
        SupabaseSchemaMode.Exclude => new SchemaSelection(Managed),
        _ => SchemaSelection.All,
    };

    /// <summary>Whether Supabase manages <paramref name="schema"/> (its definitions come with a Supabase project).</summary>
    public static bool IsManaged(string schema) =>
        !schema.StartsWith("pg_", StringComparison.Ordinal) && schema != "information_schema" && !ManagedSelection.Includes(schema);

    private static readonly SchemaSelection ManagedSelection = new(Managed);
}
