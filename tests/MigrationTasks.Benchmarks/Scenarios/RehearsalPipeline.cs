namespace MigrationTasks.Benchmarks;

/// <summary>Whether the rehearsal pipeline (issue 10: MigrationTasks.Rehearsal in the engine) is part of this build.</summary>
internal static class RehearsalPipeline
{
    public const string NotLanded = "Rehearse pipeline not landed";

    public static bool Landed { get; } =
        typeof(Catalog.CatalogReader).Assembly.GetType("MigrationTasks.Rehearsal.RehearsalRunner") is not null;
}
