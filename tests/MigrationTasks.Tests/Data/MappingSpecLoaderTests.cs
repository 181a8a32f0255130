using MigrationTasks.Data.Spec;
using MigrationTasks.Errors;

namespace MigrationTasks.Tests.Data;

/// <summary>The spec file on its own (no database): strict YAML, names, references and foreign-key order.</summary>
[TestClass]
public sealed class MappingSpecLoaderTests
{
    [TestMethod]
    public void TheRepositorySpecLoadsInForeignKeyOrder()
    {
        var spec = MappingSpecLoader.Load(SpecFiles.RepositorySpec);

        var order = spec.Mappings.Select(m => m.Name).ToList();
        Assert.HasCount(10, order);
        Assert.IsLessThan(order.IndexOf("vendors"), order.IndexOf("profiles"));
        Assert.IsLessThan(order.IndexOf("bookings"), order.IndexOf("adventures"));
        Assert.IsLessThan(order.IndexOf("payments"), order.IndexOf("bookings"));
        Assert.IsLessThan(order.IndexOf("group_trip_members"), order.IndexOf("group_trips"));
        Assert.AreEqual(64, spec.Sha256.Length);
        Assert.HasCount(8, spec.Legacy.Tables);
        Assert.AreEqual(SpecFiles.LineOf("  - name: bookings"), spec.Mappings.Single(m => m.Name == "bookings").Location.Line);
    }

    [TestMethod]
    public void BrokenYamlIsMT0502AtItsLine()
    {
        var (file, line) = SpecFiles.Variant("    alias: v\n", "    alias: v: w\n");

        var error = Assert.ThrowsExactly<MigrationTasksException>(() => MappingSpecLoader.Load(file));

        Assert.AreEqual(("MT0502", file, line), (error.Code, error.File, error.Line), error.ToString());
    }

    [TestMethod]
    public void AnUnknownKeyIsMT0503AtItsLine()
    {
        var (file, line) = SpecFiles.Variant("    alias: v\n", "    alias: v\n    filter: v.verified = 0\n");

        var error = Assert.ThrowsExactly<MigrationTasksException>(() => MappingSpecLoader.Load(file));

        Assert.AreEqual(("MT0503", line + 1), (error.Code, error.Line), error.ToString());
        Assert.Contains("unknown key 'filter'", error.Message);
    }

    [TestMethod]
    public void AReferenceToAnUndeclaredKeyMapIsMT0505()
    {
        var (file, line) = SpecFiles.Variant("      vendor: { keymap: vendors, key: a.vendor_id }", "      vendor: { keymap: vendorz, key: a.vendor_id }");

        var error = Assert.ThrowsExactly<MigrationTasksException>(() => MappingSpecLoader.Load(file));

        Assert.AreEqual(("MT0505", line), (error.Code, error.Line), error.ToString());
        Assert.Contains("vendorz", error.Message);
    }

    [TestMethod]
    public void ACycleInForeignKeyOrderIsMT0506WithTheChainAndALine()
    {
        // profiles (users) gets a reference to bookings, which references users: profiles -> bookings -> profiles.
        var (file, line) = SpecFiles.Variant("    filters:\n      - when: u.is_deleted", "    references:\n      last_booking: { keymap: bookings, key: u.id, required: false }\n    filters:\n      - when: u.is_deleted");

        var error = Assert.ThrowsExactly<MigrationTasksException>(() => MappingSpecLoader.Load(file));

        Assert.AreEqual("MT0506", error.Code, error.ToString());
        Assert.AreEqual(file, error.File);
        Assert.Contains($"reference 'last_booking' at line {line + 1}", error.Message);
        Assert.Contains($"at line {error.Line})", error.Message, "the error points at one of the references of the cycle");
        Assert.Contains("-> bookings", error.Message);
    }

    [TestMethod]
    public void ADuplicateMappingNameIsMT0504()
    {
        var (file, _) = SpecFiles.Variant("  - name: vendors\n", "  - name: profiles\n");

        var error = Assert.ThrowsExactly<MigrationTasksException>(() => MappingSpecLoader.Load(file));

        Assert.AreEqual("MT0504", error.Code, error.ToString());
    }

    [TestMethod]
    public void AMissingSpecIsMT0501()
    {
        var error = Assert.ThrowsExactly<MigrationTasksException>(() => MappingSpecLoader.Load("/nonexistent/v1_to_v3.yaml"));

        Assert.AreEqual("MT0501", error.Code);
    }
}
