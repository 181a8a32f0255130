namespace MigrationTasks.Migrations;

/// <summary>
/// The Supabase CLI's own SQL for its history table, verbatim (apps/cli-go/pkg/migration/history.go), so the
/// table is created and written exactly as <c>supabase db push</c> does and read back the same way.
/// </summary>
public static class SupabaseHistorySql
{
    /// <summary>Sent with the table DDL, in its transaction (the CLI's SET LOCAL).</summary>
    public const string SetLockTimeout = "SET LOCAL lock_timeout = '4s'";

    public const string CreateSchema = "CREATE SCHEMA IF NOT EXISTS supabase_migrations";

    public const string CreateTable = "CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY)";

    public const string AddStatementsColumn = "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[]";

    public const string AddNameColumn = "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text";

    public const string Insert = "INSERT INTO supabase_migrations.schema_migrations(version, name, statements) VALUES($1, $2, $3)";

    /// <summary><c>migration repair --status applied</c>.</summary>
    public const string Upsert = Insert + " ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, statements = EXCLUDED.statements";

    /// <summary><c>migration repair --status reverted</c>.</summary>
    public const string Delete = "DELETE FROM supabase_migrations.schema_migrations WHERE version = ANY($1)";

    /// <summary>What the CLI reads (<c>migration fetch</c>, repair).</summary>
    public const string Select = "SELECT version, coalesce(name, '') as name, statements FROM supabase_migrations.schema_migrations";

    /// <summary>What <c>migration list</c> and <c>db push</c> read.</summary>
    public const string ListVersions = "SELECT version FROM supabase_migrations.schema_migrations ORDER BY version";

    /// <summary>The table creation, in the CLI's order.</summary>
    public static IReadOnlyList<string> CreateTableStatements { get; } = [CreateSchema, CreateTable, AddStatementsColumn, AddNameColumn];
}
