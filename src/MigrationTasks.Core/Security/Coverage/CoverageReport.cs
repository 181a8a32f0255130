using MigrationTasks.Security.Emulation;
using MigrationTasks.Security.Matrix;
using MigrationTasks.Security.Running;

namespace MigrationTasks.Security.Coverage;

/// <summary>One cell of the surface: an object, a command on it, and an API role.</summary>
public sealed record CoverageCell(string Object, string Kind, string Command, string Role);

/// <summary>A cell left out on purpose, and why.</summary>
public sealed record ExcludedCell(CoverageCell Cell, string Reason);

/// <summary>
/// Which cells of the API surface (every exposed object × each command it supports × anon, authenticated and
/// service_role) the matrix's cases exercise, and which none does. Cases count for the role their persona runs
/// as, whatever they expect (a denial is coverage too).
/// </summary>
public sealed record CoverageReport
{
    public required IReadOnlyList<CoverageCell> Covered { get; init; }

    public required IReadOnlyList<CoverageCell> Gaps { get; init; }

    public required IReadOnlyList<ExcludedCell> Excluded { get; init; }

    /// <summary>Cases about objects the database does not expose (renamed or dropped objects, or a schema not in the config).</summary>
    public required IReadOnlyList<string> UnknownObjects { get; init; }

    public int Total => Covered.Count + Gaps.Count;

    public double Percent => Total == 0 ? 100 : 100.0 * Covered.Count / Total;

    public bool Complete => Gaps.Count == 0;

    public static CoverageReport Build(IReadOnlyList<ApiObject> surface, IEnumerable<CaseResult> cases, IReadOnlyList<CoverageExclusion> exclusions)
    {
        ArgumentNullException.ThrowIfNull(surface);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(exclusions);
        var exercised = cases
            .Where(c => c.CoveredObject is not null && c.CoveredCommand is not null)
            .Select(c => (c.CoveredObject!, c.CoveredCommand!, c.Role))
            .ToHashSet();
        var known = surface.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var covered = new List<CoverageCell>();
        var gaps = new List<CoverageCell>();
        var excluded = new List<ExcludedCell>();
        foreach (var apiObject in surface)
        {
            foreach (var command in apiObject.Commands)
            {
                foreach (var role in ApiRoles.All)
                {
                    var cell = new CoverageCell(apiObject.Name, apiObject.Kind, command, role);
                    if (exercised.Contains((apiObject.Name, command, role)))
                    {
                        covered.Add(cell);
                    }
                    else if (exclusions.FirstOrDefault(e => e.Matches(ObjectPart(apiObject.Name), command, role)) is { } exclusion)
                    {
                        excluded.Add(new ExcludedCell(cell, exclusion.Reason));
                    }
                    else
                    {
                        gaps.Add(cell);
                    }
                }
            }
        }

        var unknown = exercised.Select(e => e.Item1).Where(name => !known.Contains(name)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new CoverageReport { Covered = covered, Gaps = gaps, Excluded = excluded, UnknownObjects = unknown };
    }

    /// <summary>The gaps grouped as a reader wants them: per object and command, the roles missing.</summary>
    public IEnumerable<string> DescribeGaps() =>
        Gaps.GroupBy(g => (g.Object, g.Command))
            .Select(group => $"{group.Key.Command} on {group.Key.Object} as {string.Join(", ", group.Select(g => g.Role))}");

    // Exclusion patterns name the object (schema.name) without a function's argument list.
    private static string ObjectPart(string name)
    {
        var parenthesis = name.IndexOf('(', StringComparison.Ordinal);
        return parenthesis < 0 ? name : name[..parenthesis];
    }
}
