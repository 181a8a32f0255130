using MigrationTasks.Errors;
using MigrationTasks.Migrations;
using MigrationTasks.Templates;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Migrations;

namespace MigrationTasks.Tests.Templates;

/// <summary>The template mechanism other generators plug into: a model in, quoted SQL out, overrides first, strict.</summary>
[TestClass]
public sealed class TemplateRendererTests
{
    public TestContext TestContext { get; set; } = null!;

    public sealed record Column(string TableName, string ColumnName, string? DefaultValue);

    [TestMethod]
    public void AModelRendersInSnakeCaseAndEveryNameAndValueIsQuoted()
    {
        var overrides = TestPaths.NewFolder("render");
        File.WriteAllText(Path.Combine(overrides, "column.sql.sbn"),
            "alter table {{ sql.qualified 'public' table_name }} add column {{ sql.ident column_name }} text default {{ sql.literal default_value }};");

        var sql = new TemplateRenderer(overrides).Render("column.sql.sbn", new Column("odd\"table", "x; drop table users; --", null));

        Assert.AreEqual("alter table \"public\".\"odd\"\"table\" add column \"x; drop table users; --\" text default NULL;", sql);
    }

    [TestMethod]
    public void AnUnknownVariableIsAnErrorWithTheTemplatesLineNotAnEmptyString()
    {
        var overrides = TestPaths.NewFolder("strict");
        File.WriteAllText(Path.Combine(overrides, "typo.sql.sbn"), "select 1;\nselect {{ colum_name }};\n");

        var error = Assert.ThrowsExactly<MigrationTasksException>(() => new TemplateRenderer(overrides).Render("typo.sql.sbn", new Column("t", "c", null)));

        Assert.AreEqual(("MT0304", 2), (error.Code, error.Line), error.ToString());
        Assert.AreEqual(Path.Combine(overrides, "typo.sql.sbn"), error.File);
    }

    [TestMethod]
    public void AnOverrideReplacesTheBuiltInTemplateAndIncludesWork()
    {
        Assert.Contains("empty.sql.sbn", TemplateRenderer.BuiltIn);
        var overrides = TestPaths.NewFolder("override");
        File.WriteAllText(Path.Combine(overrides, "empty.sql.sbn"), "{{ include 'part.sbn' }} -- {{ migration.name }}");
        File.WriteAllText(Path.Combine(overrides, "part.sbn"), "-- written by hand");

        var text = new TemplateRenderer(overrides).Render("empty.sql.sbn", new Dictionary<string, object?>(),
            new Dictionary<string, object?> { ["migration"] = new Dictionary<string, object?> { ["name"] = "x" } });

        Assert.AreEqual("-- written by hand -- x", text);
    }

    [TestMethod]
    public void TemplatesAreFoundWithoutRegistration()
    {
        CollectionAssert.Contains(MigrationTemplates.Names(null).ToArray(), "empty");
        Assert.IsInstanceOfType<EmptyMigrationTemplate>(MigrationTemplates.Find("empty", null));
        Assert.IsNull(MigrationTemplates.Find("missing", null));
    }

    [TestMethod]
    public async Task AGeneratedFileIsAValidMigrationAndTheVersionComesFromTheClock()
    {
        var supabase = TestPaths.NewFolder("generated");
        var clock = new FixedClock(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)));
        var options = new GenerateOptions { Name = "first", SupabaseDirectory = supabase, ArtifactsDirectory = supabase, Clock = clock };

        var path = await MigrationGenerator.GenerateAsync(options, new TestLog(), TestContext.CancellationToken);
        var again = await MigrationGenerator.GenerateAsync(options with { Name = "second" }, new TestLog(), TestContext.CancellationToken);

        Assert.AreEqual("20240506050809_first.sql", Path.GetFileName(path), "UTC, 14 digits");
        Assert.AreEqual("20240506050810_second.sql", Path.GetFileName(again), "the next free second, never a shared version");
        var set = MigrationSet.Load(Path.Combine(supabase, "migrations"), new TestLog());
        Assert.HasCount(2, set.Files);
        Assert.AreEqual(1, set.Files[0].Statements.Count, "only the header comment");
        Assert.IsTrue(set.Files[0].Statements[0].IsCommentOnly);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
