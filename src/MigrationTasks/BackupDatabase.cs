using MigrationTasks.Backup;
using MigrationTasks.Connections;
using MigrationTasks.Servers;
using MigrationTasks.Tasks.Infrastructure;
using Microsoft.Build.Framework;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:Backup [-p:Database=production|staging]</c>: a verified pg_dump backup (archive, roles, migration history,
/// manifest.json) into <c>$(BackupDirectory)/&lt;database&gt;/&lt;UTC timestamp&gt;/</c>. Without a configured production,
/// the bundled sample production is built and backed up.
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
        IPostgresServer? sampleServer = null;
        DatabaseConnection source;
        if (database == "production")
        {
            (source, sampleServer) = await ProductionOrSampleAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            source = StagingConnection() ?? throw Errors.Errors.VariableNotSet(StagingUrlVariable, "staging (an ephemeral staging server has nothing to back up)");
        }

        await using (sampleServer)
        {
            var backup = await DatabaseBackup.CreateAsync(source, options, EngineLog, cancellationToken).ConfigureAwait(false);
            BackupPath = backup.Folder;
        }
    }
}
