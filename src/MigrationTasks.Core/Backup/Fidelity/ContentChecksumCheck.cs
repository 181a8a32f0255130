namespace MigrationTasks.Backup.Fidelity;

/// <summary>
/// The sample of tables the backup checksummed (in the dump's snapshot) has the same content checksum in the
/// restored database: same rows, same values, whatever their order.
/// </summary>
public sealed class ContentChecksumCheck : IFidelityCheck
{
    public string Name => "content-checksums";

    public async Task<FidelityCheckResult> RunAsync(FidelityContext context, CancellationToken cancellationToken)
    {
        var sample = context.Expected.Tables.Where(t => t.Checksum is not null && !context.SkippedTables.Contains(t.Table)).ToList();
        if (sample.Count == 0)
        {
            return new FidelityCheckResult(Name, true, "no table was checksummed at backup time (ChecksumTables=0)", []);
        }

        var census = await context.CensusAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var actual = census.Tables.ToDictionary(t => t.Table);
        var details = sample
            .Where(t => !actual.TryGetValue(t.Table, out var found) || found.Checksum != t.Checksum)
            .Select(t => $"{t.Table}: checksum {(actual.TryGetValue(t.Table, out var found) ? found.Checksum ?? "none" : "table missing")}, expected {t.Checksum}")
            .ToList();
        var tables = string.Join(", ", sample.Select(t => t.Table));
        return details.Count == 0
            ? new FidelityCheckResult(Name, true, $"equal on {sample.Count} tables ({tables})", [])
            : new FidelityCheckResult(Name, false, $"{details.Count} of {sample.Count} checksummed tables differ; first: {details[0]}", details);
    }
}
