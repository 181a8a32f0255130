using MigrationTasks.Catalog.Model;

namespace MigrationTasks.Diff.Planning;

/// <summary>
/// Orders the steps of all changes into one script: a graph of "runs before" edges built from what each step
/// creates, alters and drops and from the dependencies on both sides, sorted topologically with the phase as
/// the tie-breaker. Edges:
/// <list type="bullet">
/// <item>a step that creates or alters X runs after the steps that create or alter what X needs (desired side);</item>
/// <item>a step that alters X runs after the step that creates X;</item>
/// <item>a step that drops X runs before the steps that drop or alter what X needed (actual side);</item>
/// <item>a step that drops X runs after the steps that alter what depended on X (they let go of it);</item>
/// <item>a step that creates X runs after the step that drops X or frees its name.</item>
/// </list>
/// Soft dependencies (read from routine bodies) are given up when they would make a cycle.
/// </summary>
internal sealed class StepOrderer(DatabaseCatalog desired, DatabaseCatalog actual)
{
    public IReadOnlyList<Step> Order(IReadOnlyList<Step> steps)
    {
        var index = steps.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i);
        var creators = Lookup(steps, s => s.Creates);
        var alterers = Lookup(steps, s => s.Alters);
        var reshapers = Lookup(steps, s => s.Attached ? [] : s.Alters);
        var nameFreers = Lookup(steps, s => s.Drops.Concat(s.FreesName));
        var goners = Lookup(steps, s => s.Drops.Concat(s.Releases).Concat(s.FreesName));

        var hard = steps.Select(_ => new HashSet<int>()).ToArray();
        var soft = steps.Select(_ => new HashSet<int>()).ToArray();

        void Edge(int before, int after, bool isSoft)
        {
            if (before != after)
            {
                (isSoft ? soft : hard)[after].Add(before);
            }
        }

        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            foreach (var previous in step.After)
            {
                Edge(index[previous], i, false);
            }

            foreach (var key in step.Creates.Concat(step.Alters))
            {
                foreach (var dependency in desired.DependenciesOf(key))
                {
                    if (step.Creates.Contains(dependency.Key) || dependency.Kind == DependencyKind.OwnedBy)
                    {
                        continue;
                    }

                    foreach (var p in Get(creators, dependency.Key).Concat(Get(reshapers, dependency.Key)))
                    {
                        Edge(p, i, dependency.Kind == DependencyKind.Soft);
                    }
                }
            }

            foreach (var key in step.Alters)
            {
                foreach (var p in Get(creators, key))
                {
                    Edge(p, i, false);
                }
            }

            foreach (var key in step.Drops.Concat(step.Releases))
            {
                foreach (var dependency in actual.DependenciesOf(key))
                {
                    if (dependency.Kind is DependencyKind.Soft or DependencyKind.OwnedBy || step.Drops.Contains(dependency.Key))
                    {
                        continue;
                    }

                    foreach (var p in Get(goners, dependency.Key).Concat(Get(alterers, dependency.Key)))
                    {
                        Edge(i, p, false);
                    }
                }

                foreach (var dependent in actual.DependentsOf(key))
                {
                    if (dependent.Kind == DependencyKind.Soft)
                    {
                        continue;
                    }

                    foreach (var p in Get(alterers, dependent.Key))
                    {
                        if (!steps[p].Creates.Contains(key))
                        {
                            Edge(p, i, false);
                        }
                    }
                }
            }

            foreach (var key in step.Creates)
            {
                foreach (var p in Get(nameFreers, key))
                {
                    Edge(p, i, false);
                }
            }
        }

        return Sort(steps, hard, soft);
    }

    private static Dictionary<string, List<int>> Lookup(IReadOnlyList<Step> steps, Func<Step, IEnumerable<string>> keys)
    {
        var lookup = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            foreach (var key in keys(steps[i]))
            {
                if (!lookup.TryGetValue(key, out var list))
                {
                    lookup[key] = list = [];
                }

                list.Add(i);
            }
        }

        return lookup;
    }

    private static IEnumerable<int> Get(Dictionary<string, List<int>> lookup, string key) => lookup.TryGetValue(key, out var list) ? list : [];

    /// <summary>Kahn's algorithm, lowest (phase, position) first; on a cycle of soft edges, the soft edges of the stuck step are dropped.</summary>
    private static List<Step> Sort(IReadOnlyList<Step> steps, HashSet<int>[] hard, HashSet<int>[] soft)
    {
        var successors = steps.Select(_ => new List<int>()).ToArray();
        var waiting = new int[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            soft[i].ExceptWith(hard[i]);
            foreach (var before in hard[i].Concat(soft[i]))
            {
                successors[before].Add(i);
            }

            waiting[i] = hard[i].Count + soft[i].Count;
        }

        var ready = new PriorityQueue<int, (int Phase, int Position)>();
        for (var i = 0; i < steps.Count; i++)
        {
            if (waiting[i] == 0)
            {
                ready.Enqueue(i, (steps[i].Phase, i));
            }
        }

        var done = new bool[steps.Count];
        var result = new List<Step>(steps.Count);
        while (result.Count < steps.Count)
        {
            if (ready.Count == 0)
            {
                // Stuck: give up the soft edges of the earliest step whose hard edges are all satisfied.
                var candidate = Enumerable.Range(0, steps.Count)
                    .Where(i => !done[i] && hard[i].All(b => done[b]))
                    .OrderBy(i => steps[i].Phase).ThenBy(i => i)
                    .Cast<int?>().FirstOrDefault()
                    ?? throw Errors.Errors.DependencyCycle(steps.Where((_, i) => !done[i]).Select(s => s.Sql.Split('\n')[0]).Distinct().Take(12));
                waiting[candidate] = 0;
                ready.Enqueue(candidate, (steps[candidate].Phase, candidate));
            }

            var next = ready.Dequeue();
            if (done[next])
            {
                continue;
            }

            done[next] = true;
            result.Add(steps[next]);
            foreach (var successor in successors[next])
            {
                if (!done[successor] && --waiting[successor] == 0)
                {
                    ready.Enqueue(successor, (steps[successor].Phase, successor));
                }
            }
        }

        return result;
    }
}
