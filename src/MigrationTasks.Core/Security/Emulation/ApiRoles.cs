namespace MigrationTasks.Security.Emulation;

/// <summary>The roles PostgREST works with on Supabase.</summary>
public static class ApiRoles
{
    /// <summary>Requests without a user (the anon key, or no JWT at all).</summary>
    public const string Anon = "anon";

    /// <summary>Signed-in users (also anonymous sign-ins, told apart by the <c>is_anonymous</c> claim).</summary>
    public const string Authenticated = "authenticated";

    /// <summary>The service key: BYPASSRLS, for servers and webhooks.</summary>
    public const string ServiceRole = "service_role";

    /// <summary>The role PostgREST logs in as (NOINHERIT); it only switches into the three API roles.</summary>
    public const string Authenticator = "authenticator";

    /// <summary>The roles a request can run as, in the order reports list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Anon, Authenticated, ServiceRole];
}
