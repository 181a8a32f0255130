using MigrationTasks.Errors;
using MigrationTasks.Sample;
using MigrationTasks.Servers;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Sample;

/// <summary><see cref="SampleProduction"/>: the sample production through the engine, and its coded errors.</summary>
[TestClass]
public sealed class SampleProductionEngineTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ItBuildsTheSampleInAnEmptyDatabaseAndSaysHowBig()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var log = new RecordingLog();

        await SampleProduction.BuildAsync(TestTemplates.Binaries, database.Connection, TestTemplates.SupabaseDirectory, 1, 42, log, TestContext.CancellationToken);

        Assert.AreEqual(25_000L, await database.ScalarAsync<long>("select count(*) from public.v1_bookings"));
        Assert.AreEqual(11L, await database.ScalarAsync<long>("select count(*) from supabase_migrations.schema_migrations"));
        StringAssert.Contains(log.Text, "Building the sample production (scale 1, seed 42)");
        StringAssert.Matches(log.Text, new System.Text.RegularExpressions.Regex(@"Sample production built in \d+\.\d s: about 9\d,\d{3} rows\."));
    }

    [TestMethod]
    public async Task ItAlsoWorksOnADatabaseThatAlreadyHasTheLayer()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);

        await SampleProduction.BuildAsync(TestTemplates.Binaries, database.Connection, TestTemplates.SupabaseDirectory, 1, 42, new RecordingLog(), TestContext.CancellationToken);

        Assert.AreEqual(8_160L, await database.ScalarAsync<long>("select count(*) from public.v1_users"));
    }

    [TestMethod]
    public async Task ANonEmptyDatabaseIsMT0904WithTheScriptsFileAndLine()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);

        var error = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            SampleProduction.BuildAsync(TestTemplates.Binaries, database.Connection, TestTemplates.SupabaseDirectory, 1, 42, new RecordingLog(), TestContext.CancellationToken));

        Assert.AreEqual("MT0904", error.Code);
        Assert.Contains("already has", error.Message);
        Assert.EndsWith("production.sql", error.File);
        Assert.IsGreaterThan(0, error.Line);
        Assert.AreEqual(0L, await database.ScalarAsync<long>("select count(*) from pg_class where relname like 'v1\\_%'"));
    }

    [TestMethod]
    [DataRow("0")]
    [DataRow("1001")]
    [DataRow("-1")]
    [DataRow("2.5")]
    [DataRow("ten")]
    public void AScaleOutside1To1000IsMT0903(string scale)
    {
        var error = Assert.ThrowsExactly<MigrationTasksException>(() => SampleProduction.ParseScale(scale, "SampleScale"));
        Assert.AreEqual("MT0903", error.Code);
        Assert.Contains($"'{scale}'", error.Message);
    }

    [TestMethod]
    public void DefaultsAndValidValuesParse()
    {
        Assert.AreEqual(1, SampleProduction.ParseScale(null));
        Assert.AreEqual(100, SampleProduction.ParseScale(" 100 "));
        Assert.AreEqual(42, SampleProduction.ParseSeed(""));
        Assert.AreEqual(-7, SampleProduction.ParseSeed("-7"));
        Assert.AreEqual("MT0903", Assert.ThrowsExactly<MigrationTasksException>(() => SampleProduction.ParseSeed("1234567890")).Code);
    }

    [TestMethod]
    public async Task AMissingScriptIsMT0905AndNoPsqlIsMT0906()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var missing = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            SampleProduction.BuildAsync(TestTemplates.Binaries, database.Connection, TestPaths.NewFolder("no-supabase"), 1, 42, new RecordingLog(), TestContext.CancellationToken));
        Assert.AreEqual("MT0905", missing.Code);

        var noPsql = await Assert.ThrowsExactlyAsync<MigrationTasksException>(() =>
            SampleProduction.BuildAsync(null, database.Connection, TestTemplates.SupabaseDirectory, 1, 42, new RecordingLog(), TestContext.CancellationToken));
        Assert.AreEqual("MT0906", noPsql.Code);
    }

    [TestMethod]
    public async Task CreateAsyncMakesItsOwnDatabaseOnAServer()
    {
        var root = TestPaths.NewFolder("sample-server");
        await using var server = await EphemeralServers.AcquireAsync(new ServerRequest { ClusterRoot = root, AllowDocker = false }, new RecordingLog(), TestContext.CancellationToken);

        var database = await SampleProduction.CreateAsync(server, TestTemplates.SupabaseDirectory, 1, 42, new RecordingLog(), TestContext.CancellationToken);

        Assert.AreEqual(SampleProduction.DatabaseName, database.Database);
        await using var connection = await ServerInfo.OpenAsync(database, TestContext.CancellationToken);
        await using var command = new Npgsql.NpgsqlCommand("select count(*) from public.v1_reviews", connection);
        Assert.AreEqual(8_000L, await command.ExecuteScalarAsync(TestContext.CancellationToken));
    }

    private sealed class RecordingLog : MigrationTasks.Common.IEngineLog
    {
        private readonly System.Text.StringBuilder _text = new();

        public string Text => _text.ToString();

        public void Info(string message) => _text.AppendLine(message);

        public void Detail(string message) => _text.AppendLine(message);

        public void Warning(string code, string message) => _text.AppendLine($"{code}: {message}");
    }
}
