using MigrationTasks.Connections;
using MigrationTasks.Integrity;
using MigrationTasks.Servers;

namespace MigrationTasks.Backup.Fidelity;

/// <summary>
/// What the checks compare: the backup's manifest and fingerprint (the expected side) and the restored database.
/// The restored database is read once, lazily, and shared by all checks: its fingerprint, its tables, and their exact
/// row counts and checksums (for the tables the manifest has checksums for), over <see cref="Parallelism"/> connections.
/// </summary>
public sealed class FidelityContext
{
    private readonly Lazy<Task<RestoredCensus>> _census;

    public FidelityContext()
    {
        _census = new(() => ReadCensusAsync(CancellationToken.None));
    }

    public required BackupManifest Expected { get; init; }

    public required SchemaFingerprint ExpectedFingerprint { get; init; }

    /// <summary>The restored database.</summary>
    public required DatabaseConnection Target { get; init; }

    /// <summary>The live source, when the check may read it (a clone); null for a restore from a folder.</summary>
    public DatabaseConnection? Source { get; init; }

    /// <summary>Schemas whose definitions the target kept (a data-only restore into a Supabase project): not compared.</summary>
    public IReadOnlyCollection<string> DataOnlySchemas { get; init; } = [];

    /// <summary>Tables whose rows were deliberately not restored: not compared.</summary>
    public IReadOnlySet<TableName> SkippedTables { get; init; } = new HashSet<TableName>();

    public int Parallelism { get; init; } = 2;

    /// <summary>Tables already measured in the restored database (during the restore); the rest are measured on demand.</summary>
    public IReadOnlyList<TableMeasurement> MeasuredTables { get; init; } = [];

    /// <summary>The schemas the backup covers, from the manifest.</summary>
    public SchemaSelection Selection => new(Expected.ExcludedSchemas);

    /// <summary>The restored database's fingerprint, tables and measurements (read once).</summary>
    public Task<RestoredCensus> CensusAsync() => _census.Value;

    private async Task<RestoredCensus> ReadCensusAsync(CancellationToken cancellationToken)
    {
        // The same method as at backup time, strictly: a checksum is only comparable with one computed the same way.
        var expectedChecksums = Expected.Tables.Where(t => TableContents.MethodOf(t.Checksum) is not null)
            .ToDictionary(t => t.Table, t => TableContents.MethodOf(t.Checksum)!.Value);
        var sessions = new List<Npgsql.NpgsqlConnection>();
        try
        {
            for (var i = 0; i < (MeasuredTables.Count > 0 ? 1 : Math.Max(1, Parallelism)); i++)
            {
                sessions.Add(await ServerInfo.OpenAsync(Target.With(b => b.Pooling = false), cancellationToken).ConfigureAwait(false));
            }

            var fingerprint = await SchemaFingerprint.ComputeAsync(sessions[0], Selection, cancellationToken).ConfigureAwait(false);
            var tables = await TableContents.ListTablesAsync(sessions[0], Selection, cancellationToken).ConfigureAwait(false);
            var known = MeasuredTables.Select(t => t.Table).ToHashSet();
            var measured = await TableContents.MeasureAsync(sessions, [.. tables.Where(t => !known.Contains(t.Table))], expectedChecksums, insideTransaction: false, cancellationToken)
                .ConfigureAwait(false);
            var present = tables.Select(t => t.Table).ToHashSet();
            return new RestoredCensus(fingerprint, [.. MeasuredTables.Where(t => present.Contains(t.Table)).Concat(measured).OrderBy(t => t.Table)]);
        }
        finally
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

/// <summary>The restored database as read by <see cref="FidelityContext.CensusAsync"/>.</summary>
public sealed record RestoredCensus(SchemaFingerprint Fingerprint, IReadOnlyList<TableMeasurement> Tables);
