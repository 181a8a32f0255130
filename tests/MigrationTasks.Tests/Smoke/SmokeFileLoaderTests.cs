using MigrationTasks.Errors;
using MigrationTasks.Smoke;

namespace MigrationTasks.Tests.Smoke;

/// <summary>The smoke file is checked before anything runs: coded errors with the file and the line.</summary>
[TestClass]
public sealed class SmokeFileLoaderTests
{
    private const string File = "/repo/supabase/tests/smoke.yaml";

    private const string Personas = """
        personas:
          anon: { role: anon }
          traveller: { role: authenticated, user: "select * from auth.users order by id limit 1" }

        """;

    [TestMethod]
    public void TheRepositorysSmokeFileLoads()
    {
        var smoke = SmokeFileLoader.Load(SmokeCensus.SmokeFile);

        Assert.IsGreaterThanOrEqualTo(5, smoke.Flows.Count);
        Assert.IsTrue(smoke.Flows.SelectMany(f => f.Steps).Any(s => s.Object == "create_booking"), "starting a booking is a flow");
        Assert.IsTrue(smoke.Flows.SelectMany(f => f.Steps).Any(s => s.Object == "search_adventures"), "searching adventures is a flow");
    }

    [TestMethod]
    public void AYamlSyntaxErrorIsMT0851AtItsLine()
    {
        var error = Parse(Personas + "flows:\n  - name: Broken\n    steps: [\n      - as: anon\n");

        Assert.AreEqual(("MT0851", File), (error.Code, error.File));
        Assert.IsGreaterThanOrEqualTo(6, error.Line, error.Message);
    }

    [TestMethod]
    public void AnUnknownKeyIsMT0852AtItsLine()
    {
        var error = Parse(Personas + """
            flows:
              - name: Typo
                steps:
                  - as: anon
                    select: profiles
                    expcet: 1
            """);

        Assert.AreEqual(("MT0852", 9), (error.Code, error.Line));
        Assert.Contains("unknown key 'expcet'", error.Message);
    }

    [TestMethod]
    public void AStepWithTwoCallsOrABadExpectationIsMT0852()
    {
        var twoCalls = Parse(Personas + "flows:\n  - name: Two\n    steps:\n      - as: anon\n        select: profiles\n        rpc: search_adventures\n");
        var badExpect = Parse(Personas + "flows:\n  - name: Bad\n    steps:\n      - as: anon\n        select: profiles\n        expect: lots\n");
        var noWhere = Parse(Personas + "flows:\n  - name: Unfiltered\n    steps:\n      - as: traveller\n        delete: profiles\n");

        Assert.AreEqual(("MT0852", 7), (twoCalls.Code, twoCalls.Line));
        Assert.Contains("one call per step", twoCalls.Message);
        Assert.AreEqual(("MT0852", 9), (badExpect.Code, badExpect.Line));
        Assert.AreEqual(("MT0852", 7), (noWhere.Code, noWhere.Line));
        Assert.Contains("delete needs 'where'", noWhere.Message);
    }

    [TestMethod]
    public void AnUnknownPersonaIsMT0853AndAPlaceholderUsedBeforeItIsSavedIsMT0854()
    {
        var persona = Parse(Personas + "flows:\n  - name: Who\n    steps:\n      - as: admin\n        select: profiles\n");
        var early = Parse(Personas + """
            flows:
              - name: Too early
                steps:
                  - as: traveller
                    select: bookings
                    where: id = {{booking_id}}
                  - as: traveller
                    rpc: create_booking
                    args: { p_adventure_id: "{{traveller.id}}" }
                    save: { booking_id: id }
            """);

        Assert.AreEqual(("MT0853", 7), (persona.Code, persona.Line));
        Assert.Contains("'admin'", persona.Message);
        Assert.AreEqual(("MT0854", 9), (early.Code, early.Line));
        Assert.Contains("{{booking_id}}", early.Message);
    }

    [TestMethod]
    public void AMissingFileIsMT0850AndDuplicateFlowNamesAreMT0852()
    {
        var missing = Assert.ThrowsExactly<MigrationTasksException>(() => SmokeFileLoader.Load("/nonexistent/smoke.yaml"));
        var duplicate = Parse(Personas + "flows:\n  - name: Same\n    steps: [{ as: anon, select: profiles }]\n  - name: Same\n    steps: [{ as: anon, select: profiles }]\n");

        Assert.AreEqual("MT0850", missing.Code);
        Assert.AreEqual(("MT0852", 7), (duplicate.Code, duplicate.Line));
    }

    private static MigrationTasksException Parse(string text) =>
        Assert.ThrowsExactly<MigrationTasksException>(() => SmokeFileLoader.Parse(text, File));
}
