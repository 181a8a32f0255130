using MigrationTasks.Security;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Security;

/// <summary>The repository's policy matrix, acceptances and config, as VerifyPolicies reads them.</summary>
internal static class SampleMatrix
{
    public static string Folder => Path.Combine(TestPaths.RepositoryRoot, "supabase", "tests");

    public static string MatrixFile => Path.Combine(Folder, "policies.yaml");

    public static string AcceptanceFile => Path.Combine(Folder, "lint-accepted.yaml");

    public static string ConfigFile => Path.Combine(TestPaths.RepositoryRoot, "supabase", "config.toml");

    public static PolicyVerificationOptions Options(bool requireFullCoverage = false) => new()
    {
        MatrixFile = MatrixFile,
        AcceptanceFile = AcceptanceFile,
        ConfigFile = ConfigFile,
        RequireFullCoverage = requireFullCoverage,
        Target = "test database",
    };

    /// <summary>
    /// What aligning the sample production's security drift does (supabase/README.md, drift 2, 4, 6, 7 and 8): what
    /// the align migration generated from the diff will do on a real clone.
    /// </summary>
    public const string SecurityAlignment = """
        alter policy "Authors update their reviews" on public.reviews
          using (author_id = (select auth.uid())) with check (author_id = (select auth.uid()));
        alter table public.follows enable row level security;
        revoke execute on function public.create_booking(uuid, daterange, integer) from anon;
        alter view public.adventure_cards set (security_invoker = true);
        create index bookings_adventure_id_idx on public.bookings (adventure_id);
        """;

    /// <summary>The cases the sample production's drift breaks (drift 4, 6 and 7).</summary>
    public static readonly string[] DriftCases =
    [
        "A review cannot be handed to someone else as traveller",
        "Users follow as themselves only as vendor",
        "Users follow as themselves only as other_vendor",
        "Users follow as themselves only as admin",
        "Users unfollow as themselves only as vendor",
        "Users unfollow as themselves only as other_vendor",
        "Users unfollow as themselves only as admin",
        "create_booking books for the signed-in caller at the adventure's price as anon",
    ];
}
