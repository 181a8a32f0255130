namespace MigrationTasks.Migrations;

/// <summary>
/// MigrationTasks' own bookkeeping, in tables beside the CLI's (which has no checksum, time or duration):
/// <c>migrationtasks_applied</c>, one row per applied file; <c>migrationtasks_progress</c>, one row per file
/// with non-transactional statements that an interrupted run left part-way.
/// </summary>
public static class BookkeepingSql
{
    public const string AppliedTable = "supabase_migrations.migrationtasks_applied";

    public const string ProgressTable = "supabase_migrations.migrationtasks_progress";

    public static IReadOnlyList<string> CreateTableStatements { get; } =
    [
        $"""
        CREATE TABLE IF NOT EXISTS {AppliedTable} (
            version text NOT NULL PRIMARY KEY,
            name text NOT NULL,
            sha256 text NOT NULL,
            statement_count integer NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(),
            duration_ms bigint NOT NULL,
            applied_by text NOT NULL DEFAULT current_user,
            tool_version text NOT NULL,
            how text NOT NULL
        )
        """,
        $"COMMENT ON TABLE {AppliedTable} IS 'MigrationTasks: checksum, time and duration of each applied migration, beside the Supabase CLI''s schema_migrations. how = applied | resumed | repaired.'",
        $"""
        CREATE TABLE IF NOT EXISTS {ProgressTable} (
            version text NOT NULL PRIMARY KEY,
            sha256 text NOT NULL,
            segments_done integer NOT NULL,
            segments_total integer NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        $"COMMENT ON TABLE {ProgressTable} IS 'MigrationTasks: how far an interrupted run got through a migration with non-transactional statements, so the next run resumes there.'",
    ];

    public const string UpsertApplied =
        $"INSERT INTO {AppliedTable}(version, name, sha256, statement_count, duration_ms, tool_version, how) VALUES($1, $2, $3, $4, $5, $6, $7) " +
        "ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, sha256 = EXCLUDED.sha256, statement_count = EXCLUDED.statement_count, " +
        "applied_at = now(), duration_ms = EXCLUDED.duration_ms, applied_by = current_user, tool_version = EXCLUDED.tool_version, how = EXCLUDED.how";

    public const string DeleteApplied = $"DELETE FROM {AppliedTable} WHERE version = ANY($1)";

    public const string UpsertProgress =
        $"INSERT INTO {ProgressTable}(version, sha256, segments_done, segments_total) VALUES($1, $2, $3, $4) " +
        "ON CONFLICT (version) DO UPDATE SET sha256 = EXCLUDED.sha256, segments_done = EXCLUDED.segments_done, segments_total = EXCLUDED.segments_total, updated_at = now()";

    public const string DeleteProgress = $"DELETE FROM {ProgressTable} WHERE version = ANY($1)";

    public const string SelectApplied = $"SELECT version, sha256, applied_at, duration_ms, tool_version, how FROM {AppliedTable}";

    public const string SelectProgress = $"SELECT version, sha256, segments_done, segments_total FROM {ProgressTable}";
}
