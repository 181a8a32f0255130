namespace MigrationTasks.Errors;

/// <summary>MT03xx: migration files, templates, the history and the runner.</summary>
public static partial class Errors
{
    public static MigrationTasksException InvalidMigrationName(string name) => new(
        "MT0301",
        $"'{name}' is not a safe migration name: use 1 to 100 ASCII letters, digits, '_' or '-', starting with a letter or digit.",
        "Pass a short descriptive name, e.g. -p:MigrationName=add_booking_status (the file becomes <version>_<name>.sql).");

    public static MigrationTasksException MigrationFileExists(string path) => new(
        "MT0302",
        $"The migration file '{path}' already exists (or has the version asked for); NewMigration never overwrites a file.",
        "Choose another name or version, or leave MigrationVersion empty to take the current UTC time.",
        file: path);

    public static MigrationTasksException TemplateNotFound(string template, string available) => new(
        "MT0303",
        $"There is no migration template named '{template}'. Available: {available}.",
        "Set MigrationTemplate to one of the available names, or add supabase/templates/<name>.sql.sbn for a template of your own.");

    public static MigrationTasksException TemplateFailed(string template, string message, string? file, int line, int column) => new(
        "MT0304",
        $"The template '{template}' failed: {message}",
        "Fix the template (Scriban syntax: https://github.com/scriban/scriban/blob/master/doc/language.md); model members are snake_case.",
        file, line, column);

    public static MigrationTasksException DuplicateMigrationVersion(string version, string first, string second) => new(
        "MT0306",
        $"Two migration files have the version {version}: '{first}' and '{second}'. The history keys on the version, so only one can ever be applied.",
        "Rename one of them to a new version (for example with a timestamp one second later).",
        file: second);

    public static MigrationTasksException MigrationFileUnreadable(string file, string reason) => new(
        "MT0307",
        $"The migration file '{file}' cannot be read: {reason}.",
        "Save it as UTF-8 text.",
        file: file);

    public static MigrationTasksException MigrationSyntaxError(string file, int line, int column, string detail) => new(
        "MT0310",
        $"Syntax error in '{Path.GetFileName(file)}' at line {line}: {detail}",
        "Fix the statement and run again; nothing from this file was applied (earlier files stay applied).",
        file, line, column);

    public static MigrationTasksException MigrationStatementFailed(string file, int line, int column, string detail, string state) => new(
        "MT0311",
        $"A statement in '{Path.GetFileName(file)}' failed at line {line}: {detail}",
        $"{state} Fix the cause (or the statement) and run again.",
        file, line, column);

    public static MigrationTasksException MigrationLockTimeout(string file, int line, string detail, int attempts, string lockTimeout) => new(
        "MT0312",
        $"'{Path.GetFileName(file)}' could not take a lock within lock_timeout ({lockTimeout}) in {attempts} attempt(s): {detail}",
        "A long transaction or query holds the table; nothing from this part of the file was applied. Run again when the database is quieter, or raise MigrationLockTimeout / MigrationLockRetries.",
        file, line);

    public static MigrationTasksException MigrationStatementTimeout(string file, int line, string statementTimeout) => new(
        "MT0313",
        $"A statement in '{Path.GetFileName(file)}' ran longer than statement_timeout ({statementTimeout}) and was cancelled.",
        "Nothing from this part of the file was applied. Raise MigrationStatementTimeout (empty = no limit), or make the statement cheaper (batches, CONCURRENTLY).",
        file, line);

    public static MigrationTasksException MigrationConnectionLost(string file, int line, string when, string reason, Exception? inner) => new(
        "MT0314",
        $"The connection to the database was lost while applying '{Path.GetFileName(file)}' ({when}): {reason}.",
        "The server rolled back the open transaction, so the database is before or after this part of the file; run ApplyMigrations again: it reads the history and continues where it stopped.",
        file, line, inner: inner);

    public static MigrationTasksException RunnerLockTimeout(string database, string holder, TimeSpan waited) => new(
        "MT0315",
        $"Another migration runner holds the migration lock on {database} ({holder}); gave up after waiting {waited.TotalSeconds:0} s.",
        "Wait for that run to finish and run again, or raise RunnerLockTimeout. If the holder is a stale session, end it with pg_terminate_backend(pid).");

    public static MigrationTasksException ChangedMigrations(string firstFile, string list) => new(
        "MT0316",
        $"Applied migration file(s) changed since they were applied: {list}.",
        "Applied migrations are history: put the change in a new migration (dotnet msbuild -t:NewMigration) and restore the file from version control. " +
        "If the edit is harmless (a comment), accept it for this run with -p:AllowChangedMigrations=true, or record the new content with -t:RepairMigrations -p:Status=applied.",
        file: firstFile);

    public static MigrationTasksException OutOfOrderMigrations(string firstFile, string list, string newestApplied) => new(
        "MT0317",
        $"Found local migration file(s) to be inserted before the last migration on the database ({newestApplied}): {list}.",
        "If they are meant to run now (a teammate's older branch), rerun with -p:IncludeAll=true (the Supabase CLI's --include-all); otherwise rename them to a newer version.",
        file: firstFile);

    public static MigrationTasksException MissingLocalMigrations(string list, string directory) => new(
        "MT0318",
        $"The database's history has version(s) with no file in {directory}: {list}.",
        "Restore the files from version control (or git pull). If they were deleted on purpose, remove them from the history with -t:RepairMigrations -p:Status=reverted -p:Version=<versions>.");

    public static MigrationTasksException TransactionControlInFile(string file, int line, string statement) => new(
        "MT0319",
        $"'{Path.GetFileName(file)}' controls transactions itself at line {line} ({statement}). Each migration file already runs in one transaction with its history row; a COMMIT or ROLLBACK in the middle would leave the file half applied and unrecorded.",
        "Remove the statement, or split the file into several migration files. A file wrapped as a whole in BEGIN; ... COMMIT; is accepted.",
        file, line);

    public static MigrationTasksException NonTransactionalInOwnTransaction(string file, int line, string reason) => new(
        "MT0320",
        $"'{Path.GetFileName(file)}' wraps itself in BEGIN ... COMMIT but line {line} cannot run inside a transaction ({reason}).",
        "Remove the file's BEGIN and COMMIT (the runner then runs that statement on its own), or move the statement to a file of its own.",
        file, line);

    public static MigrationTasksException PartiallyAppliedFileChanged(string file, int done, int total) => new(
        "MT0321",
        $"'{Path.GetFileName(file)}' was partially applied by an earlier run ({done} of {total} parts) and has changed since.",
        "Restore the file as it was and run again to finish it; or, if the database already holds the whole change, record it with -t:RepairMigrations -p:Status=applied.",
        file: file);

    public static MigrationTasksException RepairFileMissing(string version, string directory) => new(
        "MT0322",
        $"Cannot mark version {version} as applied: there is no {version}_<name>.sql in {directory}.",
        "Repair --status applied records the file's statements, so the file must exist; check the version.");

    public static MigrationTasksException InvalidMigrationVersion(string value) => new(
        "MT0323",
        $"'{value}' is not a migration version (digits only, as in 20240101120000).",
        "Give one or more versions separated by spaces: -p:Version=20240101120000 or -p:Version=\"20240101120000 20240102090000\".");

    public static MigrationTasksException HistoryTableUnusable(string reason) => new(
        "MT0331",
        $"supabase_migrations.schema_migrations exists but cannot be used: {reason}.",
        "Compare it with the Supabase CLI's table (version text primary key, statements text[], name text) and fix it by hand.");
}

/// <summary>Codes of MT03xx warnings (warnings do not stop the run).</summary>
public static class MigrationWarnings
{
    /// <summary>No migration files (or no folder).</summary>
    public const string NoMigrations = "MT0305";

    /// <summary>The Supabase CLI would split a file differently.</summary>
    public const string CliSplitsDifferently = "MT0326";

    /// <summary>An applied file differs from the statements the history recorded (written by another tool).</summary>
    public const string DiffersFromRecordedStatements = "MT0327";

    /// <summary>A changed applied file accepted with AllowChangedMigrations.</summary>
    public const string ChangedMigrationAccepted = "MT0328";

    /// <summary>An INVALID index left by a failed CONCURRENTLY build was dropped.</summary>
    public const string InvalidIndexDropped = "MT0329";

    /// <summary>A file in the migrations folder was skipped (name does not match).</summary>
    public const string FileSkipped = "MT0330";

    /// <summary>A partially applied file is resumed.</summary>
    public const string Resuming = "MT0334";

    /// <summary>A lock_timeout hit; the part is retried.</summary>
    public const string LockRetry = "MT0335";
}
