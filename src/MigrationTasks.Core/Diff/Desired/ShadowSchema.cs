using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MigrationTasks.Catalog;
using MigrationTasks.Catalog.Model;
using MigrationTasks.Common;
using MigrationTasks.Migrations;
using MigrationTasks.Tools;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using Npgsql;

namespace MigrationTasks.Diff.Desired;

/// <summary>What builds the desired schema from migration files.</summary>
public sealed record ShadowRequest
{
    /// <summary>The folder of migration files (<c>supabase/migrations</c>), applied in file name (version) order.</summary>
    public required string MigrationsDirectory { get; init; }

    /// <summary>The Supabase compatibility layer, applied first when the shadow server is not Supabase; null for none.</summary>
    public string? LayerScript { get; init; }

    /// <summary>Where the shadow database runs (an ephemeral server unless an existing one is given).</summary>
    public required ServerRequest Server { get; init; }

    /// <summary>Where built catalogs are kept, by hash of the files that built them; null disables the cache.</summary>
    public string? CacheDirectory { get; init; }

    public IMigrationFileApplier Applier { get; init; } = RunnerMigrationApplier.Instance;

    /// <summary>
    /// When set, only these versions are applied: the desired schema is what the migrations production has
    /// already applied build (the others are pending, not drift). Null applies every file.
    /// </summary>
    public IReadOnlySet<string>? AppliedVersions { get; init; }

    /// <summary>The migration files as the Supabase CLI reads the folder, in version order.</summary>
    public MigrationSet All(IEngineLog log) => MigrationSet.Load(MigrationsDirectory, log);

    /// <summary>The migrations the desired schema is built from.</summary>
    public MigrationSet Applied(IEngineLog log)
    {
        var all = All(log);
        return AppliedVersions is null ? all : MigrationSet.FromFiles(all.Directory, all.Files.Where(f => AppliedVersions.Contains(f.Version)));
    }

    /// <summary>The migrations not applied yet (none when every file is wanted).</summary>
    public IReadOnlyList<MigrationFile> Pending(IEngineLog log) =>
        AppliedVersions is null ? [] : [.. All(log).Files.Where(f => !AppliedVersions.Contains(f.Version))];
}

/// <summary>
/// The desired schema: <c>supabase/migrations</c> applied to an empty shadow database (with the Supabase
/// compatibility layer when the server is plain PostgreSQL), read as a catalog. The catalog is cached under a
/// hash of the migration files and the layer, so a second diff with the same files starts no server at all.
/// </summary>
public static class ShadowSchema
{
    public static async Task<DatabaseCatalog> BuildAsync(ShadowRequest request, IEngineLog log, CancellationToken cancellationToken)
    {
        if (request.All(NullEngineLog.Instance).Files.Count == 0)
        {
            throw Errors.Errors.NoMigrations(request.MigrationsDirectory);
        }

        var migrations = request.Applied(log);
        var files = migrations.Files.Select(f => f.Path).ToList();
        var hash = Hash(files, request.LayerScript);
        var cached = request.CacheDirectory is null ? null : Path.Combine(request.CacheDirectory, $"shadow-catalog-{hash}.json");
        if (cached is not null && await CatalogSnapshot.ReadAsync(cached, cancellationToken).ConfigureAwait(false) is { } reused)
        {
            log.Info($"Desired schema: {files.Count} migrations, unchanged since the last diff (cache {hash}); no shadow database needed.");
            return reused;
        }

        await using var server = await EphemeralServers.AcquireAsync(request.Server, log, cancellationToken).ConfigureAwait(false);
        var binaries = server.Binaries is { HasClient: true } found ? found : throw Errors.Errors.ShadowNeedsClientTools(server.Connection.Describe());
        var name = string.Create(CultureInfo.InvariantCulture, $"mt_shadow_{Environment.ProcessId}_{DateTime.UtcNow:HHmmssfff}");
        await ExecuteAsync(server, $"CREATE DATABASE {SqlQuote.Identifier(name)}", cancellationToken).ConfigureAwait(false);
        try
        {
            var database = server.Connection.WithDatabase(name).With(b => b.Pooling = false);
            if (request.LayerScript is not null && !await IsSupabaseAsync(server, cancellationToken).ConfigureAwait(false))
            {
                log.Detail($"Applying the Supabase compatibility layer {Path.GetFileName(request.LayerScript)} to the shadow database.");
                await PostgresTool.RunPsqlFileAsync(binaries, database, request.LayerScript, null, cancellationToken).ConfigureAwait(false);
            }

            log.Info($"Desired schema: applying {files.Count} migrations to a shadow database on {server.Kind} {server.Connection.Describe()}.");
            if (files.Count > 0)
            {
                await request.Applier.ApplyAsync(database, migrations, new QuietLog(log), cancellationToken).ConfigureAwait(false);
            }
            var catalog = await CatalogReader.ReadAsync(database, cancellationToken).ConfigureAwait(false);
            if (cached is not null)
            {
                await CatalogSnapshot.WriteAsync(catalog, cached, cancellationToken).ConfigureAwait(false);
            }

            return catalog;
        }
        finally
        {
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(name)} WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The cache key: the catalog format, then each file's name and bytes, in order.</summary>
    public static string Hash(IReadOnlyList<string> files, string? layerScript)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"catalog-format:{CatalogSnapshot.FormatVersion}\n"));
        foreach (var file in (layerScript is null ? [] : new[] { layerScript }).Concat(files))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            sha.AppendData(File.ReadAllBytes(file));
            sha.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    /// <summary>The runner's per-file lines are details here: the shadow database is an implementation detail of the diff.</summary>
    private sealed class QuietLog(IEngineLog log) : IEngineLog
    {
        public void Info(string message) => log.Detail(message);

        public void Detail(string message) => log.Detail(message);

        public void Warning(string code, string message) => log.Warning(code, message);
    }

    private static async Task<bool> IsSupabaseAsync(IPostgresServer server, CancellationToken cancellationToken)
    {
        await using var connection = await ServerInfo.OpenAsync(server.Connection, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("select exists (select from pg_roles where rolname = 'supabase_admin')", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(IPostgresServer server, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await ServerInfo.OpenAsync(server.Connection.With(b => b.Pooling = false), cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
