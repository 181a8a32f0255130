using MigrationTasks.Sample;
using MigrationTasks.Servers;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:Rehearse</c>: the whole migration plan on a staging clone. Today it proves the ground the rehearsal
/// stands on: a staging server (STAGING_DATABASE_URL, or an ephemeral one) starts and answers with its version,
/// production answers too (or, when none is configured, the bundled sample production is built on a second
/// ephemeral server), and the ephemeral servers are stopped again.
/// </summary>
public sealed class RehearseMigration : DatabaseTask
{
    /// <summary>The supabase/ folder (holds sample/production.sql for the sample production).</summary>
    public string? SupabaseDirectory { get; set; }

    /// <summary>The sample production's scale when no production is configured (1 = about 100,000 rows).</summary>
    public string? SampleScale { get; set; }

    /// <summary>The sample production's seed (the same scale and seed always give the same database).</summary>
    public string? SampleSeed { get; set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var production = ProductionConnection();
        var scale = SampleProduction.ParseScale(SampleScale, "SampleScale");
        var seed = SampleProduction.ParseSeed(SampleSeed, "SampleSeed");
        await using var staging = await EphemeralServers.AcquireAsync(ServerRequest(StagingConnection()), EngineLog, cancellationToken).ConfigureAwait(false);
        EngineLog.Info($"Staging: {staging.Kind} {staging.Connection.Describe()}, PostgreSQL {staging.ServerVersion}.");

        if (production is null)
        {
            EngineLog.Info($"Production: {ProductionUrlVariable} is not set; no production configured: using the bundled sample production, scale {scale}.");
            await using var sampleServer = await EphemeralServers.AcquireAsync(ServerRequest(), EngineLog, cancellationToken).ConfigureAwait(false);
            var sample = await SampleProduction.CreateAsync(sampleServer, SupabaseDirectory ?? string.Empty, scale, seed, EngineLog, cancellationToken).ConfigureAwait(false);
            EngineLog.Info($"Production (sample): {sampleServer.Kind} {sample.Describe()}, PostgreSQL {sampleServer.ServerVersion}.");
        }
        else
        {
            var version = await ServerInfo.ReadVersionAsync(production, cancellationToken).ConfigureAwait(false);
            EngineLog.Info($"Production: {production.Describe()} answers, PostgreSQL {version}.");
        }
    }
}
