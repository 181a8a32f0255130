namespace MigrationTasks.Backup;

/// <summary>What <see cref="DatabaseRestore.RestoreAsync"/> does.</summary>
public sealed record RestoreOptions
{
    /// <summary>Where the restore writes its report (<c>restore.json</c>), the roles script and the pg_restore list it used.</summary>
    public required string ReportDirectory { get; init; }

    /// <summary>pg_restore's parallel jobs.</summary>
    public int Jobs { get; init; } = BackupOptions.DefaultJobs;

    /// <summary>Drop what the backup would restore (user schemas, the history; managed schemas' rows) when the target is not empty.</summary>
    public bool Overwrite { get; init; }

    /// <summary>The target is production: refused unless <see cref="ConfirmProduction"/> names its database exactly.</summary>
    public bool TargetIsProduction { get; init; }

    /// <summary>The production database's name, typed by a person who means it (<c>-p:ConfirmProduction=...</c>).</summary>
    public string? ConfirmProduction { get; init; }

    /// <summary>Create the roles the target lacks from the backup's roles.sql first.</summary>
    public bool RestoreRoles { get; init; } = true;

    /// <summary>Create the target database when it does not exist (for servers the tool started itself).</summary>
    public bool CreateDatabase { get; init; }

    /// <summary>A PostgreSQL bin folder to take pg_restore and psql from; null searches.</summary>
    public string? BinDirectory { get; init; }

    public IReadOnlyList<string>? SearchDirectories { get; init; }

    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How to recognise a transaction-mode pooler, which a restore refuses (MT0720): pg_restore's sessions keep settings.</summary>
    public Pooler.PoolerCheckOptions PoolerCheck { get; init; } = new();
}
