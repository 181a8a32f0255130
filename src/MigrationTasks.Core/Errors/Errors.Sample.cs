namespace MigrationTasks.Errors;

public static partial class Errors
{
    public static MigrationTasksException LayerOnSupabase(string detail) => new(
        "MT0901",
        $"The Supabase compatibility layer refused to run: {detail}.",
        "Do not run supabase/sample/supabase_layer.sql (or the sample production) on Supabase: the roles, auth schema and functions already exist there.");

    public static MigrationTasksException LayerNeedsPostgres15(string detail) => new(
        "MT0902",
        $"The Supabase compatibility layer refused to run: {detail}.",
        "Use a PostgreSQL 15 or newer server, as Supabase does.");

    public static MigrationTasksException SampleSettingInvalid(string detail) => new(
        "MT0903",
        $"Invalid sample setting: {detail}.",
        "The scale is a whole number from 1 to 1000 (about 100,000 rows each); the seed a whole number of at most 9 digits (default 42).");

    public static MigrationTasksException SampleDatabaseNotEmpty(string detail) => new(
        "MT0904",
        $"The sample production was not built: {detail}.",
        "Build it in a new, empty database (createdb); nothing was changed.");

    public static MigrationTasksException SampleScriptMissing(string path) => new(
        "MT0905",
        $"The sample production script '{path}' does not exist.",
        "Point SupabaseDirectory at the folder that holds sample/production.sql (the repository's supabase/ folder).");

    public static MigrationTasksException SampleNeedsPsql(string why) => new(
        "MT0906",
        $"The sample production is built with psql, which is not available: {why}.",
        "Install the PostgreSQL client (Debian/Ubuntu: apt-get install postgresql-client-15; macOS: brew install libpq), or set PostgresBinDirectory.");
}
