using MigrationTasks.Smoke;
using MigrationTasks.Tests.Infrastructure;
using MigrationTasks.Tests.Migrations;

namespace MigrationTasks.Tests.Smoke;

/// <summary>The smoke flows of supabase/tests/smoke.yaml on the migrated sample production (pending and data migrations applied), as PostgREST personas.</summary>
[TestClass]
public sealed class SmokeFlowTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task EveryFlowPassesOnTheMigratedSampleAndNothingPersists()
    {
        await using var database = await Data.MigratedSample.CopyAsync();
        var before = await SmokeCensus.TakeAsync(database, TestContext.CancellationToken);
        var log = new TestLog();

        var result = await SmokeRunner.RunAsync(database.Connection, SmokeCensus.SmokeFile, log, TestContext.CancellationToken);

        Assert.IsTrue(result.Passed, result.ToMarkdown());
        CollectionAssert.AreEqual(
            new[] { "Sign in", "View and edit a profile", "A vendor publishes an adventure, a traveller finds it and books it", "Travellers and vendors see a booking, nobody else does", "Notification preferences" },
            result.Flows.Select(f => f.Name).ToArray());
        Assert.IsTrue(result.Flows.All(f => f.SkippedSteps == 0 && f.Steps.Count > 0));
        Assert.Contains("authenticator", result.Impersonation, "a superuser connection switches roles as PostgREST's connection does");
        Assert.AreEqual(before, await SmokeCensus.TakeAsync(database, TestContext.CancellationToken), "every row count, content checksum and the schema are as before");
        Assert.AreEqual(0L, await database.ScalarAsync<long>("select count(*) from public.vendors where slug like 'smoke-test-%'"));
        Assert.Contains("pass Notification preferences", log.Text);
        Assert.DoesNotContain(database.Connection.Password!, result.ToJson() + result.ToMarkdown() + log.Text);
        Assert.DoesNotContain("full_name", result.ToMarkdown(), "the report shows only the values the file names, not users' personal data");
        Assert.Contains("1 row, first {\"id\":\"", result.ToMarkdown());
    }

    [TestMethod]
    public async Task AsANonSuperuserMemberOfTheApiRolesLikeSupabasesPostgresTheFlowsPassAndNothingPersists()
    {
        await using var database = await Data.MigratedSample.CopyAsync();
        var member = "smoke_member_" + Guid.NewGuid().ToString("N")[..8];
        const string password = "smoke-member-password-1";
        // As Supabase's postgres: not a superuser, BYPASSRLS (it reads auth.users, whose RLS has no policy), a member of the API roles.
        await database.ExecuteAsync($"create role {member} login bypassrls password {MigrationTasks.Sql.SqlQuote.Literal(password)} in role anon, authenticated, service_role; " +
                                    $"grant usage on schema auth to {member}; grant select on auth.users to {member}");
        try
        {
            var before = await SmokeCensus.TakeAsync(database, TestContext.CancellationToken);
            var connection = database.Connection.With(b => { b.Username = member; b.Password = password; b.Pooling = false; });

            var result = await SmokeRunner.RunAsync(connection, SmokeCensus.SmokeFile, new TestLog(), TestContext.CancellationToken);

            Assert.IsTrue(result.Passed, result.ToMarkdown());
            Assert.Contains("not a superuser", result.Impersonation);
            Assert.AreEqual(before, await SmokeCensus.TakeAsync(database, TestContext.CancellationToken));
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await database.ExecuteAsync($"drop owned by {member}; drop role if exists {member}");
        }
    }

    [TestMethod]
    public async Task ABrokenFlowFailsWithItsNameAndLineWhileTheOthersStillPassAndNothingPersists()
    {
        await using var database = await Data.MigratedSample.CopyAsync();
        var folder = TestPaths.NewFolder("smoke");
        var file = Path.Combine(folder, "smoke.yaml");
        var text = await File.ReadAllTextAsync(SmokeCensus.SmokeFile, TestContext.CancellationToken);
        // The vendor "sees" two bookings of the adventure, where there is one; the steps after it cannot run.
        var broken = text.Replace("        expect: { rows: 1, columns: { id: \"{{booking_id}}\", traveller_id: \"{{traveller.id}}\" } }",
            "        expect: { rows: 2, columns: { id: \"{{booking_id}}\", traveller_id: \"{{traveller.id}}\" } }", StringComparison.Ordinal);
        Assert.AreNotEqual(text, broken);
        await File.WriteAllTextAsync(file, broken, TestContext.CancellationToken);
        var brokenLine = broken[..broken.IndexOf("rows: 2", StringComparison.Ordinal)].Count(c => c == '\n') + 1;
        var before = await SmokeCensus.TakeAsync(database, TestContext.CancellationToken);

        var result = await SmokeRunner.RunAsync(database.Connection, file, new TestLog(), TestContext.CancellationToken);

        Assert.IsFalse(result.Passed);
        var failed = result.Failed.Single();
        Assert.AreEqual("Travellers and vendors see a booking, nobody else does", failed.Name);
        var step = failed.Steps.Single(s => !s.Passed);
        Assert.AreEqual(brokenLine - 4, step.Line, "the step's line (its '- as:' line)");
        Assert.AreEqual("vendor: select bookings", step.Description);
        Assert.Contains("expected 2 rows, got 1 row", step.Failure!);
        Assert.StartsWith($"line {step.Line}, vendor: select bookings: expected 2 rows", failed.Failure!);
        Assert.AreEqual(5, failed.SkippedSteps);
        Assert.AreEqual(4, result.Flows.Count(f => f.Passed), "the other flows still ran and passed");
        var report = result.ToMarkdown();
        Assert.Contains("| Travellers and vendors see a booking, nobody else does | ", report);
        Assert.Contains("**FAIL**", report);
        Assert.Contains("WITH pgrst_source AS (SELECT id, traveller_id, status FROM \"public\".\"bookings\"", report, "the failing statement, to paste into psql");
        Assert.AreEqual(before, await SmokeCensus.TakeAsync(database, TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task APersonaWithoutAUserFailsItsFlowsWithMT0855()
    {
        await using var database = await Data.MigratedSample.CopyAsync();
        var file = Path.Combine(TestPaths.NewFolder("smoke"), "smoke.yaml");
        await File.WriteAllTextAsync(file, """
            personas:
              ghost: { role: authenticated, user: "select * from auth.users where email = 'nobody@example.invalid'" }
              anon: { role: anon }
            flows:
              - name: Ghost signs in
                steps:
                  - as: ghost
                    sql: select auth.uid() as uid
              - name: Anon browses
                steps:
                  - as: anon
                    select: profiles
                    where: "false"
                    expect: 0
            """, TestContext.CancellationToken);

        var result = await SmokeRunner.RunAsync(database.Connection, file, new TestLog(), TestContext.CancellationToken);

        var ghost = result.Flows[0];
        Assert.IsFalse(ghost.Passed);
        Assert.Contains("MT0855", ghost.Failure!);
        Assert.Contains("line 2: no user for the persona 'ghost': the query returned no row", ghost.Failure!);
        Assert.IsTrue(result.Flows[1].Passed, result.ToMarkdown());

        var chosen = await SmokeRunner.RunAsync(database.Connection, file, new TestLog(), TestContext.CancellationToken, new SmokeRunOptions { Flows = ["Anon browses"] });
        Assert.AreEqual("Anon browses", chosen.Flows.Single().Name, "only the flows asked for run");
        Assert.IsTrue(chosen.Passed);
    }

    [TestMethod]
    public async Task AWriteTheRoleMayNotMakeIsDeniedAndAReadIsReadOnlyAsPostgrestRunsIt()
    {
        await using var database = await Data.MigratedSample.CopyAsync();
        var file = Path.Combine(TestPaths.NewFolder("smoke"), "smoke.yaml");
        await File.WriteAllTextAsync(file, """
            personas:
              anon: { role: anon }
            flows:
              - name: Anon cannot write
                steps:
                  - as: anon
                    insert: profiles
                    values: { id: 00000000-0000-4000-8000-000000000001, full_name: Nobody }
                    expect: denied
                  - as: anon
                    rpc: search_adventures
                    args: { p_query: nothing }
                    expect: 0
                  - as: anon
                    sql: select current_setting('transaction_read_only') as read_only, current_setting('request.jwt.claims', true)::json ->> 'role' as claim
                    expect: { columns: { read_only: "off", claim: anon } }
            """, TestContext.CancellationToken);

        var result = await SmokeRunner.RunAsync(database.Connection, file, new TestLog(), TestContext.CancellationToken);

        Assert.IsTrue(result.Passed, result.ToMarkdown());
        Assert.AreEqual("denied (42501)", result.Flows[0].Steps[0].Expected);
        Assert.StartsWith("error 42501", result.Flows[0].Steps[0].Actual);
    }
}
