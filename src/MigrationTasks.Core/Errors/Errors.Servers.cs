namespace MigrationTasks.Errors;

public static partial class Errors
{
    public static MigrationTasksException NoServerAvailable(string tried) => new(
        "MT0101",
        $"No PostgreSQL server is available for an ephemeral database ({tried}).",
        "Install the PostgreSQL 15 server (Debian/Ubuntu: apt-get install postgresql-15; macOS: brew install postgresql@15), " +
        "or set PostgresBinDirectory to its bin folder, or start Docker, or give an existing server's URL in the environment.");

    public static MigrationTasksException BinariesNotFound(string directory, string missing) => new(
        "MT0102",
        $"The PostgreSQL folder '{directory}' does not hold {missing}.",
        "Set PostgresBinDirectory to the bin folder of a PostgreSQL server installation (one that holds initdb, pg_ctl and postgres).");

    public static MigrationTasksException InitdbFailed(string output) => new(
        "MT0103",
        $"initdb failed to create the ephemeral cluster: {output}",
        "Check that the temporary folder is writable (by the 'postgres' user when running as root) and has free space.");

    public static MigrationTasksException ServerStartFailed(string logTail) => new(
        "MT0104",
        $"The ephemeral PostgreSQL server did not start: {logTail}",
        "Read the server log above; check free memory, shared memory limits and that the binaries match this machine.");

    public static MigrationTasksException PortInUse(int port) => new(
        "MT0105",
        $"Port {port} on 127.0.0.1 is already in use, so the ephemeral server cannot listen there.",
        "Leave the port unset (0) to pick a free port, or free the port.");

    public static MigrationTasksException NoPostgresUser() => new(
        "MT0106",
        "Running as root, but there is no 'postgres' system user to run the ephemeral server as (PostgreSQL refuses to run as root).",
        "Create one (useradd --system --home /var/lib/postgresql postgres), install the Debian postgresql package which creates it, or run as a normal user.");

    public static MigrationTasksException ContainerFailed(string image, string reason, Exception? inner = null) => new(
        "MT0107",
        $"The PostgreSQL container '{image}' could not be started: {reason}",
        "Check that Docker is running and the image can be pulled, or install PostgreSQL binaries locally.",
        inner: inner);
}
