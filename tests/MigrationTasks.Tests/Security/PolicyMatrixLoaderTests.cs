using MigrationTasks.Errors;
using MigrationTasks.Security.Matrix;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Security;

/// <summary>The matrix file: the sample loads as written, and every kind of mistake is a coded error at its file and line.</summary>
[TestClass]
public sealed class PolicyMatrixLoaderTests
{
    private const string Header = """
        personas:
          anon: { role: anon }
          traveller:
            role: authenticated
            user: select * from auth.users where id = {{tess}}
        values:
          tess: a0000000-0000-4000-8000-000000000001
        checks:

        """;

    private static string SampleMatrix => Path.Combine(TestPaths.RepositoryRoot, "supabase", "tests", "policies.yaml");

    [TestMethod]
    public void TheSampleMatrixCoversEveryPersonaOfEveryCheckItWrites()
    {
        var matrix = PolicyMatrixLoader.Load(SampleMatrix);

        CollectionAssert.AreEqual(new[] { "anon", "traveller", "vendor", "other_vendor", "admin", "service_role" }, matrix.Personas.Select(p => p.Name).ToArray());
        Assert.AreEqual("select * from auth.users where id = {{tess}}", matrix.Persona("traveller").UserQuery);
        Assert.HasCount(1, matrix.Fixtures);
        Assert.EndsWith("policies.fixtures.sql", matrix.Fixtures[0].Location.File);
        Assert.IsGreaterThan(300, matrix.Cases.Count());
        var tables = new[] { "profiles", "vendors", "adventures", "bookings", "reviews", "payments", "group_trips", "group_trip_members", "follows", "notifications", "notification_preferences" };
        foreach (var table in tables)
        {
            foreach (var command in new[] { ApiCommand.Select, ApiCommand.Insert, ApiCommand.Update, ApiCommand.Delete })
            {
                var personas = matrix.Cases.Where(c => c.Check.Object == table && c.Check.Command == command).Select(c => c.Persona).Distinct().Count();
                Assert.AreEqual(6, personas, $"{command} {table}: every persona");
            }
        }

        foreach (var function in new[] { "is_admin", "create_booking", "search_adventures", "is_trip_member", "vendor_stats", "cancel_booking" })
        {
            Assert.AreEqual(6, matrix.Cases.Where(c => c.Check.Object == function).Select(c => c.Persona).Distinct().Count(), function);
        }

        var handOver = matrix.Cases.Single(c => c.Name == "A review cannot be handed to someone else as traveller");
        Assert.AreEqual("42501", handOver.Expect.SqlState);
        Assert.Contains("traveller: denied", File.ReadAllLines(SampleMatrix)[handOver.Location.Line - 1], "a case is located at its persona's line");
    }

    [TestMethod]
    public void ChecksExpandIntoOneCasePerPersonaWithTheirLinesAndExpectations()
    {
        var matrix = Parse(Header + """
              - name: Notes
                update: bookings
                set: { notes: hi }
                where: id = {{tess}}
                expect:
                  anon: denied
                  traveller: { rows: 1 }
              - rpc: public.is_admin
                expect: { traveller: { result: false }, anon: allowed }
              - select: profiles
                key: id
                expect: { traveller: { keys: ["{{traveller.id}}"] } }
              - sql: truncate public.reviews
                object: reviews
                command: delete
                expect: { anon: { error: 42501, message: permission denied } }
            """);

        var cases = matrix.Cases.ToList();
        Assert.HasCount(6, cases);
        Assert.AreEqual("Notes as anon", cases[0].Name);
        Assert.AreEqual((14, "42501"), (cases[0].Location.Line, cases[0].Expect.SqlState));
        Assert.AreEqual(1, cases[1].Expect.Rows);
        Assert.AreEqual("rpc is_admin as traveller", cases[2].Name);
        Assert.IsTrue(cases[2].Expect.HasResult);
        Assert.IsTrue(cases[3].Expect.AtLeastOneRow);
        Assert.AreEqual("select profiles as traveller", cases[4].Name);
        Assert.AreEqual(("public.reviews", "delete", "permission denied"), (cases[5].Check.QualifiedObject, cases[5].Check.CoversCommand, cases[5].Expect.Message));
    }

    [TestMethod]
    [DataRow("  - select: profiles\n    expect: { anon: 1 }\n   bad: [", "MT0602", 11)]
    [DataRow("  - select: profiles\n    colour: red\n    expect: { anon: 1 }", "MT0603", 10)]
    [DataRow("  - select: profiles\n    expect: { visitor: 1 }", "MT0604", 10)]
    [DataRow("  - select: profiles\n    where: id = {{nobody}}\n    expect: { anon: 1 }", "MT0605", 10)]
    [DataRow("  - select: profiles\n    expect: { anon: lots }", "MT0603", 10)]
    [DataRow("  - select: profiles\n    expect: { anon: { error: boom } }", "MT0603", 10)]
    [DataRow("  - delete: profiles\n    expect: { anon: 0 }", "MT0603", 9)]
    [DataRow("  - select: profiles\n    insert: profiles\n    expect: { anon: 0 }", "MT0603", 9)]
    [DataRow("  - select: profiles\n    expect: { anon: 1 }\n  - select: profiles\n    expect: { anon: 2 }", "MT0603", 11)]
    [DataRow("  - update: profiles\n    set: { bio: x }\n    expect: { anon: 0 }", "MT0603", 9)]
    [DataRow("  - select: drop table x\n    expect: { anon: 0 }", "MT0603", 9)]
    [DataRow("  - select: profiles\n    expect: { anon: { rows: 1, error: 42501 } }", "MT0603", 10)]
    [DataRow("  - rpc: is_admin\n    expect: { anon: { keys: [a] } }", "MT0603", 10)]
    public void MistakesAreCodedErrorsAtTheirLine(string checks, string code, int line)
    {
        var error = Assert.Throws<MigrationTasksException>(() => Parse(Header + checks));

        Assert.AreEqual(code, error.Code, error.ToString());
        Assert.AreEqual(line, error.Line, error.ToString());
        Assert.EndsWith("policies.yaml", error.File!);
    }

    [TestMethod]
    public void AnUnknownPlaceholderInAFixtureFileIsReportedAtItsLineInThatFile()
    {
        var folder = TestPaths.NewFolder("matrix-fixture");
        File.WriteAllText(Path.Combine(folder, "fixtures.sql"), "-- users\ninsert into auth.users (id) values ({{tess}});\ninsert into auth.users (id) values ({{otto}});\n");
        File.WriteAllText(Path.Combine(folder, "policies.yaml"), Header.Replace("values:", "fixtures:\n  - file: fixtures.sql\nvalues:", StringComparison.Ordinal) + "  - select: profiles\n    expect: { anon: 1 }\n");

        var error = Assert.Throws<MigrationTasksException>(() => PolicyMatrixLoader.Load(Path.Combine(folder, "policies.yaml")));

        Assert.AreEqual(("MT0605", 3), (error.Code, error.Line));
        Assert.EndsWith("fixtures.sql", error.File!);
        Assert.Contains("{{otto}}", error.Message);
    }

    [TestMethod]
    public void AMissingMatrixOrFixtureFileIsNamed()
    {
        var folder = TestPaths.NewFolder("matrix-missing");
        var missing = Assert.Throws<MigrationTasksException>(() => PolicyMatrixLoader.Load(Path.Combine(folder, "policies.yaml")));
        Assert.AreEqual("MT0601", missing.Code);

        File.WriteAllText(Path.Combine(folder, "policies.yaml"), Header.Replace("values:", "fixtures:\n  - file: nowhere.sql\nvalues:", StringComparison.Ordinal) + "  - select: profiles\n    expect: { anon: 1 }\n");
        var fixture = Assert.Throws<MigrationTasksException>(() => PolicyMatrixLoader.Load(Path.Combine(folder, "policies.yaml")));
        Assert.AreEqual(("MT0603", 7), (fixture.Code, fixture.Line));
        Assert.Contains("nowhere.sql", fixture.Message);
    }

    private static PolicyMatrix Parse(string text) => PolicyMatrixLoader.Parse(text, Path.Combine(TestPaths.RepositoryRoot, "policies.yaml"));
}
