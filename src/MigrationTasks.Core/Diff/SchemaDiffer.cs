using MigrationTasks.Catalog.Model;
using MigrationTasks.Diff.Planning;

namespace MigrationTasks.Diff;

/// <summary>
/// Compares two catalogs: the desired one (what the migrations build) and the actual one (the database to
/// change). Plan (what happens to each object), statements (the SQL of each change, with its hazards) and
/// order (one script that runs from the actual state to the desired one) are separate stages.
/// </summary>
public static class SchemaDiffer
{
    public static SchemaDiff Compare(DatabaseCatalog desired, DatabaseCatalog actual, DiffOptions? options = null)
    {
        options ??= new DiffOptions();
        var plan = new ChangePlanner(desired, actual).Plan();
        var changes = new StatementBuilder(desired, actual, plan, options).Build();
        var steps = new StepOrderer(desired, actual).Order(changes.SelectMany(c => c.Steps).ToList());
        if (!options.AllowDestructive)
        {
            Withhold(steps, actual);
        }

        return new SchemaDiff(desired, actual, changes, steps, plan.Causes);
    }

    /// <summary>
    /// Leaves destructive statements out (commented, with the reason), and with them what cannot run while the
    /// object they would have dropped is still there.
    /// </summary>
    private static void Withhold(IReadOnlyList<Step> steps, DatabaseCatalog actual)
    {
        var queue = new Queue<Step>();
        foreach (var step in steps.Where(s => s.Destructive))
        {
            step.WithheldBecause = "destructive: " + string.Join("; ", step.Hazards.Where(h => h.Kind == HazardKind.DataLoss).Select(h => h.Message).DefaultIfEmpty("may lose data"))
                + " (set AllowDestructive=true to include it)";
            queue.Enqueue(step);
        }

        while (queue.Count > 0)
        {
            var withheld = queue.Dequeue();
            var stillThere = withheld.Drops.Concat(withheld.Alters).ToHashSet(StringComparer.Ordinal);
            var needed = stillThere.SelectMany(k => actual.DependenciesOf(k)).Where(d => d.Kind != DependencyKind.Soft).Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var step in steps)
            {
                if (step.WithheldBecause is not null)
                {
                    continue;
                }

                var blocked = step.Drops.Concat(step.Releases).Any(needed.Contains)
                    || step.Creates.Any(withheld.Drops.Contains)
                    || step.Alters.Any(withheld.Drops.Contains);
                if (blocked)
                {
                    step.WithheldBecause = $"depends on a withheld statement ({withheld.Change.Object.KindName} {withheld.Change.Object.DisplayName})";
                    queue.Enqueue(step);
                }
            }
        }
    }
}

/// <summary>The result of a comparison: the changes (for reports) and their statements in a runnable order.</summary>
public sealed class SchemaDiff(DatabaseCatalog desired, DatabaseCatalog actual, IReadOnlyList<Change> changes, IReadOnlyList<Step> steps, IReadOnlyDictionary<string, string> causes)
{
    public DatabaseCatalog Desired { get; } = desired;

    public DatabaseCatalog Actual { get; } = actual;

    public IReadOnlyList<Change> Changes { get; } = changes;

    /// <summary>Every statement, in the order the script runs them.</summary>
    public IReadOnlyList<Step> Steps { get; } = steps;

    /// <summary>For changes made only because another one is: that change's key (what guards them in a migration).</summary>
    public IReadOnlyDictionary<string, string> Causes { get; } = causes;

    /// <summary>No difference at all: the databases have the same schema.</summary>
    public bool IsEmpty => Changes.Count == 0;
}
