using MigrationTasks.Backup;
using MigrationTasks.Integrity;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Backup;

[TestClass]
public sealed class SchemaSelectionTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(SupabaseSchemaMode.Cli, "auth", true)]
    [DataRow(SupabaseSchemaMode.Cli, "storage", true)]
    [DataRow(SupabaseSchemaMode.Cli, "supabase_migrations", true)]
    [DataRow(SupabaseSchemaMode.Cli, "graphql", false)]
    [DataRow(SupabaseSchemaMode.Cli, "extensions", false)]
    [DataRow(SupabaseSchemaMode.Cli, "timescaledb_information", false)]
    [DataRow(SupabaseSchemaMode.Exclude, "auth", false)]
    [DataRow(SupabaseSchemaMode.Exclude, "supabase_migrations", true)]
    [DataRow(SupabaseSchemaMode.Exclude, "public", true)]
    [DataRow(SupabaseSchemaMode.Include, "vault", true)]
    [DataRow(SupabaseSchemaMode.Include, "pg_toast", false)]
    [DataRow(SupabaseSchemaMode.Include, "information_schema", false)]
    public void ModesCoverTheSchemasTheCliKeeps(SupabaseSchemaMode mode, string schema, bool included) =>
        Assert.AreEqual(included, SupabaseSchemas.Selection(mode).Includes(schema));

    [TestMethod]
    public async Task TheSqlPredicateAgreesWithIncludes()
    {
        string[] names = ["auth", "graphql", "timescaledb_x", "_timescaledb_internal", "my_schema", "pg_toast", "information_schema", "extensionsx", "a%b"];
        var selection = SupabaseSchemas.Selection(SupabaseSchemaMode.Cli);
        await using var database = await TestServer.CreateDatabaseAsync();
        var sql = $"SELECT array_agg(n ORDER BY n) FROM unnest(ARRAY[{string.Join(", ", names.Select(n => MigrationTasks.Sql.SqlQuote.Literal(n)))}]) n WHERE {selection.SqlPredicate("n")}";

        var fromSql = await database.ScalarAsync<string[]>(sql);

        CollectionAssert.AreEquivalent(names.Where(selection.Includes).ToArray(), fromSql);
    }

    [TestMethod]
    public void PgDumpExcludesTheSamePatterns()
    {
        var options = new BackupOptions { Root = "r", Label = "production", Jobs = 3 };
        var arguments = DatabaseBackup.DumpArguments(options, SupabaseSchemas.Selection(SupabaseSchemaMode.Cli), "snap");

        CollectionAssert.IsSubsetOf(new[] { "--format=directory", "--jobs=3", "--file=dump", "--snapshot=snap", "--no-password", "--exclude-schema=graphql", "--exclude-schema=timescaledb_*" }, arguments.ToArray());
        Assert.IsFalse(arguments.Any(a => a.Contains("auth", StringComparison.Ordinal) || a.Contains("supabase_migrations", StringComparison.Ordinal)));
    }
}
