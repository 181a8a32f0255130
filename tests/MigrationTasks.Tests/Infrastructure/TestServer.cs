using System.Globalization;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using Npgsql;

namespace MigrationTasks.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server for the whole test run: MIGRATIONTASKS_TEST_DATABASE_URL when set, else a local
/// cluster from the machine's binaries, else a Docker container (the product's own provider chain).
/// Each test gets a fresh database from <see cref="CreateDatabaseAsync"/>.
/// </summary>
[TestClass]
public static class TestServer
{
    public const string UrlVariable = "MIGRATIONTASKS_TEST_DATABASE_URL";

    private static IPostgresServer? _server;
    private static int _counter;

    /// <summary>The server; started by <see cref="StartAsync"/> before any test runs.</summary>
    public static IPostgresServer Server => _server ?? throw new InvalidOperationException("The test server is not started.");

    [AssemblyInitialize]
    public static async Task StartAsync(TestContext context)
    {
        var url = Environment.GetEnvironmentVariable(UrlVariable);
        var request = new ServerRequest
        {
            Existing = string.IsNullOrWhiteSpace(url) ? null : DatabaseConnection.Parse(url, $"the environment variable {UrlVariable}"),
            ContainerImage = Environment.GetEnvironmentVariable("MIGRATIONTASKS_POSTGRES_IMAGE"),
            ClusterRoot = TestPaths.ClusterRoot,
        };
        _server = await EphemeralServers.AcquireAsync(request, NullEngineLog.Instance, context.CancellationToken);
    }

    [AssemblyCleanup]
    public static async Task StopAsync()
    {
        if (_server is not null)
        {
            await TestTemplates.DropAllAsync();
            await _server.DisposeAsync();
            _server = null;
        }

        try
        {
            Directory.Delete(TestPaths.RunRoot, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a folder still in use is left for the OS to clean
        }
    }

    /// <summary>A new empty database with a unique name; dropped when the returned handle is disposed.</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync(string? template = null)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"t_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}");
        await using (var connection = new NpgsqlConnection(Server.Connection.ConnectionString))
        {
            await connection.OpenAsync();
            var sql = $"CREATE DATABASE {SqlQuote.Identifier(name)}" + (template is null ? "" : $" TEMPLATE {SqlQuote.Identifier(template)}");
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        return new TestDatabase(name, Server.Connection.WithDatabase(name));
    }

    /// <summary>A new database copied from a prepared template (built once per run on first use).</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync(TestTemplate template) =>
        await CreateDatabaseAsync(await TestTemplates.NameAsync(template));
}

/// <summary>A database that exists for one test.</summary>
public sealed class TestDatabase(string name, DatabaseConnection connection) : IAsyncDisposable
{
    public string Name { get; } = name;

    public DatabaseConnection Connection { get; } = connection;

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Connection.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The first column of every row <paramref name="sql"/> returns, in order.</summary>
    public async Task<List<T>> ColumnAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Connection.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Connection.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(TestServer.Server.Connection.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {SqlQuote.Identifier(Name)} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
