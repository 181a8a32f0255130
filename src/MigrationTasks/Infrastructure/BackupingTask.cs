using MigrationTasks.Backup;

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
    };
}
