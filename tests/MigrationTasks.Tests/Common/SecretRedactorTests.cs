using MigrationTasks.Common;

namespace MigrationTasks.Tests.Common;

[TestClass]
public sealed class SecretRedactorTests
{
    [TestMethod]
    public void MasksEverySecretAndTheirUrlEncodedForms()
    {
        var redactor = new SecretRedactor();
        redactor.Register("a b/c");
        Assert.AreEqual("x *** y ***", redactor.Redact("x a b/c y a%20b%2Fc"));
    }

    [TestMethod]
    public void TheMaskHasAFixedLengthSoTheSecretsLengthDoesNotLeak()
    {
        var redactor = new SecretRedactor();
        redactor.Register("short1");
        redactor.Register("a-much-longer-secret");
        Assert.AreEqual(redactor.Redact("short1"), redactor.Redact("a-much-longer-secret"));
    }

    [TestMethod]
    public void IgnoresTrivialValuesThatWouldShredTheLog()
    {
        var redactor = new SecretRedactor();
        redactor.Register("a");
        redactor.Register("");
        redactor.Register(null);
        Assert.AreEqual("a normal line", redactor.Redact("a normal line"));
    }
}
