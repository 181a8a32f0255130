using MigrationTasks.Tasks;
using MigrationTasks.Tasks.Infrastructure;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Tasks;

/// <summary>The shared base task, exercised through a hand-written build engine.</summary>
[TestClass]
public sealed class MigrationTaskTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task RehearseReportsBothServersAndLogsNoSecret()
    {
        await using var database = await TestServer.CreateDatabaseAsync(TestTemplate.Supabase);
        using var production = TemporaryVariable.Set(database.Connection.ConnectionString);
        var engine = new FakeBuildEngine();
        var task = new RehearseMigration
        {
            BuildEngine = engine,
            ProductionUrlVariable = production.Name,
            PostgresClusterRoot = TestPaths.ClusterRoot,
            SupabaseDirectory = Path.Combine(TestPaths.RepositoryRoot, "supabase"),
            ArtifactsDirectory = TestPaths.NewFolder("rehearse-task"),
        };

        // A production with nothing but Supabase's own schemas: every migration is pending, and applying them all converges.
        var executed = task.Execute();
        Assert.IsTrue(executed, task.ReportPath is null ? engine.AllText : File.ReadAllText(task.ReportPath));
        Assert.Contains($"production ({database.Connection.Describe()})", engine.AllText);
        Assert.Contains("Staging: local cluster", engine.AllText);
        Assert.IsTrue(task.Passed);
        Assert.IsTrue(File.Exists(task.ReceiptPath));
        Assert.DoesNotContain(database.Connection.Password!, engine.AllText);
    }

    [TestMethod]
    public void AWrongPasswordIsMT0012AndTheWrongPasswordIsNotLogged()
    {
        var bad = TestServer.Server.Connection.With(b => b.Password = "Wrong-Pw-31337");
        using var production = TemporaryVariable.Set($"postgres://{bad.Username}:Wrong-Pw-31337@{bad.Host}:{bad.Port}/postgres");
        var engine = new FakeBuildEngine();
        var task = new RehearseMigration { BuildEngine = engine, ProductionUrlVariable = production.Name };

        Assert.IsFalse(task.Execute());
        Assert.AreEqual("MT0012", engine.Errors.Single().Code, engine.AllText);
        Assert.DoesNotContain("Wrong-Pw-31337", engine.AllText);
    }

    [TestMethod]
    public void AUrlWhereAVariableNameBelongsIsRefusedWithoutEchoingIt()
    {
        var engine = new FakeBuildEngine();
        var task = new RehearseMigration { BuildEngine = engine, ProductionUrlVariable = "postgres://app:Leaky-Pw-1@db/prod" };

        Assert.IsFalse(task.Execute());
        Assert.AreEqual("MT0014", engine.Errors.Single().Code);
        Assert.DoesNotContain("Leaky-Pw-1", engine.AllText);
    }

    [TestMethod]
    public void AnInvalidConnectionValueIsMT0011()
    {
        using var production = TemporaryVariable.Set("not a url");
        var engine = new FakeBuildEngine();
        Assert.IsFalse(new RehearseMigration { BuildEngine = engine, ProductionUrlVariable = production.Name }.Execute());
        Assert.AreEqual("MT0011", engine.Errors.Single().Code);
        Assert.Contains(production.Name, engine.Errors.Single().Message!);
    }

    [TestMethod]
    public void AnUnexpectedExceptionIsMT0001AndRedacted()
    {
        var engine = new FakeBuildEngine();
        var task = new ThrowingTask { BuildEngine = engine };

        Assert.IsFalse(task.Execute());
        Assert.AreEqual("MT0001", engine.Errors.Single().Code);
        Assert.Contains("InvalidOperationException", engine.Errors.Single().Message!);
        Assert.DoesNotContain("Hidden-Secret-9", engine.AllText, "secrets are removed from exception text too");
    }

    [TestMethod]
    public async Task CancellingTheBuildIsMT0002()
    {
        var engine = new FakeBuildEngine();
        var task = new WaitingTask { BuildEngine = engine };
        var run = Task.Run(task.Execute, TestContext.CancellationToken);
        await task.Started.Task;
        task.Cancel();

        Assert.IsFalse(await run);
        Assert.AreEqual("MT0002", engine.Errors.Single().Code);
    }

    [TestMethod]
    public void ACodedErrorCarriesItsFileAndLine()
    {
        var engine = new FakeBuildEngine();
        Assert.IsFalse(new LocatedErrorTask { BuildEngine = engine }.Execute());
        var error = engine.Errors.Single();
        Assert.AreEqual(("MT0013", "spec.yaml", 12), (error.Code, error.File, error.LineNumber));
    }

    [TestMethod]
    [DataRow("PRODUCTION_DATABASE_URL", true)]
    [DataRow("_x1", true)]
    [DataRow("1ABC", false)]
    [DataRow("Host=db;Password=x", false)]
    [DataRow("postgres://x", false)]
    public void VariableNamesAreRecognised(string name, bool valid) => Assert.AreEqual(valid, MigrationTask.IsVariableName(name));

    private sealed class ThrowingTask : MigrationTask
    {
        protected override Task ExecuteCoreAsync(CancellationToken cancellationToken)
        {
            Redactor.Register("Hidden-Secret-9");
            throw new InvalidOperationException("boom near Hidden-Secret-9");
        }
    }

    private sealed class WaitingTask : MigrationTask
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task ExecuteCoreAsync(CancellationToken cancellationToken)
        {
            Started.SetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    private sealed class LocatedErrorTask : MigrationTask
    {
        protected override Task ExecuteCoreAsync(CancellationToken cancellationToken) =>
            throw MigrationTasks.Errors.Errors.InvalidProperty("X", "y", "z").At("spec.yaml", 12);
    }
}

/// <summary>An environment variable with a unique name, removed on dispose (tests run in parallel).</summary>
public sealed class TemporaryVariable : IDisposable
{
    private TemporaryVariable(string name) => Name = name;

    public string Name { get; }

    public static TemporaryVariable Set(string value)
    {
        var variable = new TemporaryVariable($"MT_TEST_{Guid.NewGuid():N}".ToUpperInvariant());
        Environment.SetEnvironmentVariable(variable.Name, value);
        return variable;
    }

    public void Dispose() => Environment.SetEnvironmentVariable(Name, null);
}
