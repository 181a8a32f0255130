namespace MigrationTasks.Backup;

/// <summary>pg_dump's archive format.</summary>
public enum BackupFormat
{
    /// <summary><c>pg_dump --format=directory --jobs=N</c>: one compressed file per table, dumped in parallel. The default.</summary>
    Directory,

    /// <summary><c>pg_dump --format=custom</c>: one file, dumped serially (pg_restore can still restore it in parallel).</summary>
    Custom,
}

/// <summary>How much of the archive the verification reads.</summary>
public enum BackupVerification
{
    /// <summary>Every file's size and sha256, and <c>pg_restore --list</c> over the archive's table of contents. The default.</summary>
    Archive,

    /// <summary>As <see cref="Archive"/>, then <c>pg_restore --file=/dev/null</c> decompresses and reads every data block.</summary>
    Full,
}

/// <summary>What <see cref="DatabaseBackup.CreateAsync"/> does.</summary>
public sealed record BackupOptions
{
    /// <summary>The backups root, e.g. <c>artifacts/backups</c>; the backup goes to <c>&lt;root&gt;/&lt;label&gt;/&lt;UTC timestamp&gt;/</c>.</summary>
    public required string Root { get; init; }

    /// <summary>Which database this is, for the folder name and the manifest: <c>production</c> or <c>staging</c>.</summary>
    public required string Label { get; init; }

    public BackupFormat Format { get; init; } = BackupFormat.Directory;

    /// <summary>pg_dump's parallel jobs (directory format); each is one more connection to the server.</summary>
    public int Jobs { get; init; } = DefaultJobs;

    public SupabaseSchemaMode SupabaseSchemas { get; init; } = SupabaseSchemaMode.Cli;

    /// <summary>Also dump the roles (<c>pg_dumpall --roles-only --no-role-passwords</c>) into <c>roles.sql</c>.</summary>
    public bool IncludeRoles { get; init; } = true;

    /// <summary>How many tables get a content checksum in the manifest (a sample including the largest); 0 for none.</summary>
    public int ChecksumTables { get; init; } = 5;

    public BackupVerification Verification { get; init; } = BackupVerification.Archive;

    /// <summary>A PostgreSQL bin folder to take pg_dump from; null searches PATH and the usual places.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>Folders to search when <see cref="BinDirectory"/> is null; null means the default search.</summary>
    public IReadOnlyList<string>? SearchDirectories { get; init; }

    /// <summary>How to recognise a transaction-mode pooler, which a backup refuses (MT0720): pg_dump's jobs share one exported snapshot.</summary>
    public Pooler.PoolerCheckOptions PoolerCheck { get; init; } = new();

    /// <summary>How often progress is reported at normal verbosity while pg_dump runs.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>One job per core of this machine, at least 2 and at most 8 (each job is a connection to production).</summary>
    public static int DefaultJobs => Math.Clamp(Environment.ProcessorCount, 2, 8);
}
