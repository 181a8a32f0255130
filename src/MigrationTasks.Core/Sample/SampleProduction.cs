using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Errors;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Sample;

/// <summary>
/// The bundled trvl-social sample production: <c>supabase/sample/production.sql</c> run with psql, exactly as a user
/// would run it (<c>psql -v scale=N -v seed=S -f production.sql</c>); the engine adds checks, clear errors and
/// timing, nothing else. The script works in one transaction, so a failure leaves the database as it was.
/// </summary>
public static partial class SampleProduction
{
    public const int DefaultScale = 1;
    public const int DefaultSeed = 42;
    public const int MaxScale = 1000;

    /// <summary>The errors production.sql and supabase_layer.sql raise themselves, by code.</summary>
    private static readonly Func<string, MigrationTasksException>[] ScriptErrors =
        [Errors.Errors.LayerOnSupabase, Errors.Errors.LayerNeedsPostgres15, Errors.Errors.SampleSettingInvalid, Errors.Errors.SampleDatabaseNotEmpty];

    /// <summary>The database the sample is built in when the engine creates one.</summary>
    public const string DatabaseName = "trvl_production";

    /// <summary>The entry script under a supabase/ folder.</summary>
    public static string Script(string supabaseDirectory) => Path.Combine(supabaseDirectory, "sample", "production.sql");

    /// <summary>Reads a scale as given in a property or on a command line (MT0903 when it is not 1..1000).</summary>
    public static int ParseScale(string? value, string source = "the scale")
    {
        var text = string.IsNullOrWhiteSpace(value) ? DefaultScale.ToString(CultureInfo.InvariantCulture) : value.Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var scale) && scale is >= 1 and <= MaxScale
            ? scale
            : throw Errors.Errors.SampleSettingInvalid($"{source} must be a whole number from 1 to {MaxScale}, not '{text}'");
    }

    /// <summary>Reads a seed (MT0903 when it is not a whole number of at most 9 digits).</summary>
    public static int ParseSeed(string? value, string source = "the seed")
    {
        var text = string.IsNullOrWhiteSpace(value) ? DefaultSeed.ToString(CultureInfo.InvariantCulture) : value.Trim();
        return SeedFormat().IsMatch(text)
            ? int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : throw Errors.Errors.SampleSettingInvalid($"{source} must be a whole number of at most 9 digits, not '{text}'");
    }

    /// <summary>
    /// Builds the sample production in <paramref name="database"/>, which must be empty (or hold only the Supabase
    /// compatibility layer). Errors the script raises (MT0901-MT0904) come back with their own code and the script's
    /// file and line; any other psql failure is MT0020.
    /// </summary>
    public static async Task BuildAsync(PostgresInstallation? binaries, DatabaseConnection database, string supabaseDirectory,
        int scale, int seed, IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(log);
        ParseScale(scale.ToString(CultureInfo.InvariantCulture));
        ParseSeed(seed.ToString(CultureInfo.InvariantCulture));
        var script = Path.GetFullPath(Script(supabaseDirectory));
        if (!File.Exists(script))
        {
            throw Errors.Errors.SampleScriptMissing(script);
        }

        if (binaries is null || !binaries.HasClient)
        {
            throw Errors.Errors.SampleNeedsPsql(binaries is null ? "no PostgreSQL client binaries were found for this server" : $"{binaries.BinDirectory} has no psql");
        }

        var variables = new Dictionary<string, string>
        {
            ["scale"] = scale.ToString(CultureInfo.InvariantCulture),
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
        };
        log.Info($"Building the sample production (scale {scale}, seed {seed}) in {database.Describe()}.");
        log.Detail(PostgresTool.Describe("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", $"scale={scale}", "-v", $"seed={seed}", "-f", script]));
        var watch = Stopwatch.StartNew();
        try
        {
            await PostgresTool.RunPsqlFileAsync(binaries, database, script, variables, cancellationToken).ConfigureAwait(false);
        }
        catch (MigrationTasksException exception) when (ScriptError().Match(exception.Message) is { Success: true } match)
        {
            // The script's own refusals (RAISE EXCEPTION 'MT09xx: ...') keep their code and point at the script line.
            var detail = match.Groups["message"].Value.Trim();
            var coded = ScriptErrors.Select(factory => factory(detail)).FirstOrDefault(error => error.Code == match.Groups["code"].Value) ?? exception;
            throw int.TryParse(match.Groups["line"].Value, CultureInfo.InvariantCulture, out var line) ? coded.At(match.Groups["file"].Value, line) : coded;
        }

        var elapsed = watch.Elapsed;
        var rows = await EstimateRowsAsync(database, cancellationToken).ConfigureAwait(false);
        log.Info(string.Create(CultureInfo.InvariantCulture, $"Sample production built in {elapsed.TotalSeconds:0.0} s: about {rows:N0} rows."));
    }

    /// <summary>Creates <see cref="DatabaseName"/> on <paramref name="server"/> and builds the sample there; returns its connection.</summary>
    public static async Task<DatabaseConnection> CreateAsync(IPostgresServer server, string supabaseDirectory, int scale, int seed,
        IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        await using (var connection = await ServerInfo.OpenAsync(server.Connection, cancellationToken).ConfigureAwait(false))
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlQuote.Identifier(DatabaseName)}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var database = server.Connection.WithDatabase(DatabaseName);
        await BuildAsync(server.Binaries, database, supabaseDirectory, scale, seed, log, cancellationToken).ConfigureAwait(false);
        return database;
    }

    /// <summary>Rows in the database's user tables, from the statistics the script's ANALYZE left (no full count).</summary>
    private static async Task<long> EstimateRowsAsync(DatabaseConnection database, CancellationToken cancellationToken)
    {
        // Unpooled: an idle pooled connection would keep others from copying or dropping the new database.
        await using var connection = await ServerInfo.OpenAsync(database.With(b => b.Pooling = false), cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'auth', 'supabase_migrations')
            """, connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    [GeneratedRegex(@"^-?[0-9]{1,9}$")]
    private static partial Regex SeedFormat();

    /// <summary>psql's "psql:&lt;file&gt;:&lt;line&gt;: ERROR:  MT09xx: message" line, within the redacted stderr tail.</summary>
    [GeneratedRegex(@"psql:(?<file>[^|]+?):(?<line>\d+): ERROR:\s+(?<code>MT09\d\d): (?<message>[^|]+)")]
    private static partial Regex ScriptError();
}
