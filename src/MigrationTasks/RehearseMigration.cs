using MigrationTasks.Servers;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:Rehearse</c>: the whole migration plan on a staging clone. Today it proves the ground the rehearsal
/// stands on: a staging server (STAGING_DATABASE_URL, or an ephemeral one) starts and answers with its version,
/// production (when configured) answers too, and the ephemeral server is stopped again.
/// </summary>
public sealed class RehearseMigration : DatabaseTask
{
    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var production = ProductionConnection();
        await using var staging = await EphemeralServers.AcquireAsync(ServerRequest(StagingConnection()), EngineLog, cancellationToken).ConfigureAwait(false);
        EngineLog.Info($"Staging: {staging.Kind} {staging.Connection.Describe()}, PostgreSQL {staging.ServerVersion}.");

        if (production is null)
        {
            EngineLog.Info($"Production: {ProductionUrlVariable} is not set, so no production server is contacted.");
        }
        else
        {
            var version = await ServerInfo.ReadVersionAsync(production, cancellationToken).ConfigureAwait(false);
            EngineLog.Info($"Production: {production.Describe()} answers, PostgreSQL {version}.");
        }
    }
}
