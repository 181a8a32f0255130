using System.Globalization;

namespace MigrationTasks.Backup.Fidelity;

/// <summary>Every table of the backup exists in the restored database with exactly the manifest's row count, and no table is extra.</summary>
public sealed class RowCountCheck : IFidelityCheck
{
    public string Name => "row-counts";

    public async Task<FidelityCheckResult> RunAsync(FidelityContext context, CancellationToken cancellationToken)
    {
        var census = await context.CensusAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var actual = census.Tables.ToDictionary(t => t.Table);
        var expected = context.Expected.Tables.Where(t => !context.SkippedTables.Contains(t.Table)).ToList();
        var details = new List<string>();
        foreach (var table in expected)
        {
            if (!actual.TryGetValue(table.Table, out var found))
            {
                details.Add($"{table.Table}: missing (expected {table.Rows} rows)");
            }
            else if (found.Rows != table.Rows)
            {
                details.Add(string.Create(CultureInfo.InvariantCulture, $"{table.Table}: {found.Rows} rows, expected {table.Rows} ({found.Rows - table.Rows:+#;-#})"));
            }
        }

        var known = context.Expected.Tables.Select(t => t.Table).ToHashSet();
        details.AddRange(census.Tables.Where(t => !known.Contains(t.Table) && !context.DataOnlySchemas.Contains(t.Table.Schema))
            .Select(t => $"{t.Table}: not in the backup ({t.Rows} rows)"));

        var rows = expected.Sum(t => t.Rows);
        var skipped = context.SkippedTables.Count == 0 ? "" : $"; {context.SkippedTables.Count} tables deliberately not restored ({string.Join(", ", context.SkippedTables)})";
        return details.Count == 0
            ? new FidelityCheckResult(Name, true, string.Create(CultureInfo.InvariantCulture, $"equal: {expected.Count} tables, {rows:N0} rows{skipped}"), [])
            : new FidelityCheckResult(Name, false, $"{details.Count} of {expected.Count} tables differ; first: {details[0]}", [.. details.Take(100)]);
    }
}
