using MigrationTasks.Errors;
using MigrationTasks.Indexes;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tools;

namespace MigrationTasks.Tests.Indexes;

/// <summary>The workload file: its format, its errors (file and line), parameter substitution, and supabase/tests/workload.sql itself.</summary>
[TestClass]
public sealed class WorkloadTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void TheAppsWorkloadCoversTheCommonQueriesWithTheirRoles()
    {
        var workload = Workload.Load(TestTemplates.WorkloadFile);

        CollectionAssert.IsSubsetOf(
            new[] { "search_text", "search_tag", "search_location", "search_dates", "traveller_bookings", "vendor_bookings", "vendor_stats", "adventure_reviews", "feed", "notifications" },
            workload.Queries.Select(q => q.Name).ToList());
        Assert.AreEqual(("authenticated", "traveller_id"), (workload.Queries.Single(q => q.Name == "traveller_bookings").Role, workload.Queries.Single(q => q.Name == "traveller_bookings").UserParameter));
        Assert.AreEqual("anon", workload.Queries.Single(q => q.Name == "adventure_reviews").Role);
        Assert.IsNull(workload.Queries.Single(q => q.Name == "vendor_stats").Role, "a SECURITY DEFINER body runs as its owner");
        Assert.IsNotNull(workload.ParametersSql);
        Assert.IsTrue(workload.Queries.All(q => q.Description.Length > 0 && q.Line > 0));
        foreach (var query in workload.Queries)
        {
            var names = Workload.ParameterNames(query.Sql, workload.File, query.Line);
            Assert.IsTrue(names.All(n => workload.ParametersSql!.Contains(" as " + n, StringComparison.Ordinal)), $"{query.Name} reads a parameter the parameters query does not name");
        }
    }

    [TestMethod]
    public async Task TheWorkloadFileRunsAsItIsInPsqlOnTheMigratedSample()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleWorkload);

        var result = await PostgresTool.RunAsync(TestTemplates.Binaries, "psql", database.Connection, ["-X", "-v", "ON_ERROR_STOP=1", "-f", TestTemplates.WorkloadFile], TestContext.CancellationToken);

        StringAssert.Contains(result.StandardOutput, "(20 rows)", "the searches find adventures in the test data");
        Assert.AreEqual(0, result.ExitCode);
    }

    [TestMethod]
    [DataRow("select 1;\n-- @query a\nselect 1;\n", 1, "SQL outside a block")]
    [DataRow("-- @query a\n-- @rol anon\nselect 1;\n", 2, "unknown directive")]
    [DataRow("-- @query a\n-- @role postgres\nselect 1;\n", 2, "not an API role")]
    [DataRow("-- @query a\n-- @role anon\n-- @user someone\nselect 1;\n", 3, "without '-- @role authenticated'")]
    [DataRow("-- @query a\nselect 1;\nselect 2;\n", 3, "exactly one statement")]
    [DataRow("-- @query a\nselect 1\n", 2, "must end with ';'")]
    [DataRow("-- @query a\nselect 1;\n-- @query a\nselect 2;\n", 3, "a second query named 'a'")]
    [DataRow("-- @query A-1\nselect 1;\n", 1, "is not a query name")]
    [DataRow("-- @query a\n\\set x 1\nselect 1;\n", 2, "psql meta-commands")]
    [DataRow("-- @parameters\nselect 1 as x;\n-- @query a\nselect 1;\n", 2, "must end with '\\gset'")]
    [DataRow("-- just a comment\n", 1, "no '-- @query <name>' block")]
    public void BadWorkloadsAreRefusedWithTheLine(string text, int line, string problem)
    {
        var error = Assert.ThrowsExactly<MigrationTasksException>(() => Workload.Parse(text, "/repo/supabase/tests/workload.sql"));

        Assert.AreEqual(("MT0702", "/repo/supabase/tests/workload.sql", line), (error.Code, error.File, error.Line), error.ToString());
        StringAssert.Contains(error.Message, problem);
    }

    [TestMethod]
    public void AMissingWorkloadIsItsOwnError()
    {
        var error = Assert.ThrowsExactly<MigrationTasksException>(() => Workload.Load(Path.Combine(TestPaths.NewFolder("workload"), "missing.sql")));
        Assert.AreEqual("MT0701", error.Code);
    }

    [TestMethod]
    public void ParametersAreSubstitutedAsQuotedLiteralsAndNothingElseIsTouched()
    {
        var sql = "select ':''x''' as text, \"col:'x'\", $$ :'x' $$, x::text, y -- :'x'\nfrom t where a = :'x' and b = :'empty' and c = :'x'::uuid";
        var values = new Dictionary<string, string?> { ["x"] = "O'Brien \\ ;drop table t", ["empty"] = null };

        var substituted = Workload.Substitute(sql, values, "w.sql", 7);

        Assert.AreEqual("select ':''x''' as text, \"col:'x'\", $$ :'x' $$, x::text, y -- :'x'\nfrom t where a = E'O''Brien \\\\ ;drop table t' and b = NULL and c = E'O''Brien \\\\ ;drop table t'::uuid", substituted);
        var (prepared, names) = Workload.Parameterise(sql, "w.sql", 7);
        StringAssert.Contains(prepared, "a = $1 and b = $2 and c = $1::uuid");
        CollectionAssert.AreEqual(new[] { "x", "empty" }, names.ToArray());

        var unknown = Assert.ThrowsExactly<MigrationTasksException>(() => Workload.Substitute("select :'nope'", values, "w.sql", 7));
        Assert.AreEqual(("MT0704", 7), (unknown.Code, unknown.Line));
    }
}
