using Npgsql;

namespace MigrationTasks.Migrations;

/// <summary>A row of the CLI's <c>schema_migrations</c>.</summary>
public sealed record AppliedVersion(string Version, string Name, IReadOnlyList<string>? Statements);

/// <summary>A row of <c>migrationtasks_applied</c>.</summary>
public sealed record BookkeepingRow(string Version, string Sha256, DateTime AppliedAt, long DurationMs, string ToolVersion, string How);

/// <summary>A row of <c>migrationtasks_progress</c>: a file left part-way by an interrupted run.</summary>
public sealed record ProgressRow(string Version, string Sha256, int SegmentsDone, int SegmentsTotal);

/// <summary>What a database's history says: the CLI's rows, in version order, and our bookkeeping beside them.</summary>
public sealed class MigrationHistory
{
    public MigrationHistory(bool tableExists, bool provisioned, IReadOnlyList<AppliedVersion> applied,
        IReadOnlyDictionary<string, BookkeepingRow> bookkeeping, IReadOnlyDictionary<string, ProgressRow> progress)
    {
        TableExists = tableExists;
        Provisioned = provisioned;
        Applied = [.. applied.OrderBy(a => a.Version, StringComparer.Ordinal)];
        Bookkeeping = bookkeeping;
        Progress = progress;
        AppliedVersions = Applied.Select(a => a.Version).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>False when the database has never been migrated (a missing table reads as "no migrations", as in the CLI).</summary>
    public bool TableExists { get; }

    /// <summary>True when the CLI's table has all three columns (the CLI then skips its DDL too).</summary>
    public bool Provisioned { get; }

    public IReadOnlyList<AppliedVersion> Applied { get; }

    public IReadOnlySet<string> AppliedVersions { get; }

    public IReadOnlyDictionary<string, BookkeepingRow> Bookkeeping { get; }

    public IReadOnlyDictionary<string, ProgressRow> Progress { get; }

    public string? NewestVersion => Applied.Count == 0 ? null : Applied[^1].Version;

    public static MigrationHistory Empty { get; } = new(false, false, [], new Dictionary<string, BookkeepingRow>(), new Dictionary<string, ProgressRow>());

    /// <summary>Reads the history with the CLI's own query; our tables when they exist.</summary>
    internal static async Task<MigrationHistory> ReadAsync(SqlSession session, CancellationToken cancellationToken)
    {
        var columns = await session.QueryAsync(
            "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a " +
            "WHERE a.attrelid = pg_catalog.to_regclass('supabase_migrations.schema_migrations') AND a.attnum > 0 AND NOT a.attisdropped",
            r => (Name: r.GetString(0), Type: r.GetString(1)), cancellationToken).ConfigureAwait(false);
        if (columns.Count == 0)
        {
            return Empty;
        }

        var types = columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        if (!types.TryGetValue("version", out var versionType))
        {
            throw Errors.Errors.HistoryTableUnusable("it has no version column");
        }

        var hasStatements = types.TryGetValue("statements", out var statementsType);
        if (hasStatements && statementsType != "text[]")
        {
            throw Errors.Errors.HistoryTableUnusable($"its statements column is {statementsType}, not text[]");
        }

        var provisioned = hasStatements && types.ContainsKey("name") && versionType == "text";

        // The CLI's query verbatim when the table is the CLI's; columns the CLI adds later read as empty otherwise.
        var select = provisioned
            ? SupabaseHistorySql.Select
            : $"SELECT version::text, {(types.ContainsKey("name") ? "coalesce(name, '')" : "''")} as name, {(hasStatements ? "statements" : "NULL::text[]")} FROM supabase_migrations.schema_migrations";
        var applied = await session.QueryAsync(select,
            r => new AppliedVersion(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetFieldValue<string[]>(2)),
            cancellationToken).ConfigureAwait(false);

        var bookkeeping = new Dictionary<string, BookkeepingRow>(StringComparer.Ordinal);
        var progress = new Dictionary<string, ProgressRow>(StringComparer.Ordinal);
        if (await TableExistsAsync(session, BookkeepingSql.AppliedTable, cancellationToken).ConfigureAwait(false))
        {
            foreach (var row in await session.QueryAsync(BookkeepingSql.SelectApplied,
                r => new BookkeepingRow(r.GetString(0), r.GetString(1), r.GetDateTime(2), r.GetInt64(3), r.GetString(4), r.GetString(5)), cancellationToken).ConfigureAwait(false))
            {
                bookkeeping[row.Version] = row;
            }
        }

        if (await TableExistsAsync(session, BookkeepingSql.ProgressTable, cancellationToken).ConfigureAwait(false))
        {
            foreach (var row in await session.QueryAsync(BookkeepingSql.SelectProgress,
                r => new ProgressRow(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3)), cancellationToken).ConfigureAwait(false))
            {
                progress[row.Version] = row;
            }
        }

        return new MigrationHistory(true, provisioned, applied, bookkeeping, progress);
    }

    /// <summary>
    /// Creates what is missing: the CLI's table exactly as the CLI does (same statements, one transaction,
    /// skipped when already provisioned, as the CLI skips it), then our bookkeeping tables beside it.
    /// Called under the migration lock: CREATE TABLE IF NOT EXISTS is not safe against a concurrent creator.
    /// </summary>
    internal static async Task EnsureTablesAsync(SqlSession session, bool provisioned, CancellationToken cancellationToken)
    {
        if (!provisioned)
        {
            await InTransactionAsync(session, [SupabaseHistorySql.SetLockTimeout, .. SupabaseHistorySql.CreateTableStatements], cancellationToken).ConfigureAwait(false);
        }

        if (!await TableExistsAsync(session, BookkeepingSql.AppliedTable, cancellationToken).ConfigureAwait(false)
            || !await TableExistsAsync(session, BookkeepingSql.ProgressTable, cancellationToken).ConfigureAwait(false))
        {
            await InTransactionAsync(session, [SupabaseHistorySql.SetLockTimeout, .. BookkeepingSql.CreateTableStatements], cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task InTransactionAsync(SqlSession session, IEnumerable<string> statements, CancellationToken cancellationToken)
    {
        try
        {
            await session.ExecuteAsync("BEGIN", cancellationToken).ConfigureAwait(false);
            foreach (var statement in statements)
            {
                await session.ExecuteAsync(statement, cancellationToken).ConfigureAwait(false);
            }

            await session.ExecuteAsync("COMMIT", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException)
        {
            await session.RollbackQuietlyAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<bool> TableExistsAsync(SqlSession session, string table, CancellationToken cancellationToken) =>
        await session.ScalarAsync<bool>("SELECT pg_catalog.to_regclass($1) IS NOT NULL", cancellationToken, table).ConfigureAwait(false);
}
