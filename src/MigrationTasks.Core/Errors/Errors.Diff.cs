namespace MigrationTasks.Errors;

public static partial class Errors
{
    public static MigrationTasksException ServerTooOldForDiff(string database, Version version, Version minimum) => new(
        "MT0201",
        $"The database \"{database}\" runs PostgreSQL {version}, but reading a schema needs PostgreSQL {minimum} or newer.",
        $"Upgrade the server, or diff a copy restored on PostgreSQL {minimum.Major} or newer.");

    public static MigrationTasksException DependencyCycle(IEnumerable<string> objects) => new(
        "MT0202",
        $"The changes cannot be ordered: these statements depend on each other in a cycle: {string.Join(" | ", objects)}.",
        "Split the change into two migrations (for example create the function first, then the table that uses it), and report the case so the differ learns it.");

    public static MigrationTasksException InvalidDiffConfig(string file, int line, string reason) => new(
        "MT0203",
        $"The diff configuration is not valid: {reason}.",
        "Fix the file: [legacy] patterns = [\"v1_*\"] and objects = [\"public.old_table\", \"public.old_function(integer)\"], [ignore] schemas = [\"audit\"].",
        file,
        line);

    public static MigrationTasksException MigrationFailedOnShadow(string file, int line, string message) => new(
        "MT0204",
        $"The migration {Path.GetFileName(file)} fails on an empty (shadow) database, so the desired schema cannot be built: {message}",
        "Fix the migration so that it applies to an empty database (supabase db reset must work too), then run the diff again.",
        file,
        line);

    public static MigrationTasksException NoMigrations(string folder) => new(
        "MT0205",
        $"There are no migration files (*.sql) in {folder}, so there is no desired schema to compare with.",
        "Point SupabaseDirectory at the folder that holds migrations/, or set DiffTo to the name of a variable holding a database URL.");

    public static MigrationTasksException ShadowNeedsClientTools(string server) => new(
        "MT0206",
        $"Building the desired schema needs psql for {server}, and no PostgreSQL client programs were found.",
        "Install the PostgreSQL client (postgresql-client-15) or set PostgresBinDirectory.");

    public static MigrationTasksException DriftFound(int drift, int security, string report) => new(
        "MT0207",
        $"The database differs from the migrations: {drift} unexpected drift, {security} security differences (FailOnDrift=true). Details: {report}",
        "Review the report; apply the script (or generate the align migration: -t:NewMigration -p:MigrationTemplate=align), or change the migrations.");

    public static MigrationTasksException NoDiffForAlign(string diffJson, string? reason = null) => new(
        "MT0208",
        reason is null
            ? $"The align template needs the report of a diff ({diffJson}), and there is none."
            : $"The align template cannot read the diff report {diffJson}: {reason}.",
        "Run dotnet msbuild -t:Diff first (NewMigration with MigrationTemplate=align runs it for you), then generate the migration again.",
        diffJson);
}
