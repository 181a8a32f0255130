using MigrationTasks.Tests.Infrastructure;
using Tomlyn;
using Tomlyn.Model;

namespace MigrationTasks.Tests.Supabase;

/// <summary><c>supabase/config.toml</c> is a Supabase CLI config for a PostgreSQL 15 project with a pooler section.</summary>
[TestClass]
public sealed class ConfigTomlTests
{
    [TestMethod]
    public void ItIsASupabaseCliConfigForPostgres15WithAPoolerSection()
    {
        var config = TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(Path.Combine(TestTemplates.SupabaseDirectory, "config.toml")))!;

        Assert.AreEqual("trvl-social", config["project_id"]);
        var db = (TomlTable)config["db"];
        Assert.AreEqual(15L, db["major_version"]);
        var pooler = (TomlTable)db["pooler"];
        Assert.AreEqual("transaction", pooler["pool_mode"]);
        Assert.IsTrue(pooler.ContainsKey("default_pool_size") && pooler.ContainsKey("max_client_conn") && pooler.ContainsKey("port"));
        CollectionAssert.Contains(((TomlArray)((TomlTable)config["api"])["schemas"]).ToList(), "public");
    }
}
