using System.Globalization;
using System.Text;
using MigrationTasks.Catalog;
using MigrationTasks.Catalog.Model;
using MigrationTasks.Conformance;
using MigrationTasks.Connections;
using MigrationTasks.Diff;
using MigrationTasks.Diff.Align;
using MigrationTasks.Diff.Classification;
using MigrationTasks.Diff.Reports;
using MigrationTasks.Diff.Sql;
using MigrationTasks.Errors;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Tests.Diff.Conformance;

public enum Outcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>One direction of one case (or the whole case, when skipped).</summary>
public sealed record CaseResult(CorpusCase Case, string Direction, Outcome Outcome, string Detail);

/// <summary>
/// Proves the differ on the corpus: for each case and each direction, build both states (from template
/// databases, seeded), diff, apply the script to the source with psql, then require an empty re-diff
/// and equal normalised <c>pg_dump --schema-only</c> output (an oracle independent of the differ's own catalog).
/// Both directions are planned from the pristine states before either script runs, so each script is applied
/// to its own source database. The align migration (the idempotent form of the same fixes) is proven on two
/// more copies: it brings the source to the target, changes nothing on the target, and changes nothing when
/// run twice.
/// </summary>
public sealed class ConformanceRunner(IPostgresServer server, PostgresInstallation binaries, string workFolder)
{
    /// <summary>Object kinds left out on purpose, with the reason (see <see cref="CorpusScope"/>).</summary>
    public static IReadOnlyDictionary<string, string> OutOfScope => CorpusScope.OutOfScope;

    private readonly CorpusDatabases _databases = new(server, binaries);

    private int _counter;

    public async Task<IReadOnlyList<CaseResult>> RunAsync(IReadOnlyList<CorpusCase> cases, int parallelism, CancellationToken cancellationToken)
    {
        var results = new List<CaseResult>();
        var major = server.ServerVersion.Major;
        var toRun = new List<CorpusCase>();
        foreach (var item in cases)
        {
            var reason = CorpusScope.SkipReason(item, major);
            if (reason is null)
            {
                toRun.Add(item);
            }
            else
            {
                results.Add(new CaseResult(item, "both", Outcome.Skipped, reason));
            }
        }

        await Parallel.ForEachAsync(toRun, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            var caseResults = await RunCaseAsync(item, ct);
            lock (results)
            {
                results.AddRange(caseResults);
            }
        });
        return results.OrderBy(r => r.Case.Name, StringComparer.Ordinal).ThenBy(r => r.Direction, StringComparer.Ordinal).ToList();
    }

    private async Task<IReadOnlyList<CaseResult>> RunCaseAsync(CorpusCase item, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);
        var a = $"conformance_{id}_a";
        var b = $"conformance_{id}_b";
        var (alignA, alignB) = (a + "_align", b + "_align");
        var results = new List<CaseResult>();
        try
        {
            await _databases.BuildAsync(a, item.StateA, item.SeedA, cancellationToken);
            await _databases.BuildAsync(b, item.StateB, item.SeedB, cancellationToken);
            await _databases.CopyAsync(a, alignA, cancellationToken);
            await _databases.CopyAsync(b, alignB, cancellationToken);
            var state = new States(
                await CatalogReader.ReadAsync(Database(a), cancellationToken),
                await CatalogReader.ReadAsync(Database(b), cancellationToken),
                await _databases.NormalizedDumpAsync(a, cancellationToken),
                await _databases.NormalizedDumpAsync(b, cancellationToken));

            // Both directions are planned from the pristine states; each script then runs on its own database.
            var toB = SchemaDiffer.Compare(state.CatalogB, state.CatalogA, new DiffOptions { AllowDestructive = true });
            var toA = SchemaDiffer.Compare(state.CatalogA, state.CatalogB, new DiffOptions { AllowDestructive = true });
            var alignToB = await WriteAsync(item, "a-to-b.align", Align(toB), cancellationToken);
            var alignToA = await WriteAsync(item, "b-to-a.align", Align(toA), cancellationToken);

            var ab = await ScriptAsync(item, "a→b", a, toB, state.CatalogB, state.DumpB, cancellationToken)
                ?? await AlignAsync(item, "a→b", alignA, alignToA, state.CatalogA, state.DumpA, alignToB, state.CatalogB, state.DumpB, cancellationToken);
            var ba = await ScriptAsync(item, "b→a", b, toA, state.CatalogA, state.DumpA, cancellationToken)
                ?? await AlignAsync(item, "b→a", alignB, alignToB, state.CatalogB, state.DumpB, alignToA, state.CatalogA, state.DumpA, cancellationToken);
            results.Add(ab ?? new CaseResult(item, "a→b", Outcome.Passed, $"{toB.Steps.Count} statements"));
            results.Add(ba ?? new CaseResult(item, "b→a", Outcome.Passed, $"{toA.Steps.Count} statements"));
        }
        catch (Exception exception) when (exception is MigrationTasksException or NpgsqlException)
        {
            results.Add(new CaseResult(item, "setup", Outcome.Failed, exception.Message));
        }
        finally
        {
            foreach (var database in new[] { a, b, alignA, alignB })
            {
                await _databases.DropAsync(database);
            }
        }

        return results;
    }

    private sealed record States(DatabaseCatalog CatalogA, DatabaseCatalog CatalogB, IReadOnlyList<string> DumpA, IReadOnlyList<string> DumpB);

    /// <summary>The diff script on the source: it must apply, re-diff empty and dump like the target. Null when it does.</summary>
    private async Task<CaseResult?> ScriptAsync(CorpusCase item, string direction, string source, SchemaDiff diff, DatabaseCatalog targetCatalog,
        IReadOnlyList<string> targetDump, CancellationToken cancellationToken)
    {
        var script = await WriteAsync(item, direction == "a→b" ? "a-to-b" : "b-to-a", ScriptRenderer.Render(diff.Steps, $"{item.Name} {direction}"), cancellationToken);
        return await _databases.ApplyAsync(source, script, singleTransaction: false, cancellationToken) is { } failure
            ? new CaseResult(item, direction, Outcome.Failed, $"applying the script failed: {failure} (script: {script})")
            : await SameAsync(item, direction, "the script", source, targetCatalog, targetDump, script, cancellationToken);
    }

    /// <summary>
    /// The align migration of this direction, on a pristine copy of the source that first receives the other
    /// direction's align migration (which must change nothing there, its target): then this one must bring it to
    /// the target, and a second run must change nothing. Null when all holds.
    /// </summary>
    private async Task<CaseResult?> AlignAsync(CorpusCase item, string direction, string database, string otherAlign, DatabaseCatalog sourceCatalog,
        IReadOnlyList<string> sourceDump, string align, DatabaseCatalog targetCatalog, IReadOnlyList<string> targetDump, CancellationToken cancellationToken)
    {
        var other = direction == "a→b" ? "b→a" : "a→b";
        if (await ApplyMigrationAsync(database, otherAlign, cancellationToken) is { } noOpFailure)
        {
            return new CaseResult(item, direction, Outcome.Failed, $"the {other} align migration failed on its target: {noOpFailure} (migration: {otherAlign})");
        }

        if (await SameAsync(item, direction, $"the {other} align migration on its target (must change nothing)", database, sourceCatalog, sourceDump, otherAlign, cancellationToken) is { } changed)
        {
            return changed;
        }

        for (var run = 1; run <= 2; run++)
        {
            if (await ApplyMigrationAsync(database, align, cancellationToken) is { } failure)
            {
                return new CaseResult(item, direction, Outcome.Failed, $"the align migration failed (run {run}): {failure} (migration: {align})");
            }

            if (await SameAsync(item, direction, $"the align migration (run {run})", database, targetCatalog, targetDump, align, cancellationToken) is { } different)
            {
                return different;
            }
        }

        return null;
    }

    /// <summary>Null when the database re-diffs empty against the target and dumps like it.</summary>
    private async Task<CaseResult?> SameAsync(CorpusCase item, string direction, string what, string database, DatabaseCatalog targetCatalog,
        IReadOnlyList<string> targetDump, string file, CancellationToken cancellationToken)
    {
        var again = SchemaDiffer.Compare(targetCatalog, await CatalogReader.ReadAsync(Database(database), cancellationToken), new DiffOptions { AllowDestructive = true });
        if (!again.IsEmpty)
        {
            return new CaseResult(item, direction, Outcome.Failed, $"after {what}, the re-diff is not empty: {string.Join(" | ", again.Changes.Take(5))} ({file})");
        }

        var difference = SchemaDump.Difference(await _databases.NormalizedDumpAsync(database, cancellationToken), targetDump);
        return difference.Length == 0 ? null : new CaseResult(item, direction, Outcome.Failed, $"after {what}: {difference} ({file})");
    }

    /// <summary>The align migration of a diff, as the align template renders it (nothing withheld: AllowDestructive).</summary>
    private static string Align(SchemaDiff diff)
    {
        DiffReport.Classify(diff.Changes);
        var report = new DiffReport
        {
            From = "source",
            To = "target",
            Diff = diff,
            Scope = DiffScope.Apply(diff.Desired, diff.Actual, DiffProfile.None, DiffConfig.Empty),
            Profile = DiffProfile.None,
            Options = new DiffOptions { AllowDestructive = true },
            ScriptPath = "prod_diff.sql",
        };
        return AlignRenderer.Render(AlignModel.FromReport(report));
    }

    /// <summary>
    /// A migration file runs in one transaction, as the Supabase CLI and ApplyMigrations run it; new enum labels
    /// are the exception ApplyMigrations makes (they run on their own), so such a file runs statement by statement.
    /// </summary>
    private Task<string?> ApplyMigrationAsync(string database, string file, CancellationToken cancellationToken) =>
        _databases.ApplyAsync(database, file, singleTransaction: !File.ReadAllText(file).Contains(" ADD VALUE IF NOT EXISTS ", StringComparison.Ordinal), cancellationToken);

    private async Task<string> WriteAsync(CorpusCase item, string suffix, string text, CancellationToken cancellationToken)
    {
        var path = Path.Combine(workFolder, $"{item.Name}.{suffix}.sql");
        await File.WriteAllTextAsync(path, text, cancellationToken);
        return path;
    }

    /// <summary>The per-category table and the totals, as the runner prints them.</summary>
    public static string Summary(IReadOnlyList<CaseResult> results)
    {
        var byCase = results.GroupBy(r => r.Case).Select(g => (Case: g.Key, Outcome: g.Any(r => r.Outcome == Outcome.Failed) ? Outcome.Failed : g.First().Outcome)).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"category",-44} {"pass",5} {"fail",5} {"skip",5}");
        foreach (var category in byCase.GroupBy(c => c.Case.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{category.Key,-44} {category.Count(c => c.Outcome == Outcome.Passed),5} {category.Count(c => c.Outcome == Outcome.Failed),5} {category.Count(c => c.Outcome == Outcome.Skipped),5}");
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"total (cases)",-44} {byCase.Count(c => c.Outcome == Outcome.Passed),5} {byCase.Count(c => c.Outcome == Outcome.Failed),5} {byCase.Count(c => c.Outcome == Outcome.Skipped),5}");
        var directions = results.Where(r => r.Outcome != Outcome.Skipped).ToList();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"total (directions run)",-44} {directions.Count(r => r.Outcome == Outcome.Passed),5} {directions.Count(r => r.Outcome == Outcome.Failed),5}");
        foreach (var reason in results.Where(r => r.Outcome == Outcome.Skipped).GroupBy(r => r.Detail).OrderByDescending(g => g.Count()))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"skipped {reason.Count(),3}: {reason.Key}");
        }

        return text.ToString();
    }

    private DatabaseConnection Database(string name) => _databases.Database(name);
}
