using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Migrations;

/// <summary>Small catalog questions the migration tests ask.</summary>
public static class DatabaseAssertions
{
    public static Task<bool> RelationExistsAsync(this TestDatabase database, string name) =>
        database.ScalarAsync<bool>($"select to_regclass('{name.Replace("'", "''", StringComparison.Ordinal)}') is not null");

    public static Task<bool> ColumnExistsAsync(this TestDatabase database, string table, string column) =>
        database.ScalarAsync<bool>($"select exists (select from information_schema.columns where table_name = '{table}' and column_name = '{column}')");

    public static Task<long> InvalidIndexCountAsync(this TestDatabase database) =>
        database.ScalarAsync<long>("select count(*) from pg_index where not indisvalid");
}
