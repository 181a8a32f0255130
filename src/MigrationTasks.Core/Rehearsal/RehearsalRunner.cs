using System.Diagnostics;
using System.Globalization;
using MigrationTasks.Backup;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Diff;
using MigrationTasks.Diff.Desired;
using MigrationTasks.Diff.Reports;
using MigrationTasks.Integrity;
using MigrationTasks.Migrations;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using Npgsql;

namespace MigrationTasks.Rehearsal;

/// <summary>A rehearsal's outcome: the receipt, and where it and the report were written.</summary>
public sealed record RehearsalResult(RehearsalReceipt Receipt, string ReceiptPath, string ReportPath);

/// <summary>
/// Rehearse: the whole migration on a staging clone, never on production. Clone production (backup + restore,
/// fidelity proven); diff and classify; check which generated migrations are committed; validate the data before;
/// apply the pending migrations up to the cleanup; validate the data after; apply the cleanup and the rest; prove the
/// clone now equals the schema the migrations build with no legacy left (the decisive check); run the policy,
/// function and smoke checks; then the simulated failure and rollback on a second clone. Writes report.md and
/// receipt.json, passed or not. Production is only read.
/// </summary>
public static class RehearsalRunner
{
    public static async Task<RehearsalResult> RunAsync(RehearsalOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var watch = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var folder = Path.GetFullPath(options.ReportDirectory);
        Directory.CreateDirectory(folder);
        var steps = new StepRecorder(log, folder);
        var migrations = MigrationSet.Load(options.MigrationsDirectory, log);
        var setHash = MigrationSetHash.Compute(migrations);
        var suffix = string.Create(CultureInfo.InvariantCulture, $"{started.UtcDateTime:yyyyMMddHHmmss}_{Environment.ProcessId}");
        var cloneDatabase = options.Staging.WithDatabase($"mt_rehearsal_{suffix}");
        var drillDatabase = options.Staging.WithDatabase($"mt_rehearsal_{suffix}_drill");
        var notes = new List<string>();
        if (options.ProductionIsSample)
        {
            notes.Add("No production was configured (PRODUCTION_DATABASE_URL is not set): the bundled sample production stood in. This receipt cannot authorise Migrate on a real production.");
        }

        CloneResult? clone = null;
        IReadOnlyList<MigrationFile> pending = [];
        try
        {
            clone = await steps.RunAsync("clone", "Clone production into staging (backup + restore, fidelity proven)", async step =>
            {
                var result = await DatabaseClone.CloneAsync(options.Production, cloneDatabase, new CloneOptions
                {
                    Backup = options.Backup,
                    Restore = new RestoreOptions
                    {
                        ReportDirectory = Path.Combine(folder, "clone"),
                        Jobs = options.RestoreJobs,
                        CreateDatabase = true,
                        BinDirectory = options.Backup.BinDirectory,
                    },
                }, log, cancellationToken).ConfigureAwait(false);
                step.Reports.Add(steps.Link(result.ReportPath));
                step.Reports.Add(steps.Link(result.Restore.ReportPath));
                step.Reports.Add(steps.Link(Path.Combine(result.Backup.Folder, BackupManifest.FileName)));
                step.Summary = string.Create(CultureInfo.InvariantCulture,
                    $"{result.Backup.Manifest.Tables.Count} tables, {result.Backup.Manifest.Tables.Sum(t => t.Rows):N0} rows; {result.Restore.Fidelity.Checks.Count} fidelity checks passed ({string.Join(", ", result.Restore.Fidelity.Checks.Select(c => c.Name))}); backup {Shown(result.Backup.Folder, options.RepositoryRoot)}");
                return result;
            }).ConfigureAwait(false);

            if (clone is null)
            {
                SkipRest(steps, "the clone failed");
            }
            else
            {
                pending = await PendingAsync(cloneDatabase, migrations, cancellationToken).ConfigureAwait(false);
                await RehearseOnCloneAsync(options, steps, clone, cloneDatabase, drillDatabase, migrations, pending, log, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!options.KeepClones)
            {
                await DropQuietlyAsync(options.Staging, [cloneDatabase.Database, drillDatabase.Database]).ConfigureAwait(false);
            }
            else
            {
                notes.Add($"The clones were kept on the staging server (KeepClones): {cloneDatabase.Describe()} and {drillDatabase.Describe()}.");
            }
        }

        var manifest = clone?.Backup.Manifest;
        var receipt = new RehearsalReceipt
        {
            // Skipped steps are fine (no data migration pending, no smoke file); the decisive check and the drill must have run.
            Passed = clone is not null && steps.AllPassed && steps.Steps.Any(s => s.Name == "schema" && s.Passed) && steps.Steps.Any(s => s.Name == "failure-drill" && s.Passed),
            Tool = ApplyOptions.CurrentToolVersion,
            CreatedUtc = started,
            DurationSeconds = Math.Round(watch.Elapsed.TotalSeconds, 3),
            Production = new ProductionFacts
            {
                Description = options.ProductionLabel,
                Sample = options.ProductionIsSample,
                Database = manifest?.Source.Database ?? options.Production.Database,
                ServerVersion = manifest?.Source.ServerVersion ?? "unknown (the clone failed)",
                SchemaFingerprint = manifest?.Schema.Fingerprint ?? "unknown (the clone failed)",
                FingerprintAlgorithm = manifest?.Schema.Algorithm ?? SchemaFingerprint.Algorithm,
                SupabaseSchemas = manifest?.SupabaseSchemas ?? options.Backup.SupabaseSchemas.ToString().ToLowerInvariant(),
                Backup = clone is null ? null : Shown(clone.Backup.Folder, options.RepositoryRoot),
            },
            MigrationSet = new MigrationSetFacts
            {
                Hash = setHash,
                Directory = Shown(options.MigrationsDirectory, options.RepositoryRoot),
                Files = [.. migrations.Files.Select(f => f.FileName)],
                Pending = [.. pending.Select(f => f.FileName)],
            },
            Steps = steps.Steps,
        };

        var receiptPath = Path.Combine(folder, RehearsalReceipt.FileName);
        receipt.Write(receiptPath);
        var reportPath = RunReport.Write(folder, "Rehearsal", receipt, notes, options.TemplatesDirectory);
        log.Info($"Rehearsal {(receipt.Passed ? "passed" : "FAILED")} in {receipt.DurationSeconds:0.0} s: {reportPath} and {receiptPath}.");
        return new RehearsalResult(receipt, receiptPath, reportPath);
    }

    private static async Task RehearseOnCloneAsync(RehearsalOptions options, StepRecorder steps, CloneResult clone, DatabaseConnection cloneDatabase,
        DatabaseConnection drillDatabase, MigrationSet migrations, IReadOnlyList<MigrationFile> pending, IEngineLog log, CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(options.ReportDirectory);
        var rolesBefore = await RoleSnapshot.ReadAsync(cloneDatabase, cancellationToken).ConfigureAwait(false);
        var diffRequest = new DiffRequest
        {
            From = cloneDatabase,
            FromLabel = $"the staging clone of {options.ProductionLabel}",
            ToMigrations = new ShadowRequest
            {
                MigrationsDirectory = options.MigrationsDirectory,
                LayerScript = File.Exists(Path.Combine(options.SupabaseDirectory, "sample", "supabase_layer.sql")) ? Path.Combine(options.SupabaseDirectory, "sample", "supabase_layer.sql") : null,
                Server = options.ShadowServer,
                CacheDirectory = options.CacheDirectory,
            },
            Profile = options.DiffProfile,
            Config = options.DiffConfig,
            ScriptPath = Path.Combine(folder, "diff", "prod_diff.sql"),
            BaseDirectory = options.RepositoryRoot,
        };

        var diff = await steps.RunAsync("diff", "Diff the clone against the migrations and classify the differences", async step =>
        {
            var result = await DiffRunner.RunAsync(diffRequest, log, cancellationToken).ConfigureAwait(false);
            step.Reports.Add(steps.Link(result.MarkdownPath));
            step.Reports.Add(steps.Link(result.JsonPath));
            step.Reports.Add(steps.Link(result.ScriptPath));
            step.Summary = $"{DiffMarkdown.Summary(result.Report)}; {pending.Count} pending migration(s)";
            return result;
        }).ConfigureAwait(false);

        var kinds = pending.Select(MigrationKinds.TemplateOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
        await steps.RunAsync("migrations", "Check the align, data, cleanup and index migrations are committed", step =>
        {
            var present = new[] { MigrationKinds.Align, MigrationKinds.Data, MigrationKinds.Cleanup, MigrationKinds.Indexes }
                .Select(k => $"{k}: {(kinds.Contains(k) ? string.Join(", ", pending.Where(f => MigrationKinds.TemplateOf(f) == k).Select(f => f.FileName)) : "none pending")}");
            step.Summary = $"{pending.Count} pending: {string.Join("; ", present)}";
            if (diff is not null)
            {
                if (diff.Report.Diff.Changes.Count > 0 && !kinds.Contains(MigrationKinds.Align))
                {
                    step.Details.Add($"{diff.Report.Diff.Changes.Count} difference(s) and no pending align migration: dotnet msbuild -t:NewMigration -p:MigrationName=align_schema -p:MigrationTemplate=align (unless a hand-written migration covers them; the schema check decides).");
                }

                if (diff.Report.Legacy.Count > 0 && !kinds.Contains(MigrationKinds.Cleanup))
                {
                    step.Details.Add($"{diff.Report.Legacy.Count} legacy object(s) and no pending cleanup migration: dotnet msbuild -t:NewMigration -p:MigrationName=drop_v1 -p:MigrationTemplate=cleanup.");
                }
            }

            return Task.CompletedTask;
        }).ConfigureAwait(false);

        var (beforeCleanup, fromCleanup) = MigrationKinds.SplitAtCleanup(pending);
        var validation = options.DataValidation is not null && kinds.Contains(MigrationKinds.Data) ? options.DataValidation : null;
        var validationFolder = Path.Combine(folder, "validation");
        var why = options.DataValidation is null ? "no data mapping spec configured" : "no data migration is pending";
        if (validation is null)
        {
            steps.Skip("validate-before", "Validate the data before (snapshot of the v1 source)", why);
        }
        else
        {
            await steps.RunAsync("validate-before", $"Validate the data before (snapshot of the v1 source, {validation.Describe})",
                step => RecordAsync(steps, step, validation.BeforeAsync(cloneDatabase, validationFolder, log, cancellationToken), "validate-before", validationFolder)).ConfigureAwait(false);
        }

        var applied = await steps.RunAsync("apply", fromCleanup.Count > 0 ? "Apply the pending migrations up to the cleanup" : "Apply all pending migrations",
            step => ApplyAsync(steps, step, cloneDatabase, migrations, pending.Take(beforeCleanup.Count).ToList(), pending, Path.Combine(folder, "apply", "apply.json"), log, cancellationToken)).ConfigureAwait(false);

        if (!applied)
        {
            foreach (var (name, title) in new[] { ("validate-after", "Validate the data after"), ("apply-cleanup", "Apply the cleanup and the migrations after it"), ("schema", "Prove the schema converged") })
            {
                steps.Skip(name, title, "the apply step failed");
            }

            foreach (var check in options.Checks)
            {
                steps.Skip(check.Name, check.Title, "the apply step failed");
            }
        }
        else
        {
            if (validation is null)
            {
                steps.Skip("validate-after", "Validate the data after (counts, checksums, spot checks, foreign keys)", why);
            }
            else
            {
                await steps.RunAsync("validate-after", "Validate the data after (counts, checksums, spot checks, foreign keys)",
                    step => RecordAsync(steps, step, validation.AfterAsync(cloneDatabase, validationFolder, log, cancellationToken), "validate-after", validationFolder)).ConfigureAwait(false);
            }

            var cleaned = true;
            if (fromCleanup.Count == 0)
            {
                steps.Skip("apply-cleanup", "Apply the cleanup and the migrations after it", "no cleanup migration is pending (everything was applied in the apply step)");
            }
            else
            {
                cleaned = await steps.RunAsync("apply-cleanup", "Apply the cleanup and the migrations after it",
                    step => ApplyAsync(steps, step, cloneDatabase, migrations, pending, pending, Path.Combine(folder, "apply", "apply-cleanup.json"), log, cancellationToken)).ConfigureAwait(false);
            }

            if (!cleaned)
            {
                steps.Skip("schema", "Prove the schema converged", "the cleanup failed");
            }
            else
            {
                await steps.RunAsync("schema", "Prove the migrated clone equals the schema the migrations build, with no legacy object left", step =>
                    SchemaConvergence.CheckAsync(steps, step, diffRequest with { ScriptPath = Path.Combine(folder, "schema", "remaining.sql") }, kinds.Contains(MigrationKinds.Data), log, cancellationToken))
                    .ConfigureAwait(false);
            }

            foreach (var check in options.Checks)
            {
                var checkFolder = Path.Combine(folder, check.Name);
                await steps.RunAsync(check.Name, check.Title,
                    step => RecordAsync(steps, step, check.RunAsync(cloneDatabase, checkFolder, log, cancellationToken), check.Name, checkFolder)).ConfigureAwait(false);
            }
        }

        if (!options.FailureDrill)
        {
            steps.Skip("failure-drill", "Simulated failure and rollback on a second clone", "turned off (RehearseFailureDrill=false); the receipt does not pass without it");
            return;
        }

        await steps.RunAsync("failure-drill", "Simulated failure on a second clone, rolled back by restoring the pre-migration backup", step =>
            FailureDrill.RunAsync(steps, step, new DrillRequest
            {
                Production = options.Production,
                Backup = clone.Backup.Folder,
                Database = drillDatabase,
                Migrations = migrations,
                Pending = pending,
                RolesBefore = rolesBefore,
                ReportDirectory = Path.Combine(folder, "failure-drill"),
                Jobs = options.RestoreJobs,
                BinDirectory = options.Backup.BinDirectory,
            }, log, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Applies the set limited to <paramref name="files"/> (a prefix of the pending ones); writes the runner's report.</summary>
    internal static async Task ApplyAsync(StepRecorder steps, StepResult step, DatabaseConnection database, MigrationSet migrations, IReadOnlyList<MigrationFile> files,
        IReadOnlyList<MigrationFile> pending, string reportPath, IEngineLog log, CancellationToken cancellationToken, ApplyOptions? options = null)
    {
        var notYet = pending.Except(files).ToHashSet();
        var set = MigrationSet.FromFiles(migrations.Directory, migrations.Files.Where(f => !notYet.Contains(f)));
        var report = await MigrationRunner.ApplyAsync(database, set, options ?? new ApplyOptions { TargetName = "the staging clone" }, log, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        await File.WriteAllTextAsync(reportPath, report.ToJson(), cancellationToken).ConfigureAwait(false);
        step.Reports.Add(steps.Link(reportPath));
        if (report.Failure is not null)
        {
            throw report.Failure;
        }

        step.Summary = string.Create(CultureInfo.InvariantCulture,
            $"{report.Applied} migration(s) applied in {report.Files.Sum(f => f.Status == "applied" ? f.DurationMs : 0) / 1000.0:0.00} s{(report.Applied == 0 ? "" : ": " + string.Join(", ", report.Files.Where(f => f.Status == "applied").Select(f => f.File)))}");
    }

    /// <summary>Records a check's outcome in its step; a failed check fails the step with MT0813.</summary>
    internal static async Task RecordAsync(StepRecorder steps, StepResult step, Task<CheckOutcome> running, string name, string folder)
    {
        var outcome = await running.ConfigureAwait(false);
        step.Summary = outcome.Summary;
        step.Reports.AddRange(outcome.Reports.Select(steps.Link));
        if (!outcome.Passed)
        {
            steps.Fail(step, Errors.Errors.CheckFailed(name, outcome.Summary, outcome.Reports.Count > 0 ? outcome.Reports[0] : folder), outcome.Failures);
        }
    }

    /// <summary>The files the clone (production as it was) has not applied yet, in version order.</summary>
    private static async Task<IReadOnlyList<MigrationFile>> PendingAsync(DatabaseConnection database, MigrationSet migrations, CancellationToken cancellationToken)
    {
        var applied = await AppliedMigrations.ReadAsync(database, cancellationToken).ConfigureAwait(false) ?? new HashSet<string>();
        return [.. migrations.Files.Where(f => !applied.Contains(f.Version))];
    }

    private static void SkipRest(StepRecorder steps, string why)
    {
        foreach (var (name, title) in new[]
        {
            ("diff", "Diff the clone against the migrations"), ("migrations", "Check the generated migrations are committed"), ("validate-before", "Validate the data before"),
            ("apply", "Apply the pending migrations"), ("validate-after", "Validate the data after"), ("schema", "Prove the schema converged"),
            ("failure-drill", "Simulated failure and rollback on a second clone"),
        })
        {
            steps.Skip(name, title, why);
        }
    }

    /// <summary>A path as reports show it: relative to the repository when inside it.</summary>
    internal static string Shown(string path, string? root)
    {
        if (root is null)
        {
            return path;
        }

        var relative = Path.GetRelativePath(root, Path.GetFullPath(path));
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative.Replace('\\', '/');
    }

    private static async Task DropQuietlyAsync(DatabaseConnection server, IReadOnlyList<string> databases)
    {
        try
        {
            await using var connection = await ServerInfo.OpenAsync(server.With(b => b.Pooling = false), CancellationToken.None).ConfigureAwait(false);
            foreach (var name in databases)
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {SqlQuote.Identifier(name)} WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or Errors.MigrationTasksException)
        {
            // best effort: an ephemeral staging server goes away with its databases anyway
        }
    }
}
