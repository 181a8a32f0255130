using MigrationTasks.Backup;
using MigrationTasks.Integrity;
using MigrationTasks.Tests.Infrastructure;
using Npgsql;

namespace MigrationTasks.Tests.Smoke;

/// <summary>The repository's smoke file, and a census of a database to prove a smoke run kept nothing.</summary>
public static class SmokeCensus
{
    public static string SmokeFile => Path.Combine(TestTemplates.SupabaseDirectory, "tests", "smoke.yaml");

    /// <summary>
    /// Every table's exact row count and content checksum (all schemas), and the schema fingerprint. Sequence positions
    /// are left out: sequences are not transactional, so a rolled-back insert still moves them, as on any database.
    /// </summary>
    public static async Task<string> TakeAsync(TestDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.Connection.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var tables = await TableContents.ListTablesAsync(connection, SchemaSelection.All, cancellationToken);
        var measured = await TableContents.MeasureAsync([connection], tables, tables.ToDictionary(t => t.Table, _ => ChecksumMethod.Auto), insideTransaction: false, cancellationToken);
        var fingerprint = await SchemaFingerprint.ComputeAsync(connection, SchemaSelection.All, cancellationToken);
        return string.Join('\n', measured.Select(m => $"{m.Table} {m.Rows} {m.Checksum}")) + "\n" + string.Join('\n', fingerprint.Lines);
    }
}
