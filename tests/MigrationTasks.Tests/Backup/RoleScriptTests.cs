using MigrationTasks.Backup;

namespace MigrationTasks.Tests.Backup;

[TestClass]
public sealed class RoleScriptTests
{
    // What pg_dumpall 15.14+ writes with --roles-only --no-role-passwords --quote-all-identifiers.
    private const string Dumped = """"
        --
        -- PostgreSQL database cluster dump
        --

        \restrict QAGxqzcMNVea9b9FRKQwu36N4SRAmUvNyZKc9d4eOlPQE9ZyXo0CfehtqiQgu1C

        SET default_transaction_read_only = off;

        SET client_encoding = 'UTF8';
        SET standard_conforming_strings = on;

        --
        -- Roles
        --

        CREATE ROLE "Weird ""Role""";
        ALTER ROLE "Weird ""Role""" WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS;
        CREATE ROLE "anon";
        ALTER ROLE "anon" WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB NOLOGIN NOREPLICATION NOBYPASSRLS;
        COMMENT ON ROLE "anon" IS 'it''s
        multi; line';
        CREATE ROLE "postgres";
        ALTER ROLE "postgres" WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;

        --
        -- User Configurations
        --

        ALTER ROLE "anon" SET "statement_timeout" TO '3s';

        --
        -- Role memberships
        --

        GRANT "anon" TO "Weird ""Role""" GRANTED BY "postgres";
        GRANT "anon" TO "postgres" WITH ADMIN OPTION GRANTED BY "postgres";

        \unrestrict QAGxqzcMNVea9b9FRKQwu36N4SRAmUvNyZKc9d4eOlPQE9ZyXo0CfehtqiQgu1C
        """";

    [TestMethod]
    public void ReadsRolesAttributesSettingsCommentsAndMemberships()
    {
        var script = RoleScript.Parse(Dumped);

        CollectionAssert.AreEqual(new[] { "Weird \"Role\"", "anon", "postgres" }, script.Roles.Select(r => r.Name).ToArray());
        Assert.IsTrue(script.Roles[0].CanLogin);
        Assert.IsFalse(script.Roles[1].CanLogin);
        Assert.HasCount(2, script.Memberships);
        Assert.AreEqual("WITH ADMIN OPTION", script.Memberships[1].Options);
        Assert.IsEmpty(script.Ignored);
    }

    [TestMethod]
    public void CreatesOnlyWhatTheTargetLacksAndLeavesExistingRolesAlone()
    {
        var sql = RoleScript.Parse(Dumped).ForTarget(
            new HashSet<string> { "postgres" }, new HashSet<(string, string)> { ("anon", "postgres") }, out var created);

        CollectionAssert.AreEqual(new[] { "Weird \"Role\"", "anon" }, created.Select(r => r.Name).ToArray());
        Assert.Contains("CREATE ROLE \"Weird \"\"Role\"\"\" WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS;", sql);
        Assert.Contains("COMMENT ON ROLE \"anon\" IS 'it''s\nmulti; line';", sql);
        Assert.Contains("ALTER ROLE \"anon\" SET \"statement_timeout\" TO '3s';", sql);
        Assert.Contains("GRANT \"anon\" TO \"Weird \"\"Role\"\"\";", sql);
        Assert.DoesNotContain("GRANTED BY", sql);
        Assert.DoesNotContain("ALTER ROLE \"postgres\"", sql, "an existing role is never altered");
        Assert.DoesNotContain("TO \"postgres\"", sql, "a membership the target has is not granted again");
        Assert.StartsWith("-- ", sql);
        Assert.EndsWith("COMMIT;\n", sql);
    }

    [TestMethod]
    public void NothingMissingMeansNoScript()
    {
        var sql = RoleScript.Parse(Dumped).ForTarget(
            new HashSet<string> { "postgres", "anon", "Weird \"Role\"" },
            new HashSet<(string, string)> { ("anon", "postgres"), ("anon", "Weird \"Role\"") }, out var created);

        Assert.AreEqual("", sql);
        Assert.IsEmpty(created);
    }
}
