namespace MigrationTasks.Data.Spec;

/// <summary>
/// The foreign-key order of the mappings: a mapping whose references use another mapping's key map loads after it.
/// Ties keep the spec's order, so the generated migration is the same on every run. A cycle is MT0506 with the chain
/// and the line of the reference that closes it.
/// </summary>
public static class MappingOrder
{
    public static IReadOnlyList<TableMapping> Sort(MappingSpec spec)
    {
        var byKeymap = spec.Mappings.Where(m => m.Keymap is not null).ToDictionary(m => m.Keymap!.Name, StringComparer.Ordinal);
        IEnumerable<(TableMapping Needed, ReferenceSpec Reference)> Dependencies(TableMapping mapping) =>
            mapping.References.Where(r => byKeymap.ContainsKey(r.Keymap)).Select(r => (byKeymap[r.Keymap], r));

        var ordered = new List<TableMapping>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = visiting, 2 = done
        var path = new List<(TableMapping Mapping, ReferenceSpec? Via)>();

        void Visit(TableMapping mapping, ReferenceSpec? via)
        {
            if (state.TryGetValue(mapping.Name, out var seen))
            {
                if (seen == 1)
                {
                    var start = path.FindIndex(p => p.Mapping.Name == mapping.Name);
                    var cycle = path.Skip(start).Select(p => p.Mapping).Append(mapping).ToList();
                    var links = path.Skip(start + 1).Select(p => p.Via!).Append(via!).ToList();
                    var chain = string.Join(" -> ", cycle.Select((m, i) => i < links.Count
                        ? $"{m.Name} (reference '{links[i].Name}' at line {links[i].Location.Line})"
                        : m.Name));
                    throw Errors.Errors.SpecCycle(spec.File, via!.Location.Line, chain);
                }

                return;
            }

            state[mapping.Name] = 1;
            path.Add((mapping, via));
            foreach (var (needed, reference) in Dependencies(mapping))
            {
                Visit(needed, reference);
            }

            path.RemoveAt(path.Count - 1);
            state[mapping.Name] = 2;
            ordered.Add(mapping);
        }

        foreach (var mapping in spec.Mappings)
        {
            Visit(mapping, null);
        }

        return ordered;
    }
}
