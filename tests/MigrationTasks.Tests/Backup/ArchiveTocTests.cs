using MigrationTasks.Backup;
using MigrationTasks.Integrity;

namespace MigrationTasks.Tests.Backup;

[TestClass]
public sealed class ArchiveTocTests
{
    private const string Listing = """
        ;
        ; Archive created at 2026-11-24 19:07:43 UTC
        ;     dbname: a
        ;     TOC Entries: 14
        ;
        5; 2615 16386 SCHEMA - auth supabase_auth_admin
        3355; 0 0 COMMENT - SCHEMA auth supabase_auth_admin
        3; 3079 16385 EXTENSION - pgcrypto 
        3356; 0 0 COMMENT - EXTENSION pgcrypto 
        215; 1259 16387 TABLE auth users supabase_auth_admin
        216; 1259 16394 TABLE public profiles postgres
        3347; 0 16387 TABLE DATA auth users supabase_auth_admin
        3349; 0 16390 TABLE DATA auth schema_migrations supabase_auth_admin
        3348; 0 16394 TABLE DATA public profiles postgres
        3202; 2606 16393 CONSTRAINT auth users users_pkey supabase_auth_admin
        3346; 3256 16397 POLICY auth users Users see themselves postgres
        3350; 2620 16398 TRIGGER auth users on_auth_user_created postgres
        3351; 2620 16399 TRIGGER auth users audit supabase_auth_admin
        3345; 0 16387 ROW SECURITY auth users supabase_auth_admin
        """;

    [TestMethod]
    public void ParsesDescriptionsNamespacesAndTags()
    {
        var toc = ArchiveToc.Parse(Listing);

        Assert.HasCount(14, toc.Entries);
        Assert.AreEqual("auth", toc.Entries[0].SchemaName);
        Assert.AreEqual("auth", toc.Entries[1].SchemaTarget);
        var data = toc.Entries.Single(e => e.DumpId == 3347);
        Assert.AreEqual(("TABLE DATA", "auth", "users supabase_auth_admin"), (data.Description, data.Namespace, data.Rest));
        Assert.IsTrue(data.IsData);
        Assert.AreEqual("ROW SECURITY", toc.Entries[^1].Description);
    }

    [TestMethod]
    public void ADataOnlySchemaKeepsRowsAndTheMissingTriggersAndPolicies()
    {
        var plan = new RestorePlan
        {
            NotEmptyBecause = [],
            SchemasToDrop = [],
            PublicObjectDrops = [],
            DataOnlySchemas = ["auth"],
            TablesToTruncate = [],
            SchemasToCreate = [],
            SkippedTables = [new TableName("auth", "schema_migrations")],
            SchemasRemaining = new HashSet<string> { "auth", "public" },
            ExistingExtensions = new HashSet<string> { "pgcrypto" },
            ExistingTriggersAndPolicies = new HashSet<string> { "users audit" },
        };

        var kept = plan.FilterToc(ArchiveToc.Parse(Listing))!.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(';')).Select(l => int.Parse(l.Split(';')[0])).ToArray();

        CollectionAssert.AreEquivalent(new[] { 216, 3347, 3348, 3346, 3350 }, kept);
    }

    [TestMethod]
    public void NothingToFilterGivesNoList()
    {
        var plan = new RestorePlan
        {
            NotEmptyBecause = [],
            SchemasToDrop = [],
            PublicObjectDrops = [],
            DataOnlySchemas = [],
            TablesToTruncate = [],
            SchemasToCreate = [],
            SkippedTables = [],
            SchemasRemaining = new HashSet<string> { "public" },
            ExistingExtensions = new HashSet<string>(),
            ExistingTriggersAndPolicies = new HashSet<string>(),
        };

        Assert.IsNull(plan.FilterToc(ArchiveToc.Parse(Listing)));
    }
}
