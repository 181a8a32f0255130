namespace MigrationTasks.Errors;

public static partial class Errors
{
    public static MigrationTasksException TransactionPoolerRefused(string database, string purpose, string evidence) => new(
        "MT0720",
        $"{database} is a transaction-mode connection pooler ({evidence}), and {purpose} needs a session of its own: session settings, advisory locks, prepared statements and statements that cannot run in a transaction do not survive from one transaction to the next there. Nothing was done.",
        "Use the direct connection or a session-mode pooler (on Supabase: db.<ref>.supabase.co:5432, or the session pooler on port 5432). If this endpoint is not a transaction pooler, remove it from TransactionPoolers.");

    public static MigrationTasksException PoolSettingInvalid(string property, int value, string expected) => new(
        "MT0721",
        $"The pool setting {property} is {value}, which cannot size a pool.",
        $"Set {property} to {expected}.");

    public static MigrationTasksException PoolSettingMissing(string property, string expected) => new(
        "MT0722",
        $"ConfigurePooler needs {property}: the pool size is computed from it.",
        $"Pass -p:{property}=<n>: {expected}.");

    public static MigrationTasksException ConfigTomlNotFound(string path) => new(
        "MT0723",
        $"The Supabase configuration '{path}' does not exist.",
        "Run it in a Supabase project (supabase init writes supabase/config.toml), or set SupabaseDirectory.",
        file: path);

    public static MigrationTasksException ConfigTomlInvalid(string path, int line, int column, string problem) => new(
        "MT0724",
        $"'{Path.GetFileName(path)}' is not valid TOML: {problem}. Nothing was written.",
        "Fix the file (the Supabase CLI cannot read it either), then run again.",
        path, line, column);

    public static MigrationTasksException ConfigTomlPoolerUneditable(string path, int line, string form) => new(
        "MT0725",
        $"'{Path.GetFileName(path)}' defines the pooler settings as {form}, which ConfigurePooler does not rewrite. Nothing was written.",
        "Write them as a [db.pooler] table with one key per line (as supabase init does), then run again.",
        path, line);

    public static MigrationTasksException TransactionPoolerListInvalid(string entry) => new(
        "MT0726",
        $"'{entry}' in TransactionPoolers is not an endpoint.",
        "List endpoints as host:port or *:port (any host), separated by spaces or '|': -p:TransactionPoolers=\"pgbouncer.internal:6432|*:6543\".");
}
