using MigrationTasks.Common;
using MigrationTasks.Data;
using MigrationTasks.Data.Spec;
using MigrationTasks.Errors;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Data;

/// <summary>The spec against a real catalog: coded errors at the spec's line, before anything runs (nothing is left behind).</summary>
[TestClass]
public sealed class SpecValidatorTests
{
    public TestContext TestContext { get; set; } = null!;

    private async Task<MigrationTasksException> FailsAsync(string file)
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        var spec = MappingSpecLoader.Load(file);
        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(async () =>
        {
            await using var session = await DataSession.OpenAsync(database.Connection, spec, "test", NullEngineLog.Instance, TestContext.CancellationToken);
        });
        Assert.AreEqual(0L, await database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = 'migration_keymap'"), "the check left nothing behind");
        Assert.AreEqual(file, error.File);
        return error;
    }

    [TestMethod]
    public async Task TheRepositorySpecPlansOnTheSampleAndLeavesNothingBehind()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.SampleProduction);
        var log = new Migrations.TestLog();
        await using (var session = await DataSession.OpenAsync(database.Connection, MappingSpecLoader.Load(SpecFiles.RepositorySpec), "test", log, TestContext.CancellationToken))
        {
            Assert.HasCount(10, session.Plan.Mappings);
            Assert.AreEqual("uuid", session.Plan.Mappings.Single(m => m.Name == "bookings").V3KeyType);
            Assert.AreEqual("bigint", session.Plan.Mappings.Single(m => m.Name == "reviews").V3KeyType);
            CollectionAssert.AreEqual(new[] { "follower_id", "followee_id" }, session.Plan.Mappings.Single(m => m.Name == "follows").Arbiter.ToArray());
        }

        Assert.IsEmpty(log.Warnings, "every v1 column is mapped or listed as dropped: " + string.Join("; ", log.Warnings));
        Assert.AreEqual(0L, await database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = 'migration_keymap'"));
    }

    [TestMethod]
    public async Task AnUnknownTargetColumnIsMT0508AtItsLine()
    {
        var (file, line) = SpecFiles.Variant("      verified: coalesce(v.verified, 0) <> 0", "      is_verified: coalesce(v.verified, 0) <> 0");

        var error = await FailsAsync(file);

        Assert.AreEqual(("MT0508", line), (error.Code, error.Line), error.ToString());
        Assert.Contains("public.vendors has no column 'is_verified'", error.Message);
    }

    [TestMethod]
    public async Task AnUnknownSourceColumnInAnExpressionIsMT0509AtItsLineAndColumn()
    {
        var (file, line) = SpecFiles.Variant("      name: btrim(v.company_name)", "      name: btrim(v.company)");

        var error = await FailsAsync(file);

        Assert.AreEqual(("MT0509", line), (error.Code, error.Line), error.ToString());
        Assert.Contains("column v.company does not exist", error.Message);
        Assert.AreEqual("      name: btrim(".Length + 1, error.Column, "the column points at the bad name");
    }

    [TestMethod]
    public async Task ABadExpressionInsideABlockIsMT0509AtItsOwnLine()
    {
        // The second line of the 'username' block: a syntax error there must point at that line, not the block's first.
        var (file, line) = SpecFiles.Variant("              AND pg_catalog.row_number() OVER", "              AND AND pg_catalog.row_number() OVER");

        var error = await FailsAsync(file);

        Assert.AreEqual(("MT0509", line), (error.Code, error.Line), error.ToString());
        Assert.Contains("syntax error", error.Message);
    }

    [TestMethod]
    public async Task AnExpressionOfTheWrongTypeIsMT0509()
    {
        var (file, line) = SpecFiles.Variant("      status: migration_keymap.v1_booking_status(b.status)::public.booking_status", "      status: migration_keymap.v1_booking_status(b.status)");

        var error = await FailsAsync(file);

        Assert.AreEqual(("MT0509", line), (error.Code, error.Line), error.ToString());
        Assert.Contains("booking_status but expression is of type text", error.Message);
    }

    [TestMethod]
    public async Task AnUnknownTableIsMT0507()
    {
        var (file, line) = SpecFiles.Variant("    source: public.v1_vendors", "    source: public.v1_vendor");

        var error = await FailsAsync(file);

        Assert.AreEqual(("MT0507", line), (error.Code, error.Line), error.ToString());
    }

    [TestMethod]
    public async Task BatchesOverAWindowFunctionAreMT0510()
    {
        var (file, line) = SpecFiles.Variant("    target: public.payments\n    keymap: payments\n", "    target: public.payments\n    keymap: payments\n    batch_size: 1000\n");

        var error = await FailsAsync(file);

        Assert.AreEqual(("MT0510", line + 2), (error.Code, error.Line), error.ToString());
        Assert.Contains("window function", error.Message);
    }
}
