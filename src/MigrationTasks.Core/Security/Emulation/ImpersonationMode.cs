namespace MigrationTasks.Security.Emulation;

/// <summary>How the emulation becomes the API roles on a given connection.</summary>
public enum ImpersonationMode
{
    /// <summary>
    /// The connection's user is a superuser (a staging clone, an ephemeral server): each request runs under
    /// <c>SET LOCAL SESSION AUTHORIZATION authenticator</c>, then switches to the API role exactly as PostgREST
    /// does. The session user is then PostgREST's, so only the roles <c>authenticator</c> may enter can be entered.
    /// </summary>
    Authenticator,

    /// <summary>
    /// The connection's user is not a superuser but a member of the API roles (Supabase's <c>postgres</c>): the
    /// role is switched with <c>set_config('role', ..., true)</c> directly, as Supabase's own RLS tests do.
    /// </summary>
    MemberRole,
}
