using MigrationTasks.Migrations;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:RepairMigrations -p:Database=staging|production -p:Version=&lt;v[,v...]&gt; -p:Status=applied|reverted</c>:
/// <c>supabase migration repair</c>. Edits the history only; the database must be named.
/// </summary>
public sealed class RepairMigrations : DatabaseTask
{
    public string? Database { get; set; }

    public string MigrationsDirectory { get; set; } = "";

    /// <summary>Versions separated by spaces or '|' (MSBuild splits -p values at ',' and ';' itself).</summary>
    public string? Version { get; set; }

    /// <summary>applied or reverted.</summary>
    public string? Status { get; set; }

    public string? RunnerLockTimeout { get; set; } = "2min";

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var target = DatabaseTarget.Parse(Database, allowEphemeral: false);
        var status = Status?.Trim().ToLowerInvariant() switch
        {
            "applied" => RepairStatus.Applied,
            "reverted" => RepairStatus.Reverted,
            _ => throw Errors.Errors.InvalidProperty(nameof(Status), Status ?? "", "applied or reverted"),
        };
        var versions = (Version ?? "").Split([',', ';', ' ', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var connection = target == DatabaseTarget.Staging
            ? RequireConnection(nameof(StagingUrlVariable), StagingUrlVariable, "staging")
            : RequireConnection(nameof(ProductionUrlVariable), ProductionUrlVariable, "production");
        var options = new ApplyOptions { RunnerLockTimeout = PostgresDuration.ToTimeSpan(nameof(RunnerLockTimeout), RunnerLockTimeout) ?? TimeSpan.FromMinutes(2), TargetName = target, PoolerCheck = PoolerCheck() };
        await MigrationRepair.RepairAsync(connection, MigrationSet.Load(MigrationsDirectory, EngineLog), versions, status, options, EngineLog, cancellationToken).ConfigureAwait(false);
    }
}
