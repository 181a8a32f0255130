namespace MigrationTasks.Backup.Fidelity;

/// <summary>The checks a restore and a clone run, and how to run a list of them.</summary>
public static class FidelityChecks
{
    /// <summary>Schema fingerprint, exact row counts, content checksums of the sample: what a restore from a folder can prove.</summary>
    public static IReadOnlyList<IFidelityCheck> Default { get; } = [new SchemaFingerprintCheck(), new RowCountCheck(), new ContentChecksumCheck()];

    /// <summary>A clone can also read production: the default checks plus an empty schema diff against it.</summary>
    public static IReadOnlyList<IFidelityCheck> Clone { get; } = [.. Default, new SchemaDiffCheck()];

    /// <summary>Runs every check (a failing one does not stop the others) and collects the results.</summary>
    public static async Task<FidelityReport> RunAsync(FidelityContext context, IEnumerable<IFidelityCheck> checks, CancellationToken cancellationToken)
    {
        var results = new List<FidelityCheckResult>();
        foreach (var check in checks)
        {
            results.Add(await check.RunAsync(context, cancellationToken).ConfigureAwait(false));
        }

        return new FidelityReport(results);
    }
}
