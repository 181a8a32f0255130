using System.Globalization;
using MigrationTasks.Indexes;

namespace MigrationTasks.Templates;

/// <summary>
/// <c>-p:MigrationTemplate=indexes</c>: <c>CREATE INDEX CONCURRENTLY IF NOT EXISTS</c> for every index the last
/// <c>AnalyzeIndexes</c> kept, each with a comment naming the queries it serves and the gain measured on the clone.
/// Reads <c>artifacts/indexes/indexes.json</c> (or <c>-p:MigrationTemplateParameters="analysis=&lt;path&gt;"</c>).
/// </summary>
public sealed class IndexesMigrationTemplate : IMigrationTemplate
{
    public string Name => "indexes";

    public string Description => "CREATE INDEX CONCURRENTLY for the indexes AnalyzeIndexes verified (from artifacts/indexes/indexes.json)";

    /// <summary>Where AnalyzeIndexes writes its analysis, under the artifacts folder.</summary>
    public static string DefaultAnalysisFile(string artifactsDirectory) => Path.Combine(artifactsDirectory, "indexes", "indexes.json");

    public Task<MigrationTemplateModel> BuildModelAsync(MigrationTemplateContext context, CancellationToken cancellationToken)
    {
        var path = context.Parameters.TryGetValue("analysis", out var given) && !string.IsNullOrWhiteSpace(given)
            ? Path.GetFullPath(given)
            : DefaultAnalysisFile(context.ArtifactsDirectory);
        var analysis = IndexAnalysis.Load(path);
        var kept = analysis.Kept.ToList();
        if (kept.Count == 0)
        {
            throw Errors.Errors.NoVerifiedIndexes(path);
        }

        var model = new Dictionary<string, object?>
        {
            ["database"] = analysis.Database,
            ["source"] = analysis.Source,
            ["analyzed_at"] = analysis.AnalyzedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["workload"] = analysis.Workload,
            ["runs"] = analysis.Runs,
            ["minimum_gain_percent"] = Math.Round(analysis.MinimumGain * 100).ToString(CultureInfo.InvariantCulture),
            ["before_ms"] = Number(analysis.BeforeMs),
            ["after_ms"] = Number(analysis.AfterMs),
            ["speedup"] = Number(analysis.Speedup, "0.#"),
            ["indexes"] = kept.Select(proposal => new Dictionary<string, object?>
            {
                ["name"] = proposal.Name,
                ["schema"] = proposal.Definition.Schema,
                ["table"] = proposal.Definition.Table,
                ["method"] = proposal.Definition.Method,
                ["columns_sql"] = proposal.Definition.KeysSql(),
                ["where_sql"] = proposal.Definition.WhereSql(),
                ["description"] = proposal.Definition.Describe(),
                ["build_ms"] = Number(proposal.BuildMs, "0"),
                ["bytes"] = proposal.Bytes,
                ["queries"] = proposal.Served.Select(g => new Dictionary<string, object?>
                {
                    ["name"] = g.Query,
                    ["before_ms"] = Number(g.BeforeMs),
                    ["after_ms"] = Number(g.AfterMs),
                    ["speedup"] = Number(g.Speedup, "0.#"),
                }).ToList(),
                ["reasons"] = proposal.Reasons,
            }).ToList(),
        };
        return Task.FromResult(new MigrationTemplateModel(model, [context.DescribeInput(path)]));
    }

    private static string Number(double value, string format = "0.###") => value.ToString(format, CultureInfo.InvariantCulture);
}
