using MigrationTasks.Connections;
using MigrationTasks.Servers;
using Npgsql;

namespace MigrationTasks.Diff.Desired;

/// <summary>
/// Which migration versions a database records as applied, in the Supabase CLI's history table
/// (<c>supabase_migrations.schema_migrations</c>). A database without the table has none recorded.
/// </summary>
public static class AppliedMigrations
{
    /// <summary>The applied versions, or null when the database has no migration history at all.</summary>
    public static async Task<IReadOnlySet<string>?> ReadAsync(DatabaseConnection database, CancellationToken cancellationToken)
    {
        await using var connection = await ServerInfo.OpenAsync(database, cancellationToken).ConfigureAwait(false);
        await using (var probe = new NpgsqlCommand("select to_regclass('supabase_migrations.schema_migrations') is not null", connection))
        {
            if (!(bool)(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return null;
            }
        }

        var versions = new HashSet<string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("select version from supabase_migrations.schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions.Add(reader.GetString(0));
        }

        return versions;
    }
}
