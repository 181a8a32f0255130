namespace MigrationTasks.Errors;

public static partial class Errors
{
    public static MigrationTasksException PolicyFileMissing(string what, string path) => new(
        "MT0601",
        $"The {what} '{path}' does not exist.",
        what == "policy matrix"
            ? "Write supabase/tests/policies.yaml (see the README's VerifyPolicies section) or point PolicyMatrixFile at it."
            : "Create the file or point the property at it.");

    public static MigrationTasksException PolicyFileSyntax(string file, int line, int column, string detail) => new(
        "MT0602",
        $"{Path.GetFileName(file)} is not valid YAML: {detail}",
        "Fix the YAML at the line given (indentation, a missing ':' or an unclosed quote).",
        file, line, column);

    public static MigrationTasksException PolicyFileInvalid(string file, int line, int column, string detail) => new(
        "MT0603",
        $"{Path.GetFileName(file)}: {detail}",
        "Fix the entry at the line given; the README's VerifyPolicies section describes every key.",
        file, line, column);

    public static MigrationTasksException UnknownPersona(string file, int line, int column, string persona, IEnumerable<string> known) => new(
        "MT0604",
        $"{Path.GetFileName(file)}: no persona '{persona}' (personas: {string.Join(", ", known)}).",
        "Use one of the personas, or define it under 'personas:'.",
        file, line, column);

    public static MigrationTasksException UnknownPlaceholder(string file, int line, int column, string name) => new(
        "MT0605",
        $"{Path.GetFileName(file)}: unknown placeholder {{{{{name}}}}}.",
        "Define it under 'values:', or use <persona>.id / <persona>.email of a signed-in persona.",
        file, line, column);

    public static MigrationTasksException PersonaUserNotFound(string file, int line, string persona, string reason) => new(
        "MT0606",
        $"{Path.GetFileName(file)}: the user of persona '{persona}' could not be chosen: {reason}.",
        "The persona's 'user' query must return exactly one row with an 'id' column (select * from auth.users where ...), after the fixtures ran.",
        file, line);

    public static MigrationTasksException FixtureFailed(string file, int line, string sqlState, string message) => new(
        "MT0607",
        $"A fixture statement failed ({sqlState}: {message}); nothing was kept (the transaction was rolled back).",
        "Fix the fixture SQL at the line given; fixtures run as the connecting role at the start of the transaction the cases run in.",
        file, line);

    public static MigrationTasksException ApiRolesMissing(string detail) => new(
        "MT0608",
        $"PostgREST's roles cannot be emulated on this database: {detail}.",
        "Point the connection at a Supabase database, or on plain PostgreSQL run supabase/sample/supabase_layer.sql first (authenticator must be a member of anon, authenticated and service_role).");

    public static MigrationTasksException CannotImpersonate(string user, string roles) => new(
        "MT0609",
        $"The connecting role '{user}' is neither a superuser nor a member of {roles}, so requests cannot be run as those roles.",
        "Connect as the project's postgres role (a member of anon, authenticated and service_role on Supabase) or as a superuser.");

    public static MigrationTasksException PolicyCaseFailed(string file, int line, string caseName, string detail) => new(
        "MT0610",
        $"Policy case failed: '{caseName}': {detail}",
        "A policy, grant or function does not do what the matrix says: fix the database (or the case, if the matrix is wrong). The report shows the SQL that ran.",
        file, line);

    public static MigrationTasksException CoverageGap(string detail) => new(
        "MT0611",
        $"Not covered by any policy case: {detail}.",
        "Add a check for it to the policy matrix, or exclude it under 'coverage: exclude:' with a reason (RequireFullCoverage=true fails on any gap).");

    public static MigrationTasksException LintAcceptanceInvalid(string file, int line, int column, string detail) => new(
        "MT0612",
        $"{Path.GetFileName(file)}: {detail}",
        "Each entry needs 'lint', 'object' (as the report names it) and a non-empty 'reason'.",
        file, line, column);

    public static MigrationTasksException LintFinding(string lint, string level, string detail, string fix) => new(
        "MT0613",
        $"Security lint {lint} ({level}): {detail}",
        string.IsNullOrEmpty(fix) ? "Fix it, or accept it with a reason in the lint acceptance file." : $"Fix: {fix} Or accept it with a reason in the lint acceptance file.");

    public static MigrationTasksException SupabaseConfigInvalid(string file, int line, int column, string detail) => new(
        "MT0614",
        $"{Path.GetFileName(file)}: {detail}",
        "Fix supabase/config.toml at the line given; [api] schemas is a list of schema names.",
        file, line, column);
}
