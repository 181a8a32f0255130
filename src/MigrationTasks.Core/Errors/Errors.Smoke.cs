namespace MigrationTasks.Errors;

/// <summary>MT0850-MT0869: smoke flows (supabase/tests/smoke.yaml); MT0870-MT0879: the migration plan.</summary>
public static partial class Errors
{
    /// <summary>The code of <see cref="SmokePersonaUserNotFound"/>: a flow whose persona has no user fails, the run goes on.</summary>
    public const string SmokePersonaUserNotFoundCode = "MT0855";

    public static MigrationTasksException SmokeFileMissing(string path) => new(
        "MT0850",
        $"The smoke file '{path}' does not exist.",
        "Write supabase/tests/smoke.yaml (see the README's Smoke section), or point SmokeFile at yours.",
        file: path);

    public static MigrationTasksException SmokeYamlSyntax(string file, int line, int column, string detail) => new(
        "MT0851",
        $"'{Path.GetFileName(file)}' is not valid YAML at line {line}, column {column}: {detail}",
        "Fix the YAML (indentation, quotes, a ':' after each key); nothing ran.",
        file, line, column);

    public static MigrationTasksException SmokeFileInvalid(string file, int line, int column, string detail) => new(
        "MT0852",
        $"'{Path.GetFileName(file)}' line {line}: {detail}",
        "Fix the smoke file as the README's Smoke section describes; nothing ran.",
        file, line, column);

    public static MigrationTasksException SmokeUnknownPersona(string file, int line, int column, string persona, string known) => new(
        "MT0853",
        $"'{Path.GetFileName(file)}' line {line}: the step runs as '{persona}', which is not a persona of the file (personas: {known}).",
        "Use one of the personas, or add it under personas:.",
        file, line, column);

    public static MigrationTasksException SmokeUnknownPlaceholder(string file, int line, int column, string name) => new(
        "MT0854",
        $"'{Path.GetFileName(file)}' line {line}: {{{{{name}}}}} is not known here.",
        "Use a value from values:, <persona>.id / <persona>.email of a signed-in persona, or a name an earlier step of the same flow saves (save:).",
        file, line, column);

    public static MigrationTasksException SmokePersonaUserNotFound(string file, int line, string persona, string detail) => new(
        SmokePersonaUserNotFoundCode,
        $"'{Path.GetFileName(file)}' line {line}: no user for the persona '{persona}': {detail}.",
        "The persona's user query must return exactly one auth.users row (with an id) on this database; adjust the query (order by ... limit 1).",
        file, line);

    public static MigrationTasksException SmokeFlowsFailed(int failed, int total, string names, string report) => new(
        "MT0856",
        $"{failed} of {total} smoke flows failed: {names}. Report: {report}",
        "Read each failed step in the report (expected, actual, the statement); every flow was rolled back, so the database is as it was.");

    public static MigrationTasksException PlanReceiptUnreadable(string file, string detail) => new(
        "MT0870",
        $"The rehearsal receipt '{file}' cannot be read: {detail}.",
        "Run dotnet msbuild -t:Rehearse again, or delete the broken rehearsal folder; the plan then says which steps are not rehearsed.",
        file: file);
}
