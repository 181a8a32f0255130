namespace MigrationTasks.Errors;

/// <summary>MT05xx: the v1 to v3 mapping spec, the data and cleanup migrations, validation.</summary>
public static partial class Errors
{
    /// <summary>Warning: a source column is neither used by an expression nor listed under <c>dropped</c>.</summary>
    public const string UnmappedSourceColumnWarning = "MT0513";

    /// <summary>Warning: Validate -p:Phase=after found no before snapshot (or one for another spec or database).</summary>
    public const string BeforeSnapshotWarning = "MT0523";

    public static MigrationTasksException SpecNotFound(string path) => new(
        "MT0501",
        $"The mapping spec '{path}' does not exist.",
        "Set DataMappingSpec to the YAML file (default supabase/v1_to_v3.yaml).",
        file: path);

    public static MigrationTasksException SpecSyntax(string file, int line, int column, string detail) => new(
        "MT0502",
        $"The mapping spec is not valid YAML: {detail}",
        "Fix the YAML at the line given (indentation, a missing colon, an unclosed quote); nothing was run.",
        file, line, column);

    public static MigrationTasksException SpecShape(string file, int line, int column, string detail) => new(
        "MT0503",
        $"The mapping spec has a problem: {detail}",
        "Fix the entry at the line given; supabase/v1_to_v3.schema.json lists every key (editors with YAML support show it as you type). Nothing was run.",
        file, line, column);

    public static MigrationTasksException SpecDuplicateName(string file, int line, string kind, string name, int firstLine) => new(
        "MT0504",
        $"The mapping spec declares the {kind} '{name}' twice (first at line {firstLine}).",
        "Give each one its own name; nothing was run.",
        file, line);

    public static MigrationTasksException SpecUnknownName(string file, int line, string kind, string name, string known) => new(
        "MT0505",
        $"The mapping spec refers to the {kind} '{name}', which it does not declare (declared: {known}).",
        "Use one of the declared names, or declare it; nothing was run.",
        file, line);

    public static MigrationTasksException SpecCycle(string file, int line, string chain) => new(
        "MT0506",
        $"The mappings reference each other in a cycle, so there is no foreign-key order to load them in: {chain}.",
        "Break the cycle: load one side with the reference left NULL (required: false) and fill it in a later mapping, or drop the reference; nothing was run.",
        file, line);

    public static MigrationTasksException SpecUnknownTable(string file, int line, int column, string table, string role) => new(
        "MT0507",
        $"The {role} table {table} does not exist in the database the spec is checked against.",
        "Check the schema and table name (schema-qualified, e.g. public.v1_users); for a target added by a pending migration, apply it first or check against the sample (no -p:Database). Nothing was run.",
        file, line, column);

    public static MigrationTasksException SpecUnknownColumn(string file, int line, int column, string table, string name, string available) => new(
        "MT0508",
        $"{table} has no column '{name}' (it has: {available}).",
        "Fix the column name in the spec; nothing was run.",
        file, line, column);

    public static MigrationTasksException SpecBadExpression(string file, int line, int column, string what, string detail) => new(
        "MT0509",
        $"PostgreSQL cannot plan {what}: {detail}",
        "Fix the SQL at the line given (PostgreSQL planned it against the real tables, key maps and helper functions, in a transaction that was rolled back); nothing was run.",
        file, line, column);

    public static MigrationTasksException SpecBatchNotPossible(string file, int line, string mapping, string reason) => new(
        "MT0510",
        $"The mapping '{mapping}' asks for key-range batches, but {reason}.",
        "Remove batch_size from this mapping (it then loads in one statement), or rewrite the expression so each row depends only on itself; nothing was run.",
        file, line);

    public static MigrationTasksException SpecNoArbiter(string file, int line, string table, string columns) => new(
        "MT0511",
        $"{table} has no primary key or unique index on ({columns}), so INSERT ... ON CONFLICT cannot make the load idempotent.",
        "Map a column set that has a unique index (usually the primary key), or add one in a schema migration first; nothing was run.",
        file, line);

    public static MigrationTasksException SpecRequiredColumn(string file, int line, string table, string columns) => new(
        "MT0512",
        $"{table} has NOT NULL column(s) without a default that the mapping does not fill: {columns}.",
        "Map them (an expression, a key or a reference), or give them a default in a schema migration; nothing was run.",
        file, line);

    public static MigrationTasksException CleanupWouldDropV3(string file, int line, string legacyObject, string dependents) => new(
        "MT0514",
        $"Dropping {legacyObject} would also drop objects that are not v1 leftovers: {dependents}.",
        "Remove the dependency in a v3 migration first (or add the object to the spec's legacy list if it really is v1); no cleanup was written.",
        file, line);

    public static MigrationTasksException CleanupUnknownFunction(string file, int line, string signature, string found) => new(
        "MT0515",
        $"The legacy function {signature} does not exist with that exact signature ({found}).",
        "Write the argument types exactly as the database has them (pg_get_function_identity_arguments), so the right overload is dropped; no cleanup was written.",
        file, line);

    public static MigrationTasksException DataMigrationNoRlsBypass(string role, string tables) => new(
        "MT0520",
        $"The role {role} neither bypasses row-level security nor owns {tables}: the data migration and its validation would see or write only the rows the policies allow.",
        "Run as the migration role (on Supabase: postgres, which has BYPASSRLS), or as the tables' owner.");

    public static MigrationTasksException ValidationFailed(string summary, string report) => new(
        "MT0521",
        $"Validation failed: {summary}",
        $"The report says what differs, table by table, with keys and columns: {report}. The release gate stays closed until every check passes.");

    public static MigrationTasksException ValidationSourceMissing(string database, string tables) => new(
        "MT0522",
        $"The v1 source tables the spec maps are missing in {database}: {tables}.",
        "Validate after the data migration and before the cleanup migration (which drops the v1 tables), or point -p:Database at the database that still has them.");
}
