namespace MigrationTasks.Security.Emulation;

/// <summary>
/// What PostgREST knows about a request before it runs it: the HTTP method and path (exposed as
/// <c>request.method</c> and <c>request.path</c>), the schema it targets (first on <c>search_path</c>), and
/// whether the transaction is READ ONLY (GET and HEAD, and RPC calls of STABLE or IMMUTABLE functions).
/// </summary>
public sealed record ApiRequest(string Method, string Path, string Schema, bool ReadOnly)
{
    public static ApiRequest Select(string schema, string relation) => new("GET", "/" + relation, schema, ReadOnly: true);

    public static ApiRequest Insert(string schema, string relation) => new("POST", "/" + relation, schema, ReadOnly: false);

    public static ApiRequest Update(string schema, string relation) => new("PATCH", "/" + relation, schema, ReadOnly: false);

    public static ApiRequest Delete(string schema, string relation) => new("DELETE", "/" + relation, schema, ReadOnly: false);

    /// <summary>POST /rpc/name; READ ONLY when the function is STABLE or IMMUTABLE, as PostgREST does.</summary>
    public static ApiRequest Rpc(string schema, string function, bool readOnly) => new("POST", "/rpc/" + function, schema, readOnly);

    /// <summary>Any SQL a test wants to run as a persona (a read-write POST, schema public).</summary>
    public static ApiRequest Sql(string schema = "public") => new("POST", "/sql", schema, ReadOnly: false);
}
