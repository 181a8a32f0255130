using MigrationTasks.Sql;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Sql;

[TestClass]
public sealed class SqlQuoteTests
{
    private static readonly string[] NastyNames = ["plain", "MixedCase", "with space", "quo\"te", "semi;colon", "drop table x; --", "ünïcødé", "select", "$1", "back\\slash"];

    private static readonly string[] NastyLiterals = ["", "it's", "back\\slash", "\\'; drop table x; --", "$$dollar$$", "line\nbreak", "tab\there", "ünïcødé 🚀", "E'fake'"];

    [TestMethod]
    public void IdentifiersAreAlwaysQuotedWithQuotesDoubled()
    {
        Assert.AreEqual("\"quo\"\"te\"", SqlQuote.Identifier("quo\"te"));
        Assert.AreEqual("\"public\".\"MixedCase\"", SqlQuote.Qualified("public", "MixedCase"));
        Assert.ThrowsExactly<ArgumentException>(() => SqlQuote.Identifier(""));
    }

    [TestMethod]
    public async Task NastyNamesAreDataNotCodeInRealPostgres()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        foreach (var name in NastyNames)
        {
            await database.ExecuteAsync($"CREATE TABLE {SqlQuote.Qualified("public", name)} (id int)");
            Assert.AreEqual(1L, await database.ScalarAsync<long>($"SELECT count(*) FROM pg_class WHERE relname = {SqlQuote.Literal(name)} AND relkind = 'r'"), name);
        }

        Assert.AreEqual((long)NastyNames.Length, await database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    [TestMethod]
    public async Task NastyLiteralsRoundTripUnderBothStringSettings()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        foreach (var setting in new[] { "on", "off" })
        {
            foreach (var value in NastyLiterals)
            {
                var roundTrip = await database.ScalarAsync<string>($"SET standard_conforming_strings = {setting}; SELECT {SqlQuote.Literal(value)}::text");
                Assert.AreEqual(value, roundTrip, $"standard_conforming_strings={setting}");
            }
        }
    }

    [TestMethod]
    public async Task DollarQuotingPicksATagTheBodyDoesNotContain()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var body = "SELECT '$$' || $q$x$q$ || '$q0$'";
        var quoted = SqlQuote.DollarQuoted(body);
        Assert.AreEqual(body, await database.ScalarAsync<string>($"SELECT {quoted}"));
    }
}
