namespace MigrationTasks.Errors;

public static partial class Errors
{
    public static MigrationTasksException RehearsalFailed(string failedSteps, string reportPath) => new(
        "MT0801",
        $"The rehearsal failed ({failedSteps}); its receipt says \"passed\": false, so Migrate will refuse it.",
        $"Read {reportPath}: each failed step says what is wrong and links its report. Fix it (usually a migration), commit, and run -t:Rehearse again.",
        file: reportPath);

    public static MigrationTasksException ReceiptUnreadable(string path, string reason) => new(
        "MT0802",
        $"The rehearsal receipt {path} cannot be read: {reason}.",
        "Point RehearsalReceipt at a receipt.json written by -t:Rehearse (artifacts/rehearsal/<UTC timestamp>/receipt.json), or run -t:Rehearse again.",
        file: path);

    public static MigrationTasksException NoReceipt(string where) => new(
        "MT0803",
        $"Refusing to migrate production: there is no rehearsal receipt in {where}.",
        "Run dotnet msbuild -t:Rehearse with the same PRODUCTION_DATABASE_URL and migrations first (in CI: download its artifacts/rehearsal folder), or set RehearsalReceipt to its receipt.json.");

    public static MigrationTasksException ReceiptNotPassed(string path, string failedSteps) => new(
        "MT0804",
        $"Refusing to migrate production: the rehearsal receipt {path} did not pass ({failedSteps}).",
        "Fix what its report.md says, then run -t:Rehearse again until it passes.",
        file: path);

    public static MigrationTasksException ReceiptForOtherProduction(string path, string receiptFingerprint, string currentFingerprint) => new(
        "MT0805",
        $"Refusing to migrate production: its schema changed since the rehearsal (receipt {path} rehearsed schema fingerprint {receiptFingerprint}, production's is now {currentFingerprint}).",
        "Someone changed production after the rehearsal (or the receipt is from another database, or from the bundled sample): run -t:Rehearse again against production as it is now.",
        file: path);

    public static MigrationTasksException ReceiptForOtherMigrations(string path, string receiptHash, string currentHash, string changes) => new(
        "MT0806",
        $"Refusing to migrate production: the migrations changed since the rehearsal (receipt {path} rehearsed migration set {receiptHash[..12]}, the folder's is now {currentHash[..12]}: {changes}).",
        "Run -t:Rehearse again with the migrations you mean to apply; a receipt is only good for the exact files it rehearsed.",
        file: path);

    public static MigrationTasksException ReceiptTooOld(string path, string age, string maximum) => new(
        "MT0807",
        $"Refusing to migrate production: the rehearsal receipt {path} is {age} old, older than ReceiptMaxAge ({maximum}).",
        "Run -t:Rehearse again (production's data changes even when its schema does not), or raise -p:ReceiptMaxAge if that is what your process allows.",
        file: path);

    public static MigrationTasksException SchemaNotConverged(int differences, int legacy, string first, string commands) => new(
        "MT0808",
        $"After every migration was applied to the clone, {differences} difference(s) from the schema the migrations build and {legacy} legacy object(s) remain: {first}.",
        $"Commit migrations that cover them, e.g. {commands}; then run -t:Rehearse again.");

    public static MigrationTasksException DrillDidNotFail(string detail) => new(
        "MT0809",
        $"The simulated failure did not happen as planned: {detail}.",
        "The drill injects a migration that fails part-way; if another migration failed first, fix that one (its error is in the drill's apply.json).");

    public static MigrationTasksException RollbackDidNotRestore(string differences, string reportPath) => new(
        "MT0810",
        $"Restoring the pre-migration backup after the simulated failure did not give back the original database: {differences}.",
        $"A production rollback would not restore production either. Read {reportPath}; migrations that change what a restore does not cover (roles, database settings) need their own undo.",
        file: reportPath);

    public static MigrationTasksException MigrateFailed(string step, string detail, string rollbackCommand, bool maintenanceLeftOn) => new(
        "MT0811",
        $"Migrate stopped at the step '{step}': {detail}{(maintenanceLeftOn ? " Maintenance mode is left ON so no client sees a half-migrated database." : "")}",
        $"Roll back with the verified pre-migration backup: {rollbackCommand}");

    public static MigrationTasksException MaintenanceRoleMissing(string role) => new(
        "MT0812",
        $"Maintenance mode cannot lock out the role \"{role}\": no such role on production.",
        "Set MaintenanceRole to the role your API connects as (authenticator on Supabase), or -p:MaintenanceMode=none.");

    public static MigrationTasksException CheckFailed(string step, string summary, string reportPath) => new(
        "MT0813",
        $"The step '{step}' failed: {summary}",
        $"Read {reportPath} for each failed case and what it expected.",
        file: reportPath);

    public static MigrationTasksException RollbackNeedsBackup() => new(
        "MT0814",
        "Rollback needs the backup to restore: -p:BackupPath=<folder> is not set.",
        "Use the command Migrate printed (it names the pre-migration backup), e.g. dotnet msbuild -t:Rollback -p:BackupPath=artifacts/backups/production/<UTC timestamp> -p:ConfirmProduction=<database>.");

    public static MigrationTasksException ReceiptMaxAgeInvalid(string value) => new(
        "MT0815",
        $"ReceiptMaxAge must be a positive duration such as 24h, 90m or 2d, not '{value}'.",
        "Set -p:ReceiptMaxAge=<number><m|h|d> (default 24h).");

    public static MigrationTasksException ReceiptFromSample(string path) => new(
        "MT0816",
        $"Refusing to migrate production: the rehearsal receipt {path} is from a rehearsal of the bundled sample production, not of this production.",
        "Run -t:Rehearse with PRODUCTION_DATABASE_URL set to the production you mean to migrate.",
        file: path);

    public static MigrationTasksException MaintenanceStateUnreadable(string path, string reason) => new(
        "MT0817",
        $"The maintenance state {path} cannot be read: {reason}.",
        "Point MaintenanceState at the maintenance.json Migrate wrote (artifacts/migrate/<UTC timestamp>/maintenance.json), or restore the API role's access by hand (ALTER ROLE authenticator CONNECTION LIMIT -1; GRANT CONNECT ON DATABASE ... TO PUBLIC).",
        file: path);
}

/// <summary>Warning codes of Rehearse and Migrate (the build goes on).</summary>
public static class RehearsalWarnings
{
    /// <summary>STAGING_DATABASE_URL is on production's server: the clones would load it.</summary>
    public const string StagingOnProductionServer = "MT0818";
}
