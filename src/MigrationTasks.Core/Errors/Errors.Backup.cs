namespace MigrationTasks.Errors;

public static partial class Errors
{
    public static MigrationTasksException ClientToolsNotFound(string tools, int minimumMajor, string where, string seen) => new(
        "MT0401",
        $"No PostgreSQL {minimumMajor} (or newer) client programs ({tools}) {where}: {seen}. pg_dump refuses servers newer than itself.",
        $"Install the PostgreSQL {minimumMajor} client: Debian/Ubuntu apt-get install postgresql-client-{minimumMajor} (from apt.postgresql.org if your release lacks it); " +
        $"macOS brew install postgresql@{minimumMajor}; RHEL/Fedora dnf install postgresql{minimumMajor}; or set PostgresBinDirectory to a PostgreSQL {minimumMajor}+ bin folder.");

    public static MigrationTasksException DumpFailed(string step, string detail, Exception? inner = null) => new(
        "MT0402",
        $"{step} failed, so no backup was kept: {detail}",
        "Act on the message above (permissions on the source's tables, locks held by other sessions, disk space); nothing was left in the backups folder.",
        inner: inner);

    public static MigrationTasksException BackupVerificationFailed(string folder, string problems) => new(
        "MT0403",
        $"The backup in {folder} failed verification: {problems}",
        "Do not use this backup: it is marked failed (manifest.json has \"passed\": false) and Restore refuses it. Take a new backup; check the disk if files were changed.");

    public static MigrationTasksException BackupNotFound(string path, string reason) => new(
        "MT0404",
        $"No usable backup at {path}: {reason}.",
        "Set BackupPath to a backup folder (one holding manifest.json) or to a folder of backups (the newest verified one is used), e.g. artifacts/backups/production.");

    public static MigrationTasksException BackupMarkedFailed(string folder, string reason) => new(
        "MT0405",
        $"The backup in {folder} is marked failed and is never used for a restore: {reason}",
        "Choose another backup or take a new one with -t:Backup.");

    public static MigrationTasksException TargetNotEmpty(string target, string contents) => new(
        "MT0406",
        $"The database {target} is not empty ({contents}); a restore would mix the backup with what is there.",
        "Restore into an empty database, or add -p:Overwrite=true to drop what the backup would restore (user schemas, the migration history) first.");

    public static MigrationTasksException ProductionNotConfirmed(string database, string given) => new(
        "MT0407",
        given.Length == 0
            ? $"Refusing to restore into production (database \"{database}\") without confirmation."
            : $"Refusing to restore into production: ConfirmProduction is '{given}', but the production database is \"{database}\".",
        $"Restoring replaces production's data. If that is what you want, add -p:ConfirmProduction={database}.");

    public static MigrationTasksException RestoreFailed(string step, string errors, Exception? inner = null) => new(
        "MT0408",
        $"{step} failed while restoring: {errors}",
        "Act on the errors above (missing roles or extensions on the target, permissions); the target database is partly restored, so restore again with -p:Overwrite=true once fixed.",
        inner: inner);

    public static MigrationTasksException RestoredDatabaseDiffers(string target, string differences, string report) => new(
        "MT0409",
        $"The database restored into {target} does not match the backup's manifest: {differences}",
        $"Read {report} for every check; a difference means the restore is incomplete (errors ignored, objects the target could not create) or the target changed meanwhile.");

    public static MigrationTasksException CloneNotFaithful(string target, string differences, string report) => new(
        "MT0410",
        $"The clone in {target} is not a faithful copy of production: {differences}",
        $"Read {report} for every check; do not rehearse on this clone.");

    public static MigrationTasksException TargetServerTooOld(string target, string targetVersion, string sourceVersion) => new(
        "MT0411",
        $"The target {target} runs PostgreSQL {targetVersion}, older than the backup's source ({sourceVersion}); pg_dump output is not guaranteed to load into an older major version.",
        $"Restore into a PostgreSQL {sourceVersion.Split('.')[0]} (or newer) server, or leave StagingUrlVariable unset so a matching ephemeral server is started.");

    public static MigrationTasksException RolesRestoreFailed(int exitCode, string stderr) => new(
        "MT0412",
        $"Creating the backup's roles on the target failed (psql exit code {exitCode}): {stderr}",
        "The restoring user needs CREATEROLE (or superuser) to create missing roles; create them by hand from the backup's roles.sql, or restore as a more privileged user.");

    public static MigrationTasksException StagingIsProduction(string target) => new(
        "MT0413",
        $"The staging connection points at the production database ({target}); a restore or clone into it would replace production.",
        "Point StagingUrlVariable's variable at another database (or unset it for an ephemeral server); to restore into production on purpose use -p:Database=production -p:ConfirmProduction=<name>.");
}
