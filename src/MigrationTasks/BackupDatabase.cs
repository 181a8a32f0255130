using MigrationTasks.Backup;
using MigrationTasks.Tasks.Infrastructure;
using Microsoft.Build.Framework;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:Backup [-p:Database=production|staging]</c>: a verified pg_dump backup (archive, roles, migration history,
/// manifest.json) into <c>$(BackupDirectory)/&lt;database&gt;/&lt;UTC timestamp&gt;/</c>.
/// </summary>
public sealed class BackupDatabase : BackupingTask
{
    /// <summary><c>production</c> (default) or <c>staging</c>.</summary>
    public string? Database { get; set; }

    /// <summary>The backup folder written.</summary>
    [Output]
    public string? BackupPath { get; set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var database = PropertyValues.Database(Database, "production");
        var options = ReadBackupOptions(database);
        var source = database == "production"
            ? RequireConnection(nameof(ProductionUrlVariable), ProductionUrlVariable, "production")
            : StagingConnection() ?? throw Errors.Errors.VariableNotSet(StagingUrlVariable, "staging (an ephemeral staging server has nothing to back up)");

        var backup = await DatabaseBackup.CreateAsync(source, options, EngineLog, cancellationToken).ConfigureAwait(false);
        BackupPath = backup.Folder;
    }
}
