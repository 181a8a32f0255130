using MigrationTasks.Errors;
using MigrationTasks.Security.Lint;
using MigrationTasks.Tests.Infrastructure;
using Npgsql;

namespace MigrationTasks.Tests.Security;

/// <summary>
/// The security lint: quiet on the clean v3 schema (but for the findings accepted with reasons), it finds each of
/// the sample production's security drifts, and on a schema with one instance of each lint every lint fires once.
/// </summary>
[TestClass]
public sealed class SecurityLintTests
{
    public TestContext TestContext { get; set; } = null!;

    private static readonly string[] AcceptedOnV3 =
    [
        "anon_security_definer_function_executable public.search_adventures(text, text[], numeric, numeric, numeric, numeric, integer)",
        "authenticated_security_definer_function_executable public.cancel_booking(uuid, text)",
        "authenticated_security_definer_function_executable public.create_booking(uuid, daterange, integer)",
        "authenticated_security_definer_function_executable public.is_trip_member(uuid)",
        "authenticated_security_definer_function_executable public.search_adventures(text, text[], numeric, numeric, numeric, numeric, integer)",
        "authenticated_security_definer_function_executable public.vendor_stats(uuid)",
    ];

    [TestMethod]
    public async Task TheCleanV3SchemaHasOnlyTheFindingsAcceptedWithReasons()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);

        var run = await LintAsync(database, new LintOptions { ExposedSchemas = ["public", "graphql_public"], UsageStatistics = false });
        var (findings, unused) = LintAcceptances.Load(SampleMatrix.AcceptanceFile, required: true).Apply(run.Findings);

        CollectionAssert.AreEquivalent(AcceptedOnV3, findings.Select(f => $"{f.Rule.Name} {f.Object}").ToArray());
        Assert.IsTrue(findings.All(f => f.Accepted && !string.IsNullOrWhiteSpace(f.AcceptedBecause)));
        Assert.IsEmpty(unused, "every acceptance matches a finding of the v3 schema");
    }

    [TestMethod]
    public async Task EachSecurityDriftOfTheSampleProductionIsFoundAndGoneOnceAligned()
    {
        await using var clone = await TestServer.CreateDatabaseAsync(TestTemplate.MigratedSample);
        var options = new LintOptions { ExposedSchemas = ["public", "graphql_public"] };

        var drifted = (await LintAsync(clone, options)).Findings.Select(f => $"{f.Rule.Level} {f.Rule.Name} {f.Object}").ToList();

        string[] drift =
        [
            "Info unindexed_foreign_keys constraint bookings_adventure_id_fkey on public.bookings",           // 2: the dropped index
            "Warn auth_rls_initplan policy \"Authors update their reviews\" on public.reviews",                // 4: auth.uid() per row
            "Warn rls_policy_always_true policy \"Authors update their reviews\" on public.reviews",           // 4: WITH CHECK (true)
            "Error rls_disabled_in_public public.follows",                                                     // 6
            "Error policy_exists_rls_disabled public.follows",                                                 // 6
            "Warn anon_security_definer_function_executable public.create_booking(uuid, daterange, integer)", // 7
            "Error security_definer_view public.adventure_cards",                                              // 8
        ];
        foreach (var finding in drift)
        {
            Assert.Contains(finding, drifted, "drift not found");
        }

        string[] legacy =
        [
            "Info unindexed_foreign_keys constraint v1_vendors_user_id_fkey on public.v1_vendors",
            "Warn function_search_path_mutable public.v1_booking_total(integer)",
            "Warn function_search_path_mutable public.v1_parse_price(text)",
            "Warn function_search_path_mutable public.v1_touch_updated_at()",
        ];
        CollectionAssert.AreEquivalent(drift.Concat(legacy).Concat(AcceptedOnV3.Select(a => "Warn " + a)).ToArray(), drifted.ToArray(), "nothing else is reported");

        await clone.ExecuteAsync(SampleMatrix.SecurityAlignment);
        var aligned = (await LintAsync(clone, options)).Findings.Select(f => $"{f.Rule.Level} {f.Rule.Name} {f.Object}").ToList();
        CollectionAssert.AreEquivalent(legacy.Concat(AcceptedOnV3.Select(a => "Warn " + a)).ToArray(), aligned.ToArray());
    }

    [TestMethod]
    [DoNotParallelize] // the replication slot is cluster-wide: no other test's lint may see it
    public async Task OnASchemaWithOneInstanceOfEachLintEveryLintFiresOnce()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        await database.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(TestPaths.RepositoryRoot, "tests", "MigrationTasks.Tests", "Security", "OneOfEachLint.sql"), TestContext.CancellationToken));
        var invalid = await Assert.ThrowsAsync<PostgresException>(() => database.ExecuteAsync("create unique index concurrently codes_code_key on lintprivate.codes (code)"));
        Assert.AreEqual("23505", invalid.SqlState, "the failed concurrent build leaves an INVALID index");
        var slot = "lint_slot_" + Guid.NewGuid().ToString("N")[..8];
        await database.ExecuteAsync($"select pg_create_physical_replication_slot('{slot}')");
        try
        {
            // Statistics reach shared memory when the writing session ends; wait for the dead tuples to show.
            for (var i = 0; i < 50 && await database.ScalarAsync<long>("select coalesce(sum(n_dead_tup), 0)::bigint from pg_stat_user_tables where relname = 'bloated'") < 2000; i++)
            {
                await Task.Delay(100, TestContext.CancellationToken);
            }

            var run = await LintAsync(database, new LintOptions { ExposedSchemas = ["public", "pgmq_public"], AnonymousSignIns = true, UsageStatistics = true });

            Assert.IsEmpty(run.Skipped, string.Join(", ", run.Skipped.Select(s => s.Rule.Name)));
            foreach (var rule in LintRules.All)
            {
                Assert.AreEqual(1, run.Findings.Count(f => f.Rule == rule), $"{rule.Name}: {string.Join("; ", run.Findings.Where(f => f.Rule == rule).Select(f => f.Object))}");
            }

            Assert.HasCount(LintRules.All.Count, run.Findings);
            var objects = run.Findings.ToDictionary(f => f.Rule.Name, f => f.Object);
            Assert.AreEqual("constraint children_parent_id_fkey on lintprivate.children", objects["unindexed_foreign_keys"]);
            Assert.AreEqual("public.customers", objects["sensitive_columns_exposed"]);
            Assert.AreEqual("lintprivate.codes_code_key", objects["invalid_index"]);
            Assert.AreEqual($"replication slot {slot}", objects["unused_replication_slot"]);
            Assert.AreEqual("policy \"Own or anonymous\" on lintprivate.notes", objects["rls_policy_null_auth_disjunct"]);
            Assert.IsTrue(run.Findings.All(f => f.Detail.Length > 20 && f.Fix.Length > 10), "every finding says what is wrong and how to fix it");
            Assert.AreEqual("alter view public.definer_view set (security_invoker = true);", run.Findings.Single(f => f.Rule.Name == "security_definer_view").Fix);
            Assert.AreEqual("alter table public.customers enable row level security; -- then add policies for what each role may do, or revoke the grants",
                run.Findings.Single(f => f.Rule.Name == "rls_disabled_in_public").Fix);
        }
        finally
        {
            await database.ExecuteAsync($"select pg_drop_replication_slot('{slot}')");
        }
    }

    [TestMethod]
    public async Task LintsThatNeedStorageOrUsageStatisticsSaySoWhenTheyCannotRun()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);

        var run = await LintAsync(database, new LintOptions { ExposedSchemas = ["public"] });

        CollectionAssert.AreEquivalent(new[] { "unused_index", "table_bloat", "public_bucket_allows_listing" }, run.Skipped.Select(s => s.Rule.Name).ToArray());
        Assert.IsEmpty(run.Findings, "an empty Supabase-like database has nothing to report");
    }

    [TestMethod]
    [DataRow("((auth.uid() IS NULL) OR (owner = auth.uid()))", true)]
    [DataRow("((( SELECT auth.uid() AS uid) IS NULL) OR (owner = ( SELECT auth.uid() AS uid)))", true)]
    [DataRow("((owner = ( SELECT auth.uid() AS uid)) OR (NOT (auth.jwt() IS NOT NULL)))", true)]
    [DataRow("((current_setting('request.jwt.claims'::text, true) IS NULL) OR published)", true)]
    [DataRow("((auth.uid() IS NOT NULL) AND ((auth.uid() IS NULL) OR (owner = auth.uid())))", false)]
    [DataRow("((auth.uid() IS NOT NULL) OR published)", false)]
    [DataRow("(owner = auth.uid())", false)]
    public void ANullAuthTermCountsOnlyAtTheTopLevelOfAnOr(string expression, bool expected) =>
        Assert.AreEqual(expected, PolicyExpressions.HasTopLevelNullAuthTerm(expression));

    [TestMethod]
    [DataRow("(owner = auth.uid())", "auth.uid()")]
    [DataRow("(owner = ( SELECT auth.uid() AS uid))", "")]
    [DataRow("(( SELECT ((auth.jwt() ->> 'is_anonymous'::text))::boolean AS bool) IS FALSE)", "")]
    [DataRow("(vendor_id IN ( SELECT v.id FROM public.vendors v WHERE (v.owner_id = ( SELECT auth.uid() AS uid))))", "")]
    [DataRow("(EXISTS ( SELECT 1 FROM public.members m WHERE (m.user_id = auth.uid())))", "auth.uid()")]
    [DataRow("((( SELECT public.is_admin() AS is_admin) OR (owner = auth.uid())) AND public.is_admin())", "auth.uid() public.is_admin()")]
    [DataRow("(tenant = current_setting('app.tenant'::text))", "current_setting(")]
    public void CallsOutsideASubSelectWithoutFromRunPerRow(string expression, string expected) =>
        Assert.AreEqual(expected, string.Join(' ', PolicyExpressions.PerRowCalls(expression, ["auth.uid()", "auth.jwt()", "current_setting(", "public.is_admin()"])));

    [TestMethod]
    public void AcceptanceFileMistakesAreCodedErrorsAtTheirLine()
    {
        var folder = TestPaths.NewFolder("acceptances");
        var file = Path.Combine(folder, "lint-accepted.yaml");
        (string Text, int Line, string Part)[] mistakes =
        [
            ("accepted:\n  - lint: no_such_lint\n    object: x\n    reason: y\n", 2, "no lint 'no_such_lint'"),
            ("accepted:\n  - lint: no_primary_key\n    object: public.t\n", 2, "'reason' is missing"),
            ("accepted:\n  - lint: no_primary_key\n    object: public.t\n    reason: ok\n  - lint: no_primary_key\n    object: public.t\n    reason: again\n", 5, "already accepted at line 2"),
            ("accepted:\n  - lint: no_primary_key\n    objects: public.t\n    reason: ok\n", 3, "unknown key 'objects'"),
            ("accepted: [\n", 2, "not valid YAML"),
            ("exceptions: []\n", 1, "one key, 'accepted'"),
        ];
        foreach (var (text, line, part) in mistakes)
        {
            File.WriteAllText(file, text);
            var error = Assert.Throws<MigrationTasksException>(() => LintAcceptances.Load(file), text);
            Assert.AreEqual(("MT0612", line), (error.Code, error.Line), error.ToString());
            Assert.Contains(part, error.Message);
        }

        Assert.IsEmpty(LintAcceptances.Load(Path.Combine(folder, "missing.yaml")).Entries, "a missing file accepts nothing");
        Assert.AreEqual("MT0601", Assert.Throws<MigrationTasksException>(() => LintAcceptances.Load(Path.Combine(folder, "missing.yaml"), required: true)).Code);
    }

    private async Task<LintRun> LintAsync(TestDatabase database, LintOptions options)
    {
        await using var connection = new NpgsqlConnection(database.Connection.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync(TestContext.CancellationToken);
        return await SecurityLinter.RunAsync(connection, options, TestContext.CancellationToken);
    }
}
