using MigrationTasks.Backup;
using MigrationTasks.Connections;
using MigrationTasks.Sample;
using MigrationTasks.Servers;

namespace MigrationTasks.Tasks.Infrastructure;

/// <summary>The base of tasks that take a backup (<see cref="BackupDatabase"/>, <see cref="CloneDatabase"/>): the backup properties, parsed with coded errors.</summary>
public abstract class BackupingTask : DatabaseTask
{
    /// <summary>The backups root (default <c>artifacts/backups</c>).</summary>
    public string? BackupDirectory { get; set; }

    /// <summary><c>directory</c> (default, parallel) or <c>custom</c>.</summary>
    public string? BackupFormat { get; set; }

    /// <summary>pg_dump's parallel jobs; empty means one per core (2 to 8).</summary>
    public string? BackupJobs { get; set; }

    /// <summary><c>cli</c> (default), <c>exclude</c> or <c>include</c>: which Supabase-managed schemas the backup holds.</summary>
    public string? SupabaseSchemas { get; set; }

    /// <summary>Dump the roles too (default true).</summary>
    public string? BackupRoles { get; set; }

    /// <summary>How many tables get a content checksum (default 5; 0 for none).</summary>
    public string? ChecksumTables { get; set; }

    /// <summary><c>archive</c> (default: sha256 + pg_restore --list) or <c>full</c> (also reads every data block).</summary>
    public string? BackupVerification { get; set; }

    /// <summary>The supabase/ folder (holds sample/production.sql for the sample production).</summary>
    public string? SupabaseDirectory { get; set; }

    /// <summary>The sample production's scale when no production is configured (1 = about 100,000 rows).</summary>
    public string? SampleScale { get; set; }

    /// <summary>The sample production's seed.</summary>
    public string? SampleSeed { get; set; }

    /// <summary>
    /// Production's connection; when none is configured, the bundled sample production, built on an ephemeral server
    /// (returned, for the caller to dispose), as every target does, and the output says so.
    /// </summary>
    protected async Task<(DatabaseConnection Production, IPostgresServer? SampleServer)> ProductionOrSampleAsync(CancellationToken cancellationToken)
    {
        var production = ProductionConnection();
        if (production is not null)
        {
            return (production, null);
        }

        var scale = SampleProduction.ParseScale(SampleScale, "SampleScale");
        var seed = SampleProduction.ParseSeed(SampleSeed, "SampleSeed");
        EngineLog.Info($"Production: {ProductionUrlVariable} is not set; no production configured: using the bundled sample production, scale {scale}.");
        var server = await EphemeralServers.AcquireAsync(ServerRequest(), EngineLog, cancellationToken).ConfigureAwait(false);
        try
        {
            return (await SampleProduction.CreateAsync(server, SupabaseDirectory ?? string.Empty, scale, seed, EngineLog, cancellationToken).ConfigureAwait(false), server);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The backup options for <paramref name="label"/> (production or staging).</summary>
    protected BackupOptions ReadBackupOptions(string label) => new()
    {
        Root = string.IsNullOrWhiteSpace(BackupDirectory) ? Path.Combine("artifacts", "backups") : BackupDirectory,
        Label = label,
        Format = PropertyValues.Choice(nameof(BackupFormat), BackupFormat, Backup.BackupFormat.Directory,
            ("directory", Backup.BackupFormat.Directory), ("custom", Backup.BackupFormat.Custom)),
        Jobs = PropertyValues.Number(nameof(BackupJobs), BackupJobs, BackupOptions.DefaultJobs, 1, 64),
        SupabaseSchemas = PropertyValues.Choice(nameof(SupabaseSchemas), SupabaseSchemas, SupabaseSchemaMode.Cli,
            ("cli", SupabaseSchemaMode.Cli), ("exclude", SupabaseSchemaMode.Exclude), ("include", SupabaseSchemaMode.Include)),
        IncludeRoles = PropertyValues.Flag(nameof(BackupRoles), BackupRoles, true),
        ChecksumTables = PropertyValues.Number(nameof(ChecksumTables), ChecksumTables, 5, 0, 10_000),
        Verification = PropertyValues.Choice(nameof(BackupVerification), BackupVerification, Backup.BackupVerification.Archive,
            ("archive", Backup.BackupVerification.Archive), ("full", Backup.BackupVerification.Full)),
        BinDirectory = string.IsNullOrWhiteSpace(PostgresBinDirectory) ? null : PostgresBinDirectory,
        PoolerCheck = PoolerCheck(),
    };
}
