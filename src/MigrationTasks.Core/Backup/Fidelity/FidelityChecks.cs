namespace MigrationTasks.Backup.Fidelity;

/// <summary>The checks a restore and a clone run, and how to run a list of them.</summary>
public static class FidelityChecks
{
    /// <summary>Schema fingerprint, exact row counts, content checksums of the sample. The schema diff (issue 4) joins here.</summary>
    public static IReadOnlyList<IFidelityCheck> Default { get; } = [new SchemaFingerprintCheck(), new RowCountCheck(), new ContentChecksumCheck()];

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
