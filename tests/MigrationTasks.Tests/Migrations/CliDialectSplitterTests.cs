using MigrationTasks.Migrations;

namespace MigrationTasks.Tests.Migrations;

/// <summary>The splitter's Supabase CLI dialect (pkg/parser), case by case: what the history records.</summary>
[TestClass]
public sealed class CliDialectSplitterTests
{
    [TestMethod]
    [DataRow("select 1; select 2;", new[] { "select 1", "select 2" })]
    [DataRow("select 1;;\n;  select 2", new[] { "select 1", "select 2" }, DisplayName = "empty statements are dropped, the last needs no ';'")]
    [DataRow("-- first\ncreate table t (a int);\n\n-- second; still a comment\ninsert into t values (1);", new[] { "-- first\ncreate table t (a int)", "-- second; still a comment\ninsert into t values (1)" }, DisplayName = "leading comments stay with their statement")]
    [DataRow("select 1;\n-- trailing comment\n", new[] { "select 1", "-- trailing comment" }, DisplayName = "a trailing comment is a statement of its own")]
    [DataRow("select 'a;b', 'it''s;', \"col;umn\"; select 2", new[] { "select 'a;b', 'it''s;', \"col;umn\"", "select 2" })]
    [DataRow("select E'a\\';b'; select 2", new[] { "select E'a\\'", "b'; select 2" }, DisplayName = "the CLI does not know E-strings: an escaped quote ends the string (kept, the history must match)")]
    [DataRow("create function f() returns int language sql as $$ select 1; $$; select 2", new[] { "create function f() returns int language sql as $$ select 1; $$", "select 2" })]
    [DataRow("do $body$ begin perform 1; raise notice '$$;'; end $body$; select 2", new[] { "do $body$ begin perform 1; raise notice '$$;'; end $body$", "select 2" })]
    [DataRow("select $1; select 2", new[] { "select $1", "select 2" }, DisplayName = "a positional parameter is not a dollar quote")]
    [DataRow("/* a; /* nested; */ still; */ select 1; select 2", new[] { "/* a; /* nested; */ still; */ select 1", "select 2" })]
    [DataRow("select (1; 2); select 3", new[] { "select (1; 2)", "select 3" }, DisplayName = "no split inside parentheses")]
    [DataRow("create function f() returns int begin atomic select 1; select 2; end; select 3", new[] { "create function f() returns int begin atomic select 1; select 2; end", "select 3" })]
    [DataRow("select 1 - 2; select 3", new[] { "select 1 - 2", "select 3" }, DisplayName = "a single dash is an operator")]
    public void SplitsAsTheCliDoes(string sql, string[] expected) =>
        CollectionAssert.AreEqual(expected, Cli(sql).ToArray());

    [TestMethod]
    public void EveryMigrationSplitsIntoStatementsPostgresAccepts()
    {
        // Cheap cross-check against the real migrations: each piece ends where PostgreSQL would end a statement,
        // so rejoining them with ";\n" (what `supabase migration fetch` writes) gives the file's statements back.
        foreach (var file in Infrastructure.TestTemplates.MigrationFiles)
        {
            var statements = Cli(File.ReadAllText(file));
            Assert.IsNotEmpty(statements, file);
            Assert.IsTrue(statements.All(s => !s.EndsWith(';') && s == s.Trim()), file);
            CollectionAssert.AreEqual(statements.ToList(), Cli(string.Join(";\n", statements) + ";\n").ToList(), file);
        }
    }

    private static IReadOnlyList<string> Cli(string sql) => [.. StatementSplitter.Split(sql, SplitDialect.SupabaseCli).Select(s => s.Text)];
}
