namespace MigrationTasks.Integrity;

/// <summary>
/// Session settings that make catalog text and row text the same on every server: names qualified (empty
/// search_path), timestamps in UTC ISO form, floats shortest-exact, bytea in hex. SET LOCAL when inside a
/// transaction block would vanish at its end; these are plain SETs, undone by <see cref="ResetSql"/>.
/// </summary>
internal static class CatalogSession
{
    public const string NormaliseSql =
        "SET search_path = pg_catalog; SET datestyle = 'ISO, YMD'; SET timezone = 'UTC'; SET intervalstyle = 'postgres'; " +
        "SET extra_float_digits = 1; SET bytea_output = 'hex'";

    public const string ResetSql =
        "RESET search_path; RESET datestyle; RESET timezone; RESET intervalstyle; RESET extra_float_digits; RESET bytea_output";

    /// <summary>Applies <see cref="NormaliseSql"/>.</summary>
    public static async Task NormaliseAsync(Npgsql.NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new Npgsql.NpgsqlCommand(NormaliseSql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Undoes <see cref="NormaliseAsync"/>, quietly: after a failed statement inside a transaction the reset cannot
    /// run, and the rollback that follows undoes the settings anyway; the original error is the one to report.
    /// </summary>
    public static async Task ResetAsync(Npgsql.NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var command = new Npgsql.NpgsqlCommand(ResetSql, connection);
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Npgsql.NpgsqlException)
        {
        }
    }
}
