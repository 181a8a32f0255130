using MigrationTasks.Errors;
using MigrationTasks.Indexes;
using MigrationTasks.Migrations;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Migrations;

namespace MigrationTasks.Tests.Indexes;

/// <summary>
/// <c>-p:MigrationName=optimize_v3_indexes -p:MigrationTemplate=indexes</c>: the migration written from an analysis, and
/// the runner applying it to the migrated sample, each CREATE INDEX CONCURRENTLY on its own, outside a transaction.
/// </summary>
[TestClass]
public sealed class IndexesMigrationTemplateTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task TheGeneratedMigrationNamesTheQueriesAndGainsAndTheRunnerAppliesItConcurrently()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleWorkload);
        var analysis = await IndexAnalyzer.AnalyzeAsync(database.Connection, Workload.Load(TestTemplates.WorkloadFile), new IndexAnalysisOptions { Source = "the test sample", Runs = 3 }, new TestLog(), TestContext.CancellationToken);
        var artifacts = TestPaths.NewFolder("artifacts");
        Directory.CreateDirectory(Path.Combine(artifacts, "indexes"));
        await File.WriteAllTextAsync(Path.Combine(artifacts, "indexes", "indexes.json"), analysis.ToJson(), TestContext.CancellationToken);
        var migrations = TestPaths.NewFolder("migrations");
        foreach (var file in TestTemplates.MigrationFiles)
        {
            File.Copy(file, Path.Combine(migrations, Path.GetFileName(file)));
        }

        var path = await MigrationGenerator.GenerateAsync(new GenerateOptions
        {
            Name = "optimize_v3_indexes",
            Template = "indexes",
            SupabaseDirectory = TestTemplates.SupabaseDirectory,
            MigrationsDirectory = migrations,
            ArtifactsDirectory = artifacts,
        }, new TestLog(), TestContext.CancellationToken);

        var sql = await File.ReadAllTextAsync(path, TestContext.CancellationToken);
        StringAssert.EndsWith(path, "_optimize_v3_indexes.sql");
        StringAssert.Contains(sql, "-- Inputs: indexes.json (sha256 ");
        StringAssert.Contains(sql, "(the test sample)");
        StringAssert.Contains(sql, "-- bookings_adventure_id_idx: public.bookings (adventure_id)\n-- Serves: vendor_bookings (");
        StringAssert.Contains(sql, "-- Why: foreign key bookings_adventure_id_fkey on public.bookings (adventure_id) has no index");
        StringAssert.Contains(sql, "\ncreate index concurrently if not exists \"bookings_adventure_id_idx\" on \"public\".\"bookings\" using btree (\"adventure_id\");\n");
        var statements = StatementSplitter.Split(sql).Where(s => !s.IsCommentOnly).ToList();
        Assert.AreEqual(analysis.Kept.Count(), statements.Count, sql);

        var report = await MigrationRunner.ApplyAsync(database.Connection, MigrationSet.Load(migrations, new TestLog()), new ApplyOptions(), new TestLog(), TestContext.CancellationToken);

        Assert.IsTrue(report.Passed, report.Failure?.ToString());
        var applied = report.Files.Single(f => f.Name == "optimize_v3_indexes");
        // PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a transaction block (25001): it ran alone, in autocommit.
        Assert.AreEqual(("applied", statements.Count), (applied.Status, applied.NonTransactional));
        Assert.IsTrue(await database.ScalarAsync<bool>("select indisvalid from pg_index where indexrelid = 'public.bookings_adventure_id_idx'::regclass"));
        var recorded = await database.ScalarAsync<string[]>($"select statements from supabase_migrations.schema_migrations where version = '{applied.Version}'");
        StringAssert.EndsWith(recorded[^1], "\ncreate index concurrently if not exists \"bookings_adventure_id_idx\" on \"public\".\"bookings\" using btree (\"adventure_id\")", "recorded as the Supabase CLI records it, comments included");

        var again = await MigrationRunner.ApplyAsync(database.Connection, MigrationSet.Load(migrations, new TestLog()), new ApplyOptions(), new TestLog(), TestContext.CancellationToken);
        Assert.AreEqual((true, 0), (again.Passed, again.Applied));
    }

    [TestMethod]
    public async Task WithoutAnAnalysisOrWithNothingKeptThereIsNoMigration()
    {
        var artifacts = TestPaths.NewFolder("artifacts");
        var migrations = TestPaths.NewFolder("migrations");
        GenerateOptions Options() => new() { Name = "optimize_v3_indexes", Template = "indexes", SupabaseDirectory = TestTemplates.SupabaseDirectory, MigrationsDirectory = migrations, ArtifactsDirectory = artifacts };

        var missing = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => MigrationGenerator.GenerateAsync(Options(), new TestLog(), TestContext.CancellationToken));
        Assert.AreEqual("MT0708", missing.Code);

        Directory.CreateDirectory(Path.Combine(artifacts, "indexes"));
        var nothing = new IndexAnalysis { Database = "d", Source = "s", Workload = "w", Passed = true };
        nothing.Proposals.Add(new IndexProposal { Name = "x_idx", Definition = new IndexDefinition("public", "x", "btree", [new IndexKey("a")], []), Status = ProposalStatus.NotUsed });
        await File.WriteAllTextAsync(Path.Combine(artifacts, "indexes", "indexes.json"), nothing.ToJson(), TestContext.CancellationToken);
        var none = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => MigrationGenerator.GenerateAsync(Options(), new TestLog(), TestContext.CancellationToken));
        Assert.AreEqual("MT0709", none.Code);
        Assert.IsEmpty(Directory.GetFiles(migrations));
    }

    [TestMethod]
    public async Task AnAnalysisEditedToHoldSqlIsRefusedAndNamesAreQuotedAsData()
    {
        var artifacts = TestPaths.NewFolder("artifacts");
        var migrations = TestPaths.NewFolder("migrations");
        Directory.CreateDirectory(Path.Combine(artifacts, "indexes"));
        var analysis = new IndexAnalysis { Database = "d", Source = "s\n; drop table x; --", Workload = "w", Passed = true };
        analysis.Proposals.Add(new IndexProposal
        {
            Name = "we\"ird",
            Definition = new IndexDefinition("my schema", "ta\"ble", "btree", [new IndexKey("co\"l", "lower")], [new PartialCondition("st'atus", "=", ["it's"])]),
            Status = ProposalStatus.Kept,
            Reasons = ["a reason\ndrop table x;"],
        });
        var file = Path.Combine(artifacts, "indexes", "indexes.json");
        await File.WriteAllTextAsync(file, analysis.ToJson(), TestContext.CancellationToken);
        GenerateOptions Options() => new() { Name = "odd", Template = "indexes", SupabaseDirectory = TestTemplates.SupabaseDirectory, MigrationsDirectory = migrations, ArtifactsDirectory = artifacts };

        var sql = await File.ReadAllTextAsync(await MigrationGenerator.GenerateAsync(Options(), new TestLog(), TestContext.CancellationToken), TestContext.CancellationToken);

        StringAssert.Contains(sql, "create index concurrently if not exists \"we\"\"ird\" on \"my schema\".\"ta\"\"ble\" using btree ((\"lower\"(\"co\"\"l\"))) where \"st'atus\" = 'it''s';");
        Assert.IsFalse(sql.Split('\n').Any(line => line.StartsWith("drop table", StringComparison.Ordinal) || line.StartsWith("; drop", StringComparison.Ordinal)), sql);
        Assert.AreEqual(1, StatementSplitter.Split(sql).Count(s => !s.IsCommentOnly), sql);

        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file, TestContext.CancellationToken)).Replace("\"method\": \"btree\"", "\"method\": \"btree (a); drop table x; --\"", StringComparison.Ordinal), TestContext.CancellationToken);
        var tampered = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() => MigrationGenerator.GenerateAsync(Options() with { Name = "tampered" }, new TestLog(), TestContext.CancellationToken));
        Assert.AreEqual("MT0708", tampered.Code, tampered.ToString());
    }

    [TestMethod]
    public void IndexNamesFitPostgreSqlsLimitAndAvoidTakenNames()
    {
        var definition = new IndexDefinition("public", new string('t', 60), "btree", [new IndexKey("first_column"), new IndexKey("second_column")], []);

        var name = definition.SuggestName(_ => false);
        var next = definition.SuggestName(n => n == name);

        Assert.IsLessThanOrEqualTo(63, System.Text.Encoding.UTF8.GetByteCount(name));
        StringAssert.EndsWith(name, "_idx");
        Assert.AreNotEqual(name, next);
        StringAssert.EndsWith(next, "_idx2");
        Assert.AreEqual("bookings_lower_travel_dates_idx", new IndexDefinition("public", "bookings", "btree", [new IndexKey("travel_dates", "lower")], []).SuggestName(_ => false));
    }
}
