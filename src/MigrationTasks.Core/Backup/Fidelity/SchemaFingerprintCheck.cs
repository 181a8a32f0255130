using MigrationTasks.Integrity;

namespace MigrationTasks.Backup.Fidelity;

/// <summary>The restored catalog's fingerprint equals the backup's (schemas kept from the target left out).</summary>
public sealed class SchemaFingerprintCheck : IFidelityCheck
{
    public string Name => "schema-fingerprint";

    public async Task<FidelityCheckResult> RunAsync(FidelityContext context, CancellationToken cancellationToken)
    {
        var census = await context.CensusAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var expected = context.ExpectedFingerprint.Without(context.DataOnlySchemas);
        var actual = census.Fingerprint.Without(context.DataOnlySchemas);
        var scope = context.DataOnlySchemas.Count == 0 ? "" : $" (definitions in {string.Join(", ", context.DataOnlySchemas)} are the target's own and not compared)";
        if (expected.Hash == actual.Hash)
        {
            return new FidelityCheckResult(Name, true, $"equal: {actual.Hash} over {actual.Lines.Count} objects{scope}", []);
        }

        var differences = SchemaFingerprint.Differences(expected, actual, 50);
        return new FidelityCheckResult(Name, false,
            $"the restored schema differs from the backup's ({expected.Hash} expected, {actual.Hash} found); first difference: {differences.FirstOrDefault()}{scope}",
            differences);
    }
}
