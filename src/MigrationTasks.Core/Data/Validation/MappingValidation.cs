using System.Diagnostics;
using System.Globalization;
using MigrationTasks.Data.Spec;
using Npgsql;
using static MigrationTasks.Sql.SqlQuote;

namespace MigrationTasks.Data.Validation;

/// <summary>
/// Validates one mapping after the migration, in PostgreSQL, without streaming rows through .NET: the count relation
/// (every v1 row filtered, merged, quarantined or migrated, each number from the spec's own rules), the key map and the
/// quarantine table against it, the content checksum of the target against the v1 rows projected through the spec,
/// spot checks field by field, and, when anything differs, the first differing rows by key and column.
/// </summary>
internal sealed class MappingValidation(DataSession session, MappingPlan mapping, MappingSnapshot? before, int randomSpotChecks, long seed)
{
    private const int MismatchLimit = 20;

    private readonly MappingSql _sql = new(session.Plan, mapping);

    private NpgsqlConnection Connection => session.Connection;

    public async Task<MappingResult> RunAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var result = new MappingResult
        {
            Name = mapping.Name,
            Source = mapping.Spec.SourceDescription,
            Target = mapping.Target.ToString(),
            SpecLine = mapping.Spec.Location.Line,
        };

        await CountClassesAsync(result, cancellationToken).ConfigureAwait(false);
        await CheckSourceUnchangedAsync(result, cancellationToken).ConfigureAwait(false);
        await CheckKeymapAndQuarantineAsync(result, cancellationToken).ConfigureAwait(false);
        await CheckTargetAsync(result, cancellationToken).ConfigureAwait(false);
        await SpotCheckAsync(result, cancellationToken).ConfigureAwait(false);
        if (result.Checks.Any(c => !c.Passed && c.Name is "target rows" or "content checksum"))
        {
            await LocalizeAsync(result, cancellationToken).ConfigureAwait(false);
        }

        result.Passed = result.Checks.All(c => c.Passed) && result.Mismatches.Count == 0;
        result.DurationMs = watch.ElapsedMilliseconds;
        return result;
    }

    /// <summary>One pass over the classified v1 rows: how many each filter, de-duplication and quarantine rule account for.</summary>
    private async Task CountClassesAsync(MappingResult result, CancellationToken cancellationToken)
    {
        var alias = Identifier(mapping.Spec.Alias);
        await using var command = new NpgsqlCommand(
            $"SELECT {alias}.\"{MappingSql.Prefix}class\", coalesce({alias}.\"{MappingSql.Prefix}filter\", {alias}.\"{MappingSql.Prefix}rule\", 0), count(*)\n" +
            $"FROM (\n{_sql.Classified}\n) AS {alias}\nGROUP BY 1, 2", Connection);
        var filtered = new Dictionary<int, long>();
        var quarantined = new Dictionary<int, long>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var rows = reader.GetInt64(2);
                result.SourceRows += rows;
                switch (reader.GetString(0))
                {
                    case "filtered":
                        filtered[reader.GetInt32(1)] = rows;
                        break;
                    case "deduplicated":
                        result.Deduplicated += rows;
                        break;
                    case "quarantined":
                        quarantined[reader.GetInt32(1)] = rows;
                        break;
                    default:
                        result.ExpectedTargetRows += rows;
                        break;
                }
            }
        }

        result.Filtered.AddRange(mapping.Spec.Filters.Select((f, i) => new RuleCount(f.Reason, f.Location.Line, filtered.GetValueOrDefault(i + 1))));
        result.Quarantined.AddRange(_sql.QuarantineRules.Select((r, i) => new RuleCount(r.Reason, r.Location.Line, quarantined.GetValueOrDefault(i + 1))));
        var explained = result.Filtered.Sum(f => f.Rows) + result.Deduplicated + result.Quarantined.Sum(q => q.Rows) + result.ExpectedTargetRows;
        result.Checks.Add(new CheckResult("count relation", explained == result.SourceRows,
            string.Create(CultureInfo.InvariantCulture, $"{result.SourceRows:N0} v1 rows = {result.Filtered.Sum(f => f.Rows):N0} filtered + {result.Deduplicated:N0} de-duplicated + {result.Quarantined.Sum(q => q.Rows):N0} quarantined + {result.ExpectedTargetRows:N0} migrated")));
    }

    /// <summary>Against the before snapshot: the same v1 rows, the same content, the same filtered rows.</summary>
    private async Task CheckSourceUnchangedAsync(MappingResult result, CancellationToken cancellationToken)
    {
        if (before is null)
        {
            return;
        }

        var now = await SourceSnapshot.MeasureAsync(session, mapping, cancellationToken).ConfigureAwait(false);
        var same = now.SourceRows == before.SourceRows && now.Checksum == before.Checksum
            && now.Filtered.Select(f => f.Rows).SequenceEqual(before.Filtered.Select(f => f.Rows));
        result.Checks.Add(new CheckResult("v1 source unchanged since the before snapshot", same, same
            ? string.Create(CultureInfo.InvariantCulture, $"{now.SourceRows:N0} rows, checksum {now.Checksum}, as before")
            : string.Create(CultureInfo.InvariantCulture, $"before: {before.SourceRows:N0} rows, checksum {before.Checksum}, filtered {string.Join("/", before.Filtered.Select(f => f.Rows))}; now: {now.SourceRows:N0} rows, checksum {now.Checksum}, filtered {string.Join("/", now.Filtered.Select(f => f.Rows))}")));
    }

    /// <summary>The key map holds exactly the migrated rows (and the merged duplicates); the quarantine table exactly the quarantined ones.</summary>
    private async Task CheckKeymapAndQuarantineAsync(MappingResult result, CancellationToken cancellationToken)
    {
        await using (var quarantine = new NpgsqlCommand($"SELECT count(*) FROM {session.Plan.QuarantineTable.Quoted} WHERE \"mapping\" = $1", Connection))
        {
            quarantine.Parameters.AddWithValue(mapping.Name);
            result.QuarantineTableRows = (long)(await quarantine.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var quarantined = result.Quarantined.Sum(q => q.Rows);
        result.Checks.Add(new CheckResult("quarantine table", result.QuarantineTableRows == quarantined,
            string.Create(CultureInfo.InvariantCulture, $"{result.QuarantineTableRows:N0} rows in {session.Plan.QuarantineTable} for '{mapping.Name}', {quarantined:N0} expected")));

        if (mapping.Keymap is not { } keymap)
        {
            return;
        }

        await using (var command = new NpgsqlCommand($"SELECT count(*) FILTER (WHERE \"duplicate_of\" IS NULL), count(*) FILTER (WHERE \"duplicate_of\" IS NOT NULL) FROM {keymap.Quoted}", Connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            result.KeymapRows = reader.GetInt64(0);
            result.KeymapMerged = reader.GetInt64(1);
        }

        result.MergedIntoMigrated = result.KeymapMerged;
        result.Checks.Add(new CheckResult("key map", result.KeymapRows == result.ExpectedTargetRows && result.KeymapMerged <= result.Deduplicated,
            string.Create(CultureInfo.InvariantCulture, $"{keymap}: {result.KeymapRows:N0} v1 keys with a v3 key of their own ({result.ExpectedTargetRows:N0} migrated), {result.KeymapMerged:N0} merged duplicates (of {result.Deduplicated:N0} de-duplicated; the rest merged into quarantined rows)")));
    }

    /// <summary>Row counts and content checksums of the expected rows (v1 through the spec) and the target rows, in two scans.</summary>
    private async Task CheckTargetAsync(MappingResult result, CancellationToken cancellationToken)
    {
        // Row hashes in a subquery: an expression may hold a window function, which an aggregate cannot contain.
        await using (var expected = new NpgsqlCommand(
            $"SELECT count(*), coalesce(sum(\"h\"), 0)::text FROM (\nSELECT {MappingSql.Checksum(_sql.ExpectedValues)} AS \"h\"\n{_sql.LoadFrom()}\n) AS \"rows\"", Connection))
        await using (var reader = await expected.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var rows = reader.GetInt64(0);
            result.ExpectedChecksum = $"{rows}/{reader.GetString(1)}";
            if (rows != result.ExpectedTargetRows)
            {
                result.Checks.Add(new CheckResult("expected rows", false, string.Create(CultureInfo.InvariantCulture,
                    $"the key map yields {rows:N0} rows to load, the classification {result.ExpectedTargetRows:N0}")));
            }
        }

        // The scope in WHERE (a semi-join), not in an aggregate's FILTER: there a key map larger than work_mem would be
        // probed row by row.
        await using (var actual = new NpgsqlCommand(
            $"SELECT count(*), coalesce(sum({MappingSql.Checksum(_sql.ActualValues)}), 0)::text\nFROM {mapping.Target.Quoted} AS \"t\"\nWHERE {_sql.TargetScope}", Connection))
        await using (var reader = await actual.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            result.TargetRows = reader.GetInt64(0);
            result.ActualChecksum = $"{result.TargetRows}/{reader.GetString(1)}";
        }

        result.TargetTotalRows = mapping.Keymap is null ? result.TargetRows : await CountAsync(mapping.Target.Quoted, cancellationToken).ConfigureAwait(false);

        result.Checks.Add(new CheckResult("target rows", result.TargetRows == result.ExpectedTargetRows,
            string.Create(CultureInfo.InvariantCulture, $"{mapping.Target} has {result.TargetRows:N0} rows from this mapping, {result.ExpectedTargetRows:N0} expected") +
                (result.TargetTotalRows != result.TargetRows ? string.Create(CultureInfo.InvariantCulture, $" ({result.TargetTotalRows - result.TargetRows:N0} other rows, not from v1)") : "")));
        result.Checks.Add(new CheckResult("content checksum", result.ExpectedChecksum == result.ActualChecksum,
            $"target {result.ActualChecksum}, expected {result.ExpectedChecksum} (rows/sum of row hashes)"));
    }

    private async Task<long> CountAsync(string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", Connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The named critical records and a random sample, compared field by field with their v1 rows through the spec.</summary>
    private async Task SpotCheckAsync(MappingResult result, CancellationToken cancellationToken)
    {
        var named = mapping.Spec.SpotChecks.Select(s => (Key: KeyText(s.KeyValues), Check: s)).ToList();
        var random = await RandomKeysAsync(cancellationToken).ConfigureAwait(false);
        var keys = named.Select(n => n.Key).Concat(random).Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count == 0)
        {
            return;
        }

        var expected = await ExpectedRowsAsync(keys, cancellationToken).ConfigureAwait(false);
        var classes = await ClassesOfAsync([.. keys.Where(k => !expected.ContainsKey(k))], cancellationToken).ConfigureAwait(false);
        var actual = await ActualRowsAsync([.. expected.Values.Select(e => e.Arbiter)], cancellationToken).ConfigureAwait(false);
        foreach (var key in keys)
        {
            var namedCheck = named.FirstOrDefault(n => n.Key == key).Check;
            if (!expected.TryGetValue(key, out var row))
            {
                // Not migrated by the spec's rules: then the target must not hold it either; say why.
                var (outcome, explained) = classes.GetValueOrDefault(key, ("there is no such v1 row", false));
                if (namedCheck is not null)
                {
                    result.NamedSpotChecks.Add(new SpotCheckResult(key, namedCheck.Why, namedCheck.Location.Line, explained, explained ? $"not migrated, as the spec says: {outcome}" : outcome));
                }
                else if (!explained)
                {
                    AddMismatches(result, [new Mismatch("missing", mapping.Target.ToString(), "(no v3 key)", key, null, null, null)]);
                }

                continue;
            }

            result.SpotChecked++;
            var differences = new List<Mismatch>();
            if (!actual.TryGetValue(row.Arbiter, out var found))
            {
                differences.Add(new Mismatch("missing", mapping.Target.ToString(), Describe(row.Arbiter), key, null, null, null));
            }
            else
            {
                for (var i = 0; i < mapping.Columns.Count; i++)
                {
                    if (!string.Equals(row.Values[i], found[i], StringComparison.Ordinal))
                    {
                        differences.Add(new Mismatch("value", mapping.Target.ToString(), Describe(row.Arbiter), key, mapping.Columns[i].Column.Name, row.Values[i], found[i]));
                    }
                }
            }

            AddMismatches(result, differences);
            if (namedCheck is not null)
            {
                result.NamedSpotChecks.Add(new SpotCheckResult(key, namedCheck.Why, namedCheck.Location.Line, differences.Count == 0,
                    differences.Count == 0 ? $"{mapping.Columns.Count} columns equal" : string.Join("; ", differences.Select(d => d.ToString()))));
            }
        }

        result.Checks.Add(new CheckResult("spot checks", result.NamedSpotChecks.All(s => s.Passed) && !result.Mismatches.Any(m => m.Kind is "value" or "missing"),
            string.Create(CultureInfo.InvariantCulture, $"{result.SpotChecked} rows compared field by field ({named.Count} named in the spec, {random.Count} random, seed {seed})")));
    }

    /// <summary>When a count or checksum differs: the first rows that differ, by key and column (a full outer join on the key).</summary>
    private async Task LocalizeAsync(MappingResult result, CancellationToken cancellationToken)
    {
        var columns = mapping.Columns.Select((c, i) => (c.Column.Name, Expected: $"({_sql.ExpectedValues[i]})::text", Actual: $"({_sql.ActualValues[i]})::text")).ToList();
        var sql = $"""
            SELECT e."k", a."k", e."v1", {string.Join(", ", columns.Select((_, i) => $"e.\"c{i}\", a.\"c{i}\""))}
            FROM (
                SELECT {_sql.ExpectedArbiterText} AS "k", {_sql.KeyText} AS "v1", ROW({string.Join(", ", _sql.ExpectedValues)})::text AS "r",
                       {string.Join(", ", columns.Select((c, i) => $"{c.Expected} AS \"c{i}\""))}
                {MappingSql.Indent(_sql.LoadFrom(), 4).TrimStart()}
            ) AS e
            FULL JOIN (
                SELECT {_sql.ActualArbiterText} AS "k", ROW({string.Join(", ", _sql.ActualValues)})::text AS "r",
                       {string.Join(", ", columns.Select((c, i) => $"{c.Actual} AS \"c{i}\""))}
                FROM {mapping.Target.Quoted} AS "t"
                WHERE {_sql.TargetScope}
            ) AS a ON a."k" = e."k"
            WHERE e."r" IS DISTINCT FROM a."r"
            ORDER BY coalesce(e."k", a."k")
            LIMIT {MismatchLimit}
            """;
        await using var command = new NpgsqlCommand(sql, Connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var differences = new List<Mismatch>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var expectedKey = reader.IsDBNull(0) ? null : reader.GetString(0);
            var actualKey = reader.IsDBNull(1) ? null : reader.GetString(1);
            var v1 = reader.IsDBNull(2) ? null : reader.GetString(2);
            if (actualKey is null)
            {
                differences.Add(new Mismatch("missing", mapping.Target.ToString(), Describe(expectedKey!), v1, null, null, null));
                continue;
            }

            if (expectedKey is null)
            {
                differences.Add(new Mismatch("extra", mapping.Target.ToString(), Describe(actualKey), null, null, null, null));
                continue;
            }

            for (var i = 0; i < columns.Count; i++)
            {
                var e = reader.IsDBNull(3 + (2 * i)) ? null : reader.GetString(3 + (2 * i));
                var a = reader.IsDBNull(4 + (2 * i)) ? null : reader.GetString(4 + (2 * i));
                if (!string.Equals(e, a, StringComparison.Ordinal))
                {
                    differences.Add(new Mismatch("value", mapping.Target.ToString(), Describe(expectedKey), v1, columns[i].Name, e, a));
                }
            }
        }

        AddMismatches(result, differences);
    }

    private static void AddMismatches(MappingResult result, IEnumerable<Mismatch> differences)
    {
        foreach (var difference in differences.Where(d => !result.Mismatches.Contains(d)))
        {
            if (result.Mismatches.Count < MismatchLimit * 2)
            {
                result.Mismatches.Add(difference);
            }
        }
    }

    /// <summary>"id=…" or "(trip_id, member_id)=(…)": the target key as reports show it.</summary>
    private string Describe(string arbiter) => mapping.Arbiter.Count == 1 ? $"{mapping.Arbiter[0]}={arbiter}" : $"({string.Join(", ", mapping.Arbiter)})={arbiter}";

    /// <summary>The v1 key as <see cref="MappingSql.KeyText"/> renders it, from the spec's values.</summary>
    private string KeyText(IReadOnlyList<string> values) =>
        mapping.Spec.Key.Count == 1 ? values[0] : string.Join(", ", mapping.Spec.Key.Select((k, i) => $"{k}={values[i]}"));

    private async Task<List<string>> RandomKeysAsync(CancellationToken cancellationToken)
    {
        if (randomSpotChecks == 0)
        {
            return [];
        }

        var alias = Identifier(mapping.Spec.Alias);
        var sql = mapping.Keymap is { } keymap
            ? $"SELECT \"v1_id\"::text FROM {keymap.Quoted} WHERE \"duplicate_of\" IS NULL ORDER BY pg_catalog.hashtextextended(\"v1_id\"::text, $1), \"v1_id\" LIMIT $2"
            : $"SELECT {_sql.KeyText} FROM (\n{_sql.Classified}\n) AS {alias} WHERE {alias}.\"{MappingSql.Prefix}class\" = 'migrated' ORDER BY pg_catalog.hashtextextended({_sql.KeyText}, $1), 1 LIMIT $2";
        await using var command = new NpgsqlCommand(sql, Connection);
        command.Parameters.AddWithValue(seed);
        command.Parameters.AddWithValue(randomSpotChecks);
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private async Task<Dictionary<string, (string Arbiter, string?[] Values)>> ExpectedRowsAsync(List<string> keys, CancellationToken cancellationToken)
    {
        var values = string.Join(", ", _sql.ExpectedValues.Select(v => $"({v})::text"));
        // With a key map, narrow on it first (a scan of a narrow table, then key lookups), not on the source's text key.
        var narrow = mapping.Keymap is null ? $"{_sql.KeyText} = ANY($1)" : "\"km\".\"v1_id\"::text = ANY($1)";
        await using var command = new NpgsqlCommand($"SELECT {_sql.KeyText}, {_sql.ExpectedArbiterText}, {values}\n{_sql.LoadFrom(narrow)}", Connection);
        command.Parameters.AddWithValue(keys.ToArray());
        var rows = new Dictionary<string, (string, string?[])>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows[reader.GetString(0)] = (reader.GetString(1), [.. Enumerable.Range(2, mapping.Columns.Count).Select(i => reader.IsDBNull(i) ? null : reader.GetString(i))]);
        }

        return rows;
    }

    private async Task<Dictionary<string, string?[]>> ActualRowsAsync(string[] arbiters, CancellationToken cancellationToken)
    {
        var values = string.Join(", ", _sql.ActualValues.Select(v => $"({v})::text"));
        await using var command = new NpgsqlCommand($"SELECT {_sql.ActualArbiterText}, {values} FROM {mapping.Target.Quoted} AS \"t\" WHERE {_sql.ActualArbiterText} = ANY($1)", Connection);
        command.Parameters.AddWithValue(arbiters);
        var rows = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows[reader.GetString(0)] = [.. Enumerable.Range(1, mapping.Columns.Count).Select(i => reader.IsDBNull(i) ? null : reader.GetString(i))];
        }

        return rows;
    }

    /// <summary>What the spec's rules did with v1 keys that have no target row: "quarantined: reason", "filtered: ...", ... (one pass).</summary>
    private async Task<Dictionary<string, (string Outcome, bool Explained)>> ClassesOfAsync(List<string> keys, CancellationToken cancellationToken)
    {
        var classes = new Dictionary<string, (string, bool)>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return classes;
        }

        var alias = Identifier(mapping.Spec.Alias);
        await using var command = new NpgsqlCommand(
            $"SELECT {_sql.KeyText}, {alias}.\"{MappingSql.Prefix}class\", {alias}.\"{MappingSql.Prefix}filter\", {alias}.\"{MappingSql.Prefix}rule\" FROM (\n{_sql.Classified}\n) AS {alias} WHERE {_sql.KeyText} = ANY($1)", Connection);
        command.Parameters.AddWithValue(keys.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            classes[reader.GetString(0)] = reader.GetString(1) switch
            {
                "filtered" => ($"filtered: {mapping.Spec.Filters[reader.GetInt32(2) - 1].Reason}", true),
                "quarantined" => ($"quarantined: {_sql.QuarantineRules[reader.GetInt32(3) - 1].Reason}", true),
                "deduplicated" => ($"de-duplicated: {mapping.Spec.Dedupe!.Reason}", true),
                _ => ("the spec migrates it, but it has no target row (its key map entry is missing)", false),
            };
        }

        return classes;
    }
}
