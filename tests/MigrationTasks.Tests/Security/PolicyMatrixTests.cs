using MigrationTasks.Common;
using MigrationTasks.Diff.Align;
using MigrationTasks.Errors;
using MigrationTasks.Security;
using MigrationTasks.Security.Matrix;
using MigrationTasks.Security.Running;
using MigrationTasks.Tests.Diff;
using MigrationTasks.Tests.Infrastructure;
using Npgsql;

namespace MigrationTasks.Tests.Security;

/// <summary>
/// The trvl-social matrix on real databases: it passes on the v3 schema and on a migrated clone of the sample
/// production once its security drift is aligned; it fails, naming the cases, when a policy is loosened or dropped
/// and on the clone as it is; and it leaves nothing behind. One database per class (copied from a template),
/// everything else inside the matrix's rolled-back transaction.
/// </summary>
[TestClass]
public sealed class PolicyMatrixTests
{
    private static TestDatabase? _migrated;

    public TestContext TestContext { get; set; } = null!;

    private static TestDatabase Migrated => _migrated ?? throw new InvalidOperationException("not initialised");

    [ClassInitialize]
    public static async Task CreateAsync(TestContext context) => _migrated = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);

    [ClassCleanup]
    public static async Task DropAsync()
    {
        if (_migrated is not null)
        {
            await _migrated.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task TheMatrixPassesOnTheV3SchemaCoversItAllAndTheLintIsQuiet()
    {
        var report = await PolicyVerifier.VerifyAsync(Migrated.Connection, SampleMatrix.Options(requireFullCoverage: true), NullEngineLog.Instance, TestContext.CancellationToken);

        Assert.IsTrue(report.Run.Passed, string.Join("\n", report.Run.Cases.Where(c => !c.Passed).Select(c => $"{c.Case.Name}: {c.Failure}")));
        Assert.IsTrue(report.Coverage.Complete, string.Join("\n", report.Coverage.DescribeGaps()));
        Assert.AreEqual(11 * 4 * 3 + 3 + 6 * 3, report.Coverage.Total, "11 tables x 4 commands, 1 view, 6 functions, x 3 roles");
        Assert.IsEmpty(report.Coverage.Excluded, "no v1 objects on the v3 schema");
        Assert.IsEmpty(report.Lint.Findings.Where(f => !f.Accepted).Select(f => $"{f.Rule.Name} {f.Object}"), "the clean v3 schema has no open finding");
        Assert.HasCount(6, report.Lint.Findings.Where(f => f.Accepted), "the six SECURITY DEFINER functions, accepted with reasons");
        Assert.IsTrue(report.Passed);
        Assert.Contains("SET LOCAL SESSION AUTHORIZATION", report.Run.Impersonation, "the test server's user is a superuser: requests go through authenticator");
    }

    [TestMethod]
    [DataRow("drop policy \"Users see their notifications\" on public.notifications",
        new[] { "Users see only their notifications as traveller", "Users mark their notifications read as traveller", "Users clear their notifications as traveller" })]
    [DataRow("alter policy \"Travellers, their vendors and admins see bookings\" on public.bookings using (true)",
        new[] { "Travellers see their bookings, vendors those of their adventures as traveller", "Travellers see their bookings, vendors those of their adventures as vendor",
                "Travellers see their bookings, vendors those of their adventures as other_vendor", "Payments are visible with their booking as traveller",
                "Payments are visible with their booking as vendor", "Payments are visible with their booking as other_vendor" })]
    [DataRow("alter policy \"Vendors add adventures\" on public.adventures with check (true)",
        new[] { "Vendors add adventures to their own vendor only as traveller", "Vendors add adventures to their own vendor only as other_vendor", "Vendors add adventures to their own vendor only as admin" })]
    [DataRow("alter policy \"Published adventures are visible to everyone\" on public.adventures using (true)",
        new[] { "Published adventures are public, drafts only for their vendor and admins as anon" })]
    [DataRow("drop policy \"Organizers update their trips\" on public.group_trips",
        new[] { "Organizers edit their trips as traveller" })]
    [DataRow("grant execute on function public.create_booking(uuid, daterange, integer) to anon",
        new[] { "create_booking books for the signed-in caller at the adventure's price as anon" })]
    public async Task ALoosenedOrDroppedPolicyFailsExactlyTheCasesItBreaks(string change, string[] expectedFailures)
    {
        var result = await RunAsync(Migrated, new MatrixRunOptions { SetupSql = change });

        CollectionAssert.AreEquivalent(expectedFailures, result.Cases.Where(c => !c.Passed).Select(c => c.Case.Name).ToArray());
        foreach (var failed in result.Cases.Where(c => !c.Passed))
        {
            Assert.IsNotNull(failed.Failure);
            Assert.EndsWith("policies.yaml", failed.Case.Location.File);
            Assert.IsGreaterThan(0, failed.Case.Location.Line);
        }
    }

    [TestMethod]
    public async Task OnTheMigratedSampleCloneTheDriftFailsAndOnceAlignedEverythingPasses()
    {
        await using var clone = await TestServer.CreateDatabaseAsync(TestTemplate.MigratedSample);

        var drifted = await PolicyVerifier.VerifyAsync(clone.Connection, SampleMatrix.Options(requireFullCoverage: true), NullEngineLog.Instance, TestContext.CancellationToken);

        CollectionAssert.AreEquivalent(SampleMatrix.DriftCases, drifted.Run.Cases.Where(c => !c.Passed).Select(c => c.Case.Name).ToArray());
        CollectionAssert.AreEquivalent(
            new[] { "policy_exists_rls_disabled public.follows", "rls_disabled_in_public public.follows", "security_definer_view public.adventure_cards" },
            drifted.OpenFailing.Select(f => $"{f.Rule.Name} {f.Object}").ToArray());
        Assert.IsTrue(drifted.Coverage.Complete, "the v1 objects are excluded with a reason: " + string.Join("; ", drifted.Coverage.DescribeGaps()));
        Assert.IsNotEmpty(drifted.Coverage.Excluded);
        Assert.IsTrue(drifted.Coverage.Excluded.All(e => e.Cell.Object.StartsWith("public.v1_", StringComparison.Ordinal)));
        Assert.IsFalse(drifted.Passed);

        // The align migration the differ writes for this clone (what -t:NewMigration -p:MigrationTemplate=align makes).
        var diff = await DiffHarness.RunAsync(clone, TestPaths.NewFolder("policies-align"), allowDestructive: false, TestContext.CancellationToken);
        await clone.ExecuteAsync(AlignRenderer.Render(AlignModel.FromReport(diff.Report)));
        var aligned = await PolicyVerifier.VerifyAsync(clone.Connection, SampleMatrix.Options(requireFullCoverage: true), NullEngineLog.Instance, TestContext.CancellationToken);

        Assert.IsTrue(aligned.Run.Passed, string.Join("\n", aligned.Run.Cases.Where(c => !c.Passed).Select(c => $"{c.Case.Name}: {c.Failure}")));
        Assert.IsEmpty(aligned.OpenFailing);
        Assert.IsTrue(aligned.Passed, aligned.Summary);
    }

    [TestMethod]
    public async Task NothingTheMatrixDoesIsKept()
    {
        const string snapshot = """
            select string_agg(format('%s=%s', c.oid::regclass, (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %s', c.oid::regclass), false, true, '')))[1]), ',' order by c.oid::regclass::text)
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind = 'r' and n.nspname in ('public', 'auth')
            """;
        var before = await Migrated.ScalarAsync<string>(snapshot);
        var policies = await Migrated.ScalarAsync<long>("select count(*) from pg_policy");

        var result = await RunAsync(Migrated, new MatrixRunOptions { SetupSql = "drop policy \"Users see their notifications\" on public.notifications" });

        Assert.IsGreaterThan(300, result.Cases.Count);
        Assert.AreEqual(before, await Migrated.ScalarAsync<string>(snapshot), "no row of the fixtures or of any case is left");
        Assert.AreEqual(policies, await Migrated.ScalarAsync<long>("select count(*) from pg_policy"), "the setup's DROP POLICY was rolled back too");
    }

    [TestMethod]
    public async Task AFailingFixtureOrAPersonaWithoutItsUserIsACodedErrorAtItsLine()
    {
        var folder = TestPaths.NewFolder("matrix-errors");
        File.WriteAllText(Path.Combine(folder, "fixtures.sql"), "-- one good, one bad\ninsert into auth.users (id, email) values ({{tess}}, 'fixture@example.test');\n\ninsert into public.nowhere values (1);\n");
        var matrixFile = Path.Combine(folder, "policies.yaml");
        File.WriteAllText(matrixFile, """
            personas:
              traveller:
                role: authenticated
                user: select * from auth.users where id = {{tess}}
            fixtures:
              - file: fixtures.sql
            values:
              tess: a0000000-0000-4000-8000-0000000000ff
            checks:
              - select: profiles
                expect: { traveller: 1 }
            """);

        var fixture = await Assert.ThrowsAsync<MigrationTasksException>(() => RunAsync(Migrated, new MatrixRunOptions(), PolicyMatrixLoader.Load(matrixFile)));
        Assert.AreEqual(("MT0607", 4), (fixture.Code, fixture.Line), fixture.ToString());
        Assert.EndsWith("fixtures.sql", fixture.File!);
        Assert.Contains("42P01", fixture.Message);

        File.WriteAllText(Path.Combine(folder, "fixtures.sql"), "select 1;\n");
        var persona = await Assert.ThrowsAsync<MigrationTasksException>(() => RunAsync(Migrated, new MatrixRunOptions(), PolicyMatrixLoader.Load(matrixFile)));
        Assert.AreEqual(("MT0606", 2), (persona.Code, persona.Line), persona.ToString());
        Assert.Contains("no row", persona.Message);
        Assert.AreEqual(0L, await Migrated.ScalarAsync<long>("select count(*) from auth.users where email = 'fixture@example.test'"));
    }

    [TestMethod]
    public async Task CoverageListsWhatNoCaseExercisesAndFullCoverageCanBeRequired()
    {
        var folder = TestPaths.NewFolder("matrix-coverage");
        var matrixFile = Path.Combine(folder, "policies.yaml");
        File.WriteAllText(matrixFile, """
            personas:
              anon: { role: anon }
              service_role: { role: service_role }
            checks:
              - select: profiles
                expect: { anon: 0, service_role: 0 }
              - rpc: is_admin
                expect: { anon: { result: false } }
              - select: no_such_table
                expect: { anon: 0 }
            coverage:
              exclude:
                - object: public.follows
                  roles: [anon]
                  reason: anon has no grant on follows at all
            """);
        var options = SampleMatrix.Options() with { MatrixFile = matrixFile };

        var report = await PolicyVerifier.VerifyAsync(Migrated.Connection, options, NullEngineLog.Instance, TestContext.CancellationToken);

        Assert.AreEqual(3, report.Coverage.Covered.Count, "profiles select as anon and service_role, is_admin as anon: " + string.Join(", ", report.Coverage.Covered));
        Assert.HasCount(4, report.Coverage.Excluded, "four commands on follows as anon");
        Assert.AreEqual(153, report.Coverage.Total + report.Coverage.Excluded.Count, "every cell is covered, a gap, or excluded");
        Assert.Contains("select on public.profiles as authenticated", report.Coverage.DescribeGaps().ToList());
        Assert.Contains("execute on public.is_admin() as authenticated, service_role", report.Coverage.DescribeGaps().ToList());
        CollectionAssert.AreEqual(new[] { "public.no_such_table" }, report.Coverage.UnknownObjects.ToArray());
        Assert.IsFalse(report.Run.Passed, "a case about a missing table fails (42P01)");

        var required = await PolicyVerifier.VerifyAsync(Migrated.Connection, options with { RequireFullCoverage = true, MatrixFile = matrixFile }, NullEngineLog.Instance, TestContext.CancellationToken);
        Assert.IsFalse(required.Passed);
    }

    private async Task<MatrixRunResult> RunAsync(TestDatabase database, MatrixRunOptions options, PolicyMatrix? matrix = null)
    {
        await using var connection = new NpgsqlConnection(database.Connection.With(b => b.Pooling = false).ConnectionString);
        await connection.OpenAsync(TestContext.CancellationToken);
        var config = SupabaseApiConfig.Load(SampleMatrix.ConfigFile);
        return await PolicyMatrixRunner.RunAsync(connection, matrix ?? PolicyMatrixLoader.Load(SampleMatrix.MatrixFile), config.ToApiSettings(), options, NullEngineLog.Instance, TestContext.CancellationToken);
    }
}
