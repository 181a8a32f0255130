using System.Text.Json.Nodes;

namespace MigrationTasks.Security.Emulation;

/// <summary>
/// Who makes an API request: the database role PostgREST switches to and the JWT claims it exposes in
/// <c>request.jwt.claims</c>. Signed-in users carry the claims Supabase Auth (GoTrue) puts in an access token:
/// <c>sub</c>, <c>aud</c>, <c>role</c>, <c>email</c>, <c>phone</c>, <c>app_metadata</c>, <c>user_metadata</c>,
/// <c>is_anonymous</c>, <c>aal</c>, <c>amr</c>, <c>session_id</c>, <c>iss</c>, <c>iat</c>, <c>exp</c>.
/// </summary>
public sealed class ApiPersona
{
    private readonly JsonObject _claims;

    private ApiPersona(string name, string role, Guid? userId, string? email, JsonObject claims)
    {
        Name = name;
        Role = role;
        UserId = userId;
        Email = email;
        _claims = claims;
    }

    /// <summary>The persona's name in the matrix (anon, traveller, ...).</summary>
    public string Name { get; }

    /// <summary>The database role the request runs as.</summary>
    public string Role { get; }

    /// <summary>The signed-in user's id (the <c>sub</c> claim), or null.</summary>
    public Guid? UserId { get; }

    public string? Email { get; }

    /// <summary>The claims object exactly as <c>request.jwt.claims</c> gets it (PostgREST always adds <c>role</c>).</summary>
    public string ClaimsJson => _claims.ToJsonString();

    /// <summary>The anon key: <c>{"role":"anon", "iss", "iat", "exp"}</c>.</summary>
    public static ApiPersona Anonymous(string name = ApiRoles.Anon) => Key(name, ApiRoles.Anon);

    /// <summary>The service key: <c>{"role":"service_role", ...}</c>; the role bypasses RLS.</summary>
    public static ApiPersona Service(string name = ApiRoles.ServiceRole) => Key(name, ApiRoles.ServiceRole);

    /// <summary>An API key's token for any role (PostgREST switches to the role in the claim).</summary>
    public static ApiPersona Key(string name, string role)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new ApiPersona(name, role, null, null, new JsonObject
        {
            ["iss"] = "supabase",
            ["role"] = role,
            ["iat"] = now,
            ["exp"] = now + 3600,
        });
    }

    /// <summary>
    /// A signed-in user's access token, built from the user's <c>auth.users</c> row as GoTrue builds it:
    /// <c>raw_app_meta_data</c> becomes <c>app_metadata</c>, <c>raw_user_meta_data</c> becomes <c>user_metadata</c>.
    /// <paramref name="extraClaims"/> are merged over the result (objects merged, other values replaced).
    /// </summary>
    public static ApiPersona User(string name, Guid id, string? email, string? phone = null, JsonObject? appMetadata = null,
        JsonObject? userMetadata = null, bool isAnonymous = false, string role = ApiRoles.Authenticated, JsonObject? extraClaims = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = "supabase",
            ["aud"] = "authenticated",
            ["sub"] = id.ToString(),
            ["role"] = role,
            ["email"] = email ?? "",
            ["phone"] = phone ?? "",
            ["app_metadata"] = appMetadata?.DeepClone() ?? new JsonObject { ["provider"] = "email", ["providers"] = new JsonArray("email") },
            ["user_metadata"] = userMetadata?.DeepClone() ?? new JsonObject(),
            ["is_anonymous"] = isAnonymous,
            ["aal"] = "aal1",
            ["amr"] = new JsonArray(new JsonObject { ["method"] = isAnonymous ? "anonymous" : "password", ["timestamp"] = now }),
            ["session_id"] = DeterministicSessionId(id).ToString(),
            ["iat"] = now,
            ["exp"] = now + 3600,
        };
        if (extraClaims is not null)
        {
            Merge(claims, extraClaims);
        }

        // The role PostgREST switches to is the role claim, whatever the overrides said.
        var effectiveRole = claims["role"]?.GetValue<string>() ?? role;
        return new ApiPersona(name, effectiveRole, id, email, claims);
    }

    /// <summary>The same persona with more claims merged over its own (objects merged, other values replaced).</summary>
    public ApiPersona WithClaims(JsonObject extraClaims)
    {
        var claims = (JsonObject)_claims.DeepClone();
        Merge(claims, extraClaims);
        var role = claims["role"]?.GetValue<string>() ?? Role;
        return new ApiPersona(Name, role, UserId, Email, claims);
    }

    public override string ToString() => UserId is null ? $"{Name} ({Role})" : $"{Name} ({Role}, {UserId})";

    private static void Merge(JsonObject target, JsonObject extra)
    {
        foreach (var (key, value) in extra)
        {
            if (value is JsonObject extraObject && target[key] is JsonObject targetObject)
            {
                Merge(targetObject, extraObject);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    // A stable session id per user, so reports and reruns show the same claims.
    private static Guid DeterministicSessionId(Guid userId)
    {
        var bytes = userId.ToByteArray();
        Array.Reverse(bytes);
        return new Guid(bytes);
    }
}
