namespace MigrationTasks.Errors;

public static partial class Errors
{
    public static MigrationTasksException WorkloadNotFound(string path) => new(
        "MT0701",
        $"The workload file '{path}' does not exist.",
        "Write the application's common queries there (see supabase/tests/workload.sql for the format), or point Workload at the file.",
        file: path);

    public static MigrationTasksException WorkloadSyntax(string problem, string file, int line) => new(
        "MT0702",
        $"The workload file is not valid: {problem}.",
        "Each query is a '-- @query <name>' block with optional '-- @role' and '-- @user' lines and one statement ending with ';'; parameters come from one '-- @parameters' query ending with \\gset and are read as :'name'.",
        file, line);

    public static MigrationTasksException WorkloadParametersFailed(string problem, string file, int line) => new(
        "MT0703",
        $"The workload's parameters query did not give one row of parameters: {problem}.",
        "Make it a single SELECT that returns exactly one row, one column per parameter, on the database being analysed.",
        file, line);

    public static MigrationTasksException WorkloadUnknownParameter(string name, IEnumerable<string> known, string file, int line) => new(
        "MT0704",
        $"The workload reads the parameter :'{name}', which the parameters query does not return (it returns: {string.Join(", ", known.Order(StringComparer.Ordinal))}).",
        "Add a column of that name to the '-- @parameters' query, or fix the name.",
        file, line);

    public static MigrationTasksException WorkloadQueryFailed(string query, string sqlState, string message, string file, int line) => new(
        "MT0705",
        $"The workload query '{query}' failed on the analysed database: {sqlState}: {message}.",
        "Fix the query (it must be a read-only SELECT that runs on the migrated schema, as its role); nothing was changed.",
        file, line);

    public static MigrationTasksException WorkloadRoleUnusable(string role, string database, string message) => new(
        "MT0706",
        $"The workload runs queries as the API role '{role}', and {database} does not let the connecting user take it: {message}.",
        "Connect as a user that is a member of anon, authenticated and service_role (Supabase's postgres is), or drop the query's '-- @role' line.");

    public static MigrationTasksException AnalyzeOnProduction() => new(
        "MT0707",
        "AnalyzeIndexes does not run on production: it creates and drops trial indexes and runs the workload many times.",
        "Run it on the migrated staging clone (-p:Database=staging) or, with nothing configured, on the bundled sample.");

    public static MigrationTasksException IndexAnalysisMissing(string path, string problem) => new(
        "MT0708",
        $"The indexes template needs the index analysis '{path}', which {problem}.",
        "Run dotnet msbuild -t:AnalyzeIndexes [-p:Database=staging] first; it writes that file.",
        file: path);

    public static MigrationTasksException NoVerifiedIndexes(string path) => new(
        "MT0709",
        "The index analysis kept no index: no proposal made a workload query faster, so there is no migration to write.",
        "Read the analysis report beside it (report.md) for the findings and why each proposal was dropped.",
        file: path);
}

/// <summary>Codes of MT07xx warnings (warnings do not stop the run).</summary>
public static class IndexWarnings
{
    /// <summary>The workload's tables are too small for the analysis to mean much.</summary>
    public const string SmallTables = "MT0710";

    /// <summary>Trial indexes left by an interrupted analysis were dropped.</summary>
    public const string LeftoverProbes = "MT0711";

    /// <summary>The analysed database has migrations that are not applied yet.</summary>
    public const string PendingMigrations = "MT0712";

    /// <summary>A proposed index could not be built for its trial; it was skipped.</summary>
    public const string ProbeFailed = "MT0713";
}
