using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Errors;
using Npgsql;

namespace MigrationTasks.Tests.Connections;

[TestClass]
public sealed class DatabaseConnectionTests
{
    [TestMethod]
    public void ParsesASupabaseStyleUrlWithAnEncodedPassword()
    {
        var connection = DatabaseConnection.Parse("postgresql://postgres.abcd:p%40ss%3Aw%2Ford@aws-0-eu-central-1.pooler.supabase.com:5432/postgres?sslmode=require&application_name=mt", "test");

        Assert.AreEqual("postgres.abcd", connection.Username);
        Assert.AreEqual("p@ss:w/ord", connection.Password);
        Assert.AreEqual("aws-0-eu-central-1.pooler.supabase.com", connection.Host);
        Assert.AreEqual(5432, connection.Port);
        Assert.AreEqual("postgres", connection.Database);
        Assert.AreEqual(SslMode.Require, new NpgsqlConnectionStringBuilder(connection.ConnectionString).SslMode);
        Assert.AreEqual("postgres.abcd@aws-0-eu-central-1.pooler.supabase.com:5432/postgres", connection.Describe());
    }

    [TestMethod]
    public void ParsesIpv6AndDefaultsThePort()
    {
        var connection = DatabaseConnection.Parse("postgres://app@[::1]/db", "test");
        Assert.AreEqual("::1", connection.Host);
        Assert.AreEqual(5432, connection.Port);
        Assert.AreEqual("app@[::1]:5432/db", connection.Describe());
    }

    [TestMethod]
    public void AcceptsAnNpgsqlConnectionString()
    {
        var connection = DatabaseConnection.Parse("Host=db.example;Port=6543;Username=app;Password=s3cret;Database=prod", "test");
        Assert.AreEqual("db.example", connection.Host);
        Assert.AreEqual(6543, connection.Port);
        Assert.AreEqual("s3cret", connection.Password);
    }

    [TestMethod]
    public void NeitherToStringNorRedactedShowThePassword()
    {
        var connection = DatabaseConnection.Parse("postgres://app:TopSecret99@db:5432/prod", "test");
        Assert.DoesNotContain("TopSecret99", connection.ToString());
        Assert.DoesNotContain("TopSecret99", connection.Redacted);
        Assert.Contains("Password=***", connection.Redacted);
    }

    [TestMethod]
    public void ThePasswordReachesChildProcessesThroughTheEnvironment()
    {
        var environment = DatabaseConnection.Parse("postgres://app:pw123@db:5433/prod?sslmode=verify-full", "test").LibpqEnvironment();
        Assert.AreEqual("pw123", environment["PGPASSWORD"]);
        Assert.AreEqual("5433", environment["PGPORT"]);
        Assert.AreEqual("verify-full", environment["PGSSLMODE"]);
        Assert.IsNull(environment["PGSERVICEFILE"], "a user's service file must not redirect the connection");
    }

    [TestMethod]
    [DataRow("", "it is empty")]
    [DataRow("just some text", "neither a postgres:// URL")]
    [DataRow("postgres://app:pw@db:99999/x", "port is not a number")]
    [DataRow("postgres://app:pw@db/x?weird=1", "'weird' is not supported")]
    [DataRow("postgres://app:pw@h1,h2/x", "several hosts")]
    [DataRow("Host=db;Bogus Setting=secretvalue", "invalid setting")]
    public void InvalidInputIsACodedErrorThatNeverEchoesTheValue(string value, string reason)
    {
        var error = Assert.ThrowsExactly<MigrationTasksException>(() => DatabaseConnection.Parse(value, "the environment variable X"));
        Assert.AreEqual("MT0011", error.Code);
        Assert.Contains(reason, error.Message);
        Assert.Contains("the environment variable X", error.Message);
        Assert.DoesNotContain("secretvalue", error.ToString());
        Assert.DoesNotContain(":pw@", error.ToString());
    }

    [TestMethod]
    public void RegisteredSecretsAreMaskedInAnyText()
    {
        var redactor = new SecretRedactor();
        var connection = DatabaseConnection.Parse("postgres://app:p%40ss-word@db/prod", "test");
        connection.RegisterSecrets(redactor);

        var text = redactor.Redact("failed: postgres://app:p%40ss-word@db/prod and p@ss-word again");
        Assert.DoesNotContain("p@ss-word", text);
        Assert.DoesNotContain("p%40ss-word", text);
        Assert.Contains("***", text);
    }
}
