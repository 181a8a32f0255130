using MigrationTasks.Migrations;

namespace MigrationTasks.Tests.Migrations;

/// <summary>The splitter against the constructs the Supabase CLI's splitter handles, and the two it misreads.</summary>
[TestClass]
public sealed class StatementSplitterTests
{
    private static string[] Split(string sql, SplitDialect dialect = SplitDialect.PostgreSql) =>
        [.. StatementSplitter.Split(sql, dialect).Select(s => s.Text)];

    private static void AssertBothDialects(string sql, params string[] expected)
    {
        CollectionAssert.AreEqual(expected, Split(sql, SplitDialect.SupabaseCli), "CLI dialect");
        CollectionAssert.AreEqual(expected, Split(sql, SplitDialect.PostgreSql), "PostgreSQL dialect");
    }

    [TestMethod]
    public void SplitsOnTopLevelSemicolonsAndTrimsAsTheCliDoes() =>
        AssertBothDialects("create table a (id int);\n\n  insert into a values (1) ;\n", "create table a (id int)", "insert into a values (1)");

    [TestMethod]
    public void KeepsCommentsBeforeAStatementAndRecordsATrailingComment() =>
        AssertBothDialects("-- first\ncreate table a (id int);\n-- the end\n", "-- first\ncreate table a (id int)", "-- the end");

    [TestMethod]
    public void SemicolonsInStringsAndQuotedIdentifiersDoNotSplit() =>
        AssertBothDialects("insert into \"we;ird\" values ('a;b', 'it''s;');select 1", "insert into \"we;ird\" values ('a;b', 'it''s;')", "select 1");

    [TestMethod]
    public void DollarQuotesWithAndWithoutTagsDoNotSplit() =>
        AssertBothDialects(
            "create function f() returns int language plpgsql as $body$ begin return 1; end $body$;\ndo $$ begin perform 1; end $$;",
            "create function f() returns int language plpgsql as $body$ begin return 1; end $body$",
            "do $$ begin perform 1; end $$");

    [TestMethod]
    public void ADollarTagMustMatchExactly() =>
        AssertBothDialects("select $a$ $b$ ; $a$; select 2", "select $a$ $b$ ; $a$", "select 2");

    [TestMethod]
    public void ADollarInsideAnIdentifierIsNotAQuote() =>
        AssertBothDialects("select 1 as a$b; select 2", "select 1 as a$b", "select 2");

    [TestMethod]
    public void LineAndNestedBlockCommentsDoNotSplit() =>
        AssertBothDialects("select 1 -- not here; \n; select /* a; /* nested; */ still; */ 2", "select 1 -- not here;", "select /* a; /* nested; */ still; */ 2");

    [TestMethod]
    public void BeginAtomicBodiesDoNotSplit() =>
        AssertBothDialects(
            "create function add(a int, b int) returns int language sql\nbegin atomic\n  select 'end';\n  select case when a > 0 then a + b end;\nend;\nselect 1;",
            "create function add(a int, b int) returns int language sql\nbegin atomic\n  select 'end';\n  select case when a > 0 then a + b end;\nend",
            "select 1");

    [TestMethod]
    public void AtomicInANameIsNotABody() =>
        AssertBothDialects("create function public.atomic_thing() returns int language sql as $$ select 1 $$;\ngrant execute on function public.atomic_thing() to anon;",
            "create function public.atomic_thing() returns int language sql as $$ select 1 $$", "grant execute on function public.atomic_thing() to anon");

    [TestMethod]
    public void SemicolonsInsideParenthesesDoNotSplit() =>
        AssertBothDialects("create rule r as on update to t do also (notify t; select 1); select 2", "create rule r as on update to t do also (notify t; select 1)", "select 2");

    [TestMethod]
    public void EscapeStringsAreReadAsPostgreSqlReadsThem()
    {
        const string sql = "insert into t values (E'it\\'s; fine'); select 2";
        CollectionAssert.AreEqual(new[] { "insert into t values (E'it\\'s; fine')", "select 2" }, Split(sql));

        // The CLI misreads the escaped quote and runs on to the end: it would send one broken statement.
        Assert.HasCount(1, Split(sql, SplitDialect.SupabaseCli));
    }

    [TestMethod]
    public void NestedParenthesesAreCounted()
    {
        const string sql = "create rule r as on update to t do also (select (1); notify t); select 2";
        CollectionAssert.AreEqual(new[] { "create rule r as on update to t do also (select (1); notify t)", "select 2" }, Split(sql));
        Assert.HasCount(3, Split(sql, SplitDialect.SupabaseCli), "the CLI closes the rule body at the first ')'");
    }

    [TestMethod]
    public void AStandardStringEndingInABackslashEndsThere() =>
        AssertBothDialects("select 'C:\\'; select 2", "select 'C:\\'", "select 2");

    [TestMethod]
    public void EmptyStatementsAndWhitespaceAreDropped() =>
        AssertBothDialects(";;\n ; select 1;;", "select 1");

    [TestMethod]
    public void OffsetsAndLinesPointIntoTheFile()
    {
        const string sql = "-- header\n\ncreate table a (id int);\n\n  -- about b\n  create table b (id int);";
        var statements = StatementSplitter.Split(sql);
        Assert.AreEqual((0, 3), (statements[0].Offset, statements[0].Line), "the line is where the code starts, after the comment");
        Assert.AreEqual(sql.IndexOf("-- about b", StringComparison.Ordinal), statements[1].Offset);
        Assert.AreEqual(6, statements[1].Line);
    }

    [TestMethod]
    public void CrLfFilesSplitTheSame() =>
        AssertBothDialects("create table a (id int);\r\ninsert into a values (1);\r\n", "create table a (id int)", "insert into a values (1)");

    [TestMethod]
    public void NonAsciiTextIsKept() =>
        AssertBothDialects("insert into t values ('héllo 😀;'); select 'ü'", "insert into t values ('héllo 😀;')", "select 'ü'");
}
