using MigrationTasks.Errors;
using MigrationTasks.Common;
using MigrationTasks.Sql;

namespace MigrationTasks.Migrations;

/// <summary>
/// CREATE INDEX CONCURRENTLY leaves an INVALID index behind when it fails (or is interrupted): the index
/// exists, is maintained on every write, and is never used, and with IF NOT EXISTS a rerun keeps it as it is.
/// This drops such an index before the build (left by an earlier run) and after a failed build.
/// </summary>
internal sealed class ConcurrentIndexBuild
{
    private readonly string _table;
    private readonly string? _name;
    private HashSet<long> _invalidBefore = [];

    private ConcurrentIndexBuild(string table, string? name)
    {
        _table = table;
        _name = name;
    }

    /// <summary>The build a statement is, or null when it is not CREATE [UNIQUE] INDEX CONCURRENTLY.</summary>
    public static ConcurrentIndexBuild? Parse(string statement)
    {
        var tokens = SqlTokens.Read(statement, 40);
        var i = tokens.Count > 1 && tokens[1].Is("UNIQUE") ? 2 : 1;
        if (tokens.Count < i + 4 || !tokens[0].Is("CREATE") || !tokens[i].Is("INDEX") || !tokens[i + 1].Is("CONCURRENTLY"))
        {
            return null;
        }

        i += 2;
        if (tokens[i].Is("IF"))
        {
            i += 3; // IF NOT EXISTS
        }

        string? name = null;
        if (i < tokens.Count && !tokens[i].Is("ON"))
        {
            name = NameOf(tokens[i]);
            i++;
        }

        if (i >= tokens.Count || !tokens[i].Is("ON"))
        {
            return null;
        }

        i++;
        if (i < tokens.Count && tokens[i].Is("ONLY"))
        {
            i++;
        }

        if (i >= tokens.Count || tokens[i].Kind is not (SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier))
        {
            return null;
        }

        // The table as written (quotes kept): to_regclass reads it with the same rules.
        var table = tokens[i].Text;
        if (i + 2 < tokens.Count && tokens[i + 1].Text == "." && tokens[i + 2].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
        {
            table += "." + tokens[i + 2].Text;
        }

        return new ConcurrentIndexBuild(table, name);
    }

    /// <summary>Before the build: drops an INVALID index of that name on that table, left by an earlier failed or interrupted run.</summary>
    public async Task BeforeAsync(SqlSession session, string fileName, IEngineLog log, CancellationToken cancellationToken)
    {
        var indexes = await InvalidIndexesAsync(session, cancellationToken).ConfigureAwait(false);
        _invalidBefore = [.. indexes.Select(x => x.Oid)];
        if (_name is null)
        {
            return;
        }

        foreach (var leftover in indexes.Where(x => x.Name == _name))
        {
            log.Warning(MigrationWarnings.InvalidIndexDropped,
                $"{fileName}: dropping the INVALID index {leftover.Qualified} left by an earlier failed or interrupted CREATE INDEX CONCURRENTLY, so it can be built again.");
            await session.ExecuteAsync($"DROP INDEX CONCURRENTLY IF EXISTS {leftover.Qualified}", cancellationToken).ConfigureAwait(false);
            _invalidBefore.Remove(leftover.Oid);
        }
    }

    /// <summary>After a failed build: drops the INVALID index it left (never one that was there before it).</summary>
    public async Task AfterFailureAsync(SqlSession session, string fileName, IEngineLog log)
    {
        try
        {
            foreach (var created in (await InvalidIndexesAsync(session, CancellationToken.None).ConfigureAwait(false))
                .Where(x => !_invalidBefore.Contains(x.Oid) && (_name is null || x.Name == _name)))
            {
                await session.ExecuteAsync($"DROP INDEX CONCURRENTLY IF EXISTS {created.Qualified}", CancellationToken.None).ConfigureAwait(false);
                log.Warning(MigrationWarnings.InvalidIndexDropped, $"{fileName}: dropped the INVALID index {created.Qualified} that the failed CREATE INDEX CONCURRENTLY left behind.");
            }
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or InvalidOperationException or IOException)
        {
            // The connection is gone; the next run drops the leftover before building again.
            log.Detail($"{fileName}: could not check for an INVALID index after the failure ({exception.Message}); the next run will.");
        }
    }

    private async Task<List<(long Oid, string Name, string Qualified)>> InvalidIndexesAsync(SqlSession session, CancellationToken cancellationToken) =>
        await session.QueryAsync(
            "SELECT c.oid::bigint, c.relname::text, n.nspname::text FROM pg_catalog.pg_index i " +
            "JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE i.indrelid = pg_catalog.to_regclass($1) AND NOT i.indisvalid",
            r => (r.GetInt64(0), r.GetString(1), SqlQuote.Qualified(r.GetString(2), r.GetString(1))),
            cancellationToken, _table).ConfigureAwait(false);

    private static string NameOf(SqlToken token) =>
        token.Kind == SqlTokenKind.QuotedIdentifier ? token.Value : token.Text.ToLowerInvariant();
}
