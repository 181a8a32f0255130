using Microsoft.Build.Framework;
using MigrationTasks.Migrations;
using MigrationTasks.Release;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:Migrate</c>: migrates production, gated by a rehearsal (see <see cref="ProductionMigration"/>): refuses without
/// a passed receipt for this production and these migrations younger than ReceiptMaxAge; optional maintenance mode;
/// a verified backup before; apply; validate; checks; a backup after; report.md and migration.json in
/// <c>artifacts/migrate/&lt;UTC timestamp&gt;/</c>. On a failure after production started to change it stops, leaves
/// maintenance mode on, and prints the exact rollback command. Never uses the bundled sample: production must be set.
/// </summary>
public sealed class MigrateProduction : RehearsingTask
{
    [Required]
    public string ArtifactsDirectory { get; set; } = "";

    public string? MigrationsDirectory { get; set; }

    public string? TemplatesDirectory { get; set; }

    /// <summary>A receipt.json, or a folder of rehearsals (the newest receipt); default <c>artifacts/rehearsal</c>.</summary>
    public string? RehearsalReceipt { get; set; }

    /// <summary>How old a receipt may be: 90m, 24h (default), 2d.</summary>
    public string? ReceiptMaxAge { get; set; }

    /// <summary>none (default), connection-limit or revoke-connect.</summary>
    public string? MaintenanceMode { get; set; }

    /// <summary>The role maintenance mode locks out (authenticator).</summary>
    public string? MaintenanceRole { get; set; }

    /// <summary>Where migration reports go (default <c>artifacts/migrate</c>).</summary>
    public string? MigrateDirectory { get; set; }

    [Output]
    public string? ReportPath { get; private set; }

    [Output]
    public string? BackupPath { get; private set; }

    protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var backup = ReadBackupOptions("production");
        var maxAge = ReceiptGate.ParseAge(ReceiptMaxAge, TimeSpan.FromHours(24));
        var maintenance = Maintenance.Parse(MaintenanceMode);
        var supabase = SupabaseDirectory ?? "";
        var dataValidation = DataValidation();
        var checks = Checks(onProduction: true);
        var production = RequireConnection(nameof(ProductionUrlVariable), ProductionUrlVariable, "production");
        var result = await ProductionMigration.RunAsync(new MigrateOptions
        {
            Production = production,
            MigrationsDirectory = string.IsNullOrWhiteSpace(MigrationsDirectory) ? Path.Combine(supabase, "migrations") : MigrationsDirectory,
            Receipt = string.IsNullOrWhiteSpace(RehearsalReceipt) ? Path.Combine(ArtifactsDirectory, "rehearsal") : RehearsalReceipt,
            ReceiptMaxAge = maxAge,
            ReportDirectory = ReportFolders.New(MigrateDirectory, Path.Combine(ArtifactsDirectory, "migrate")),
            Backup = backup,
            Apply = new ApplyOptions { TargetName = "production", PoolerCheck = PoolerCheck() },
            Maintenance = maintenance,
            MaintenanceRole = string.IsNullOrWhiteSpace(MaintenanceRole) ? "authenticator" : MaintenanceRole.Trim(),
            DataValidation = dataValidation,
            Checks = checks,
            TemplatesDirectory = string.IsNullOrWhiteSpace(TemplatesDirectory) ? Path.Combine(supabase, "templates") : TemplatesDirectory,
            RepositoryRoot = string.IsNullOrWhiteSpace(RepositoryRoot) ? null : RepositoryRoot,
        }, EngineLog, cancellationToken).ConfigureAwait(false);
        ReportPath = result.ReportPath;
        BackupPath = result.BackupBefore;
    }
}
