using MigrationTasks.Catalog;
using MigrationTasks.Catalog.Model;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Diff.Classification;
using MigrationTasks.Diff.Desired;
using MigrationTasks.Diff.Reports;
using MigrationTasks.Diff.Sql;

namespace MigrationTasks.Diff;

/// <summary>One diff to run: the database to change, where the desired schema comes from, and where the outputs go.</summary>
public sealed record DiffRequest
{
    /// <summary>The database the script changes (production, staging, a clone).</summary>
    public required DatabaseConnection From { get; init; }

    /// <summary>A label for <see cref="From"/> in reports (never a secret); defaults to its description.</summary>
    public string? FromLabel { get; init; }

    /// <summary>The desired schema from a database...</summary>
    public DatabaseConnection? ToDatabase { get; init; }

    /// <summary>...or from migration files applied to a shadow database.</summary>
    public ShadowRequest? ToMigrations { get; init; }

    /// <summary>
    /// With migrations as the desired side: build only the versions the database records as applied in its
    /// Supabase migration history (the others are pending, which is not drift). Off, or without a history table,
    /// every file is applied.
    /// </summary>
    public bool OnlyAppliedMigrations { get; init; } = true;

    public DiffOptions Options { get; init; } = new();

    public DiffProfile Profile { get; init; } = DiffProfile.Supabase;

    public DiffConfig Config { get; init; } = DiffConfig.Empty;

    /// <summary>The SQL script's path; diff.md and diff.json are written next to it.</summary>
    public required string ScriptPath { get; init; }

    /// <summary>Paths in reports are shown relative to this folder (the repository), so reports hold no machine paths.</summary>
    public string? BaseDirectory { get; init; }
}

/// <summary>The outputs of a diff.</summary>
public sealed record DiffResult(DiffReport Report, string ScriptPath, string MarkdownPath, string JsonPath);

/// <summary>
/// Reads the database to change and the desired schema, scopes them (platform-managed, ignored and legacy
/// objects), compares, classifies, and writes the script, diff.md and diff.json.
/// </summary>
public static class DiffRunner
{
    public static async Task<DiffResult> RunAsync(DiffRequest request, IEngineLog log, CancellationToken cancellationToken)
    {
        var actual = await CatalogReader.ReadAsync(request.From, cancellationToken).ConfigureAwait(false);
        log.Info($"Read {request.FromLabel ?? request.From.Describe()}: {actual.Objects.Count} objects in {actual.Info.Duration.TotalSeconds:F2} s ({actual.Info.QueryCount} catalog queries).");

        DatabaseCatalog desired;
        string to;
        IReadOnlyList<string> pending = [];
        if (request.ToDatabase is not null)
        {
            desired = await CatalogReader.ReadAsync(request.ToDatabase, cancellationToken).ConfigureAwait(false);
            to = request.ToDatabase.Describe();
        }
        else
        {
            var shadow = request.ToMigrations ?? throw new ArgumentException("A diff needs a desired schema: a database or migrations.", nameof(request));
            if (request.OnlyAppliedMigrations && await AppliedMigrations.ReadAsync(request.From, cancellationToken).ConfigureAwait(false) is { } applied)
            {
                shadow = shadow with { AppliedVersions = applied };
                pending = [.. shadow.Pending(log).Select(f => f.FileName)];
                if (pending.Count > 0)
                {
                    log.Info($"{pending.Count} migrations are not applied on {request.FromLabel ?? request.From.Describe()} yet (pending, not drift): {string.Join(", ", pending)}.");
                }
            }

            desired = await ShadowSchema.BuildAsync(shadow, log, cancellationToken).ConfigureAwait(false);
            var built = shadow.Applied(NullEngineLog.Instance).Files.Count;
            to = $"{Relative(shadow.MigrationsDirectory, request.BaseDirectory)} ({built} migrations{(pending.Count > 0 ? $" applied there; {pending.Count} pending" : "")})";
        }

        var scope = DiffScope.Apply(desired, actual, request.Profile, request.Config);
        var diff = SchemaDiffer.Compare(scope.Desired, actual, request.Options);
        DiffReport.Classify(diff.Changes);
        (SchemaDiff, IReadOnlySet<string>)? alignSource = null;
        if (pending.Count > 0 && request.ToMigrations is { } migrations)
        {
            // The align migration runs after the pending migrations: its target is what every migration builds, less
            // the pending migrations' own work (unless that work is on a drifted object).
            var everything = await ShadowSchema.BuildAsync(migrations, log, cancellationToken).ConfigureAwait(false);
            var pendingKeys = SchemaDiffer.Compare(everything, desired).Changes.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
            var driftKeys = diff.Changes.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
            var full = SchemaDiffer.Compare(DiffScope.Apply(everything, actual, request.Profile, request.Config).Desired, actual, request.Options);
            DiffReport.Classify(full.Changes);
            alignSource = (full, full.Changes.Select(c => c.Key).Where(k => !pendingKeys.Contains(k) || driftKeys.Contains(k)).ToHashSet(StringComparer.Ordinal));
        }
        var scriptPath = Path.GetFullPath(request.ScriptPath);
        var report = new DiffReport
        {
            From = request.FromLabel ?? request.From.Describe(),
            To = to,
            Diff = diff,
            Scope = scope,
            Profile = request.Profile,
            Options = request.Options,
            ScriptPath = Relative(scriptPath, request.BaseDirectory),
            PendingMigrations = pending,
            AlignSource = alignSource,
        };

        var folder = Path.GetDirectoryName(scriptPath)!;
        Directory.CreateDirectory(folder);
        var header = $"""
            Generated by MigrationTasks DiffSchema: the statements that turn From into To.
            From: {report.From}
            To:   {report.To}
            Run:  psql -X -v ON_ERROR_STOP=1 -f {Path.GetFileName(scriptPath)}
            {(request.Options.AllowDestructive ? "Destructive statements are included (AllowDestructive=true)." : "Destructive statements are commented out with the reason (AllowDestructive=true includes them).")}
            Legacy objects ({scope.Legacy.Count}) are listed in diff.md and not dropped here.
            """;
        await File.WriteAllTextAsync(scriptPath, ScriptRenderer.Render(diff.Steps, header), cancellationToken).ConfigureAwait(false);
        var markdown = Path.Combine(folder, "diff.md");
        var json = Path.Combine(folder, "diff.json");
        await File.WriteAllTextAsync(markdown, DiffMarkdown.Render(report), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(json, DiffJson.Render(report), cancellationToken).ConfigureAwait(false);
        log.Info($"Diff: {DiffMarkdown.Summary(report)}; {diff.Steps.Count} statements written to {report.ScriptPath}.");
        return new DiffResult(report, scriptPath, markdown, json);
    }

    private static string Relative(string path, string? baseDirectory)
    {
        if (baseDirectory is null)
        {
            return Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        }

        var relative = Path.GetRelativePath(baseDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFileName(Path.TrimEndingDirectorySeparator(path)) : relative.Replace('\\', '/');
    }
}
