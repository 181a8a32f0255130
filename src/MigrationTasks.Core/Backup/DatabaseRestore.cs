using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MigrationTasks.Backup.Fidelity;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Integrity;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Backup;

/// <summary>The outcome of a restore: where from, where to, what the checks found, and the report written.</summary>
public sealed record RestoreResult(string BackupFolder, BackupManifest Manifest, DatabaseConnection Target, RestorePlan Plan,
    IReadOnlyList<string> CreatedRoles, FidelityReport Fidelity, string ReportPath);

/// <summary>
/// Restores a verified backup into a database: refuses production without confirmation, re-verifies the backup
/// (a backup that fails is marked failed and refused), refuses a non-empty target without Overwrite, creates the
/// roles the target lacks, runs <c>pg_restore --jobs</c> over the archive (schema, data, history), and proves the
/// result equals the manifest: fingerprint, exact row counts, checksums. The report goes to <c>restore.json</c>.
/// </summary>
public static class DatabaseRestore
{
    public const string ReportFile = "restore.json";

    /// <summary>Restores and verifies; MT0409 when the restored database differs from the manifest.</summary>
    public static async Task<RestoreResult> RestoreAsync(string backupPath, DatabaseConnection target, RestoreOptions options, IEngineLog log,
        CancellationToken cancellationToken)
    {
        var result = await RestoreUncheckedAsync(backupPath, target, options, FidelityChecks.Default, null, log, cancellationToken).ConfigureAwait(false);
        return result.Fidelity.Passed
            ? result
            : throw Errors.Errors.RestoredDatabaseDiffers(target.Describe(), result.Fidelity.FailureSummary, result.ReportPath);
    }

    /// <summary>
    /// Restores and runs <paramref name="checks"/>, returning their report instead of throwing when one fails (the
    /// clone reports that with its own code). Every other failure throws.
    /// </summary>
    public static async Task<RestoreResult> RestoreUncheckedAsync(string backupPath, DatabaseConnection target, RestoreOptions options,
        IReadOnlyList<IFidelityCheck> checks, DatabaseConnection? source, IEngineLog log, CancellationToken cancellationToken)
    {
        if (options.TargetIsProduction && !string.Equals(options.ConfirmProduction, target.Database, StringComparison.Ordinal))
        {
            throw Errors.Errors.ProductionNotConfirmed(target.Database, options.ConfirmProduction ?? "");
        }

        var watch = Stopwatch.StartNew();
        var folder = BackupFolder.Resolve(backupPath);
        var manifest = BackupManifest.Read(folder);
        if (!manifest.Passed)
        {
            throw Errors.Errors.BackupMarkedFailed(folder, manifest.Failure ?? "its manifest says \"passed\": false");
        }

        log.Info($"Restoring the backup {folder} ({manifest.Label}, {manifest.CreatedUtc:yyyy-MM-dd HH:mm:ss} UTC, PostgreSQL {manifest.Source.ServerVersion}) into {target.Describe()}.");
        if (options.CreateDatabase)
        {
            await CreateDatabaseIfMissingAsync(target, log, cancellationToken).ConfigureAwait(false);
        }

        await Pooler.TransactionPoolerCheck.RequireSessionAsync(target, "a restore (pg_restore's sessions keep settings such as session_replication_role)",
            options.PoolerCheck, log, cancellationToken).ConfigureAwait(false);
        await using var session = await ServerInfo.OpenAsync(target.With(b => b.Pooling = false), cancellationToken).ConfigureAwait(false);
        var targetVersion = await ServerInfo.ReadVersionAsync(session, cancellationToken).ConfigureAwait(false);
        var sourceMajor = manifest.Source.ServerVersionNumber / 10000;
        if (targetVersion.Major < sourceMajor)
        {
            throw Errors.Errors.TargetServerTooOld(target.Describe(), targetVersion.ToString(), manifest.Source.ServerVersion);
        }

        var pgDumpMajor = int.Parse(manifest.Client.PgDumpVersion.Split('.')[0], CultureInfo.InvariantCulture);
        var clients = await PostgresClients.FindAsync(Math.Max(targetVersion.Major, pgDumpMajor), ["pg_restore", "psql"], options.BinDirectory,
            options.SearchDirectories, cancellationToken).ConfigureAwait(false);

        // Files change after a backup is written (disks, copies, people): check them again before trusting them.
        var check = await BackupVerifier.VerifyAsync(folder, manifest, clients, BackupVerification.Archive, cancellationToken).ConfigureAwait(false);
        if (!check.Passed)
        {
            var reason = string.Join("; ", check.Problems.Take(10));
            manifest.MarkFailed(reason).Write(folder);
            throw Errors.Errors.BackupVerificationFailed(folder, reason);
        }

        log.Info($"Backup verified again: {manifest.Files.Count} files match their sha256, {check.Toc!.Entries.Count} archive entries.");
        var plan = await RestorePlan.DecideAsync(session, check.Toc, manifest, options.Overwrite, cancellationToken).ConfigureAwait(false);
        if (!plan.IsEmpty && !options.Overwrite)
        {
            throw Errors.Errors.TargetNotEmpty(target.Describe(), string.Join("; ", plan.NotEmptyBecause));
        }

        Directory.CreateDirectory(options.ReportDirectory);
        var commands = new List<string>();
        var createdRoles = options.RestoreRoles && manifest.Roles is not null
            ? await RestoreRolesAsync(folder, manifest.Roles, session, target, clients, options.ReportDirectory, commands, log, cancellationToken).ConfigureAwait(false)
            : [];

        await ClearAsync(session, plan, log, cancellationToken).ConfigureAwait(false);

        var (run, measured) = await PgRestoreAsync(folder, manifest, check.Toc, plan, target, clients, options, commands, log, cancellationToken).ConfigureAwait(false);

        log.Info("Comparing the restored database with the backup's manifest (schema fingerprint, exact row counts, checksums).");
        var expectedFingerprint = SchemaFingerprint.FromLines(
            (await File.ReadAllLinesAsync(Path.Combine(folder, manifest.Schema.File), cancellationToken).ConfigureAwait(false)).Where(l => l.Length > 0));
        var context = new FidelityContext
        {
            Expected = manifest,
            ExpectedFingerprint = expectedFingerprint,
            Target = target,
            Source = source,
            DataOnlySchemas = plan.DataOnlySchemas,
            SkippedTables = plan.SkippedTables.ToHashSet(),
            Parallelism = Math.Max(1, options.Jobs),
            MeasuredTables = measured,
        };
        var fidelity = await FidelityChecks.RunAsync(context, checks, cancellationToken).ConfigureAwait(false);
        foreach (var result in fidelity.Checks)
        {
            log.Info($"  {(result.Passed ? "passed" : "FAILED")} {result.Name}: {result.Summary}");
        }

        var reportPath = Path.Combine(options.ReportDirectory, ReportFile);
        await WriteReportAsync(reportPath, new
        {
            passed = fidelity.Passed,
            backup = folder,
            backupFingerprint = manifest.Schema.Fingerprint,
            target = target.Describe(),
            targetServerVersion = targetVersion.ToString(),
            createdRoles,
            loginRolesWithoutPassword = manifest.Roles?.LoginRoles.Intersect(createdRoles, StringComparer.Ordinal).ToList(),
            plan = new
            {
                droppedSchemas = plan.SchemasToDrop,
                droppedPublicObjects = plan.PublicObjectDrops.Count,
                dataOnlySchemas = plan.DataOnlySchemas,
                truncatedTables = plan.TablesToTruncate.Select(t => t.ToString()),
                createdSchemas = plan.SchemasToCreate,
                skippedTables = plan.SkippedTables.Select(t => t.ToString()),
            },
            commands,
            pgRestore = new { run.ExitCode, seconds = Math.Round(run.Duration.TotalSeconds, 3) },
            checks = fidelity.Checks,
            durationSeconds = Math.Round(watch.Elapsed.TotalSeconds, 3),
        }, cancellationToken).ConfigureAwait(false);

        log.Info($"Restore {(fidelity.Passed ? "verified" : "FAILED verification")} in {watch.Elapsed.TotalSeconds:0.0} s; report: {reportPath}");
        return new RestoreResult(folder, manifest, target, plan, createdRoles, fidelity, reportPath);
    }

    /// <summary>pg_restore's arguments (the connection comes through the environment).</summary>
    public static IReadOnlyList<string> RestoreArguments(string database, int jobs, string? listFile, string archive)
    {
        var arguments = new List<string>
        {
            $"--dbname={DatabaseArgument(database)}", $"--jobs={jobs.ToString(CultureInfo.InvariantCulture)}", "--no-password", "--verbose",
        };
        if (listFile is not null)
        {
            arguments.Add($"--use-list={listFile}");
        }

        arguments.Add(archive);
        return arguments;
    }

    private static async Task<(ToolRun Run, IReadOnlyList<TableMeasurement> Measured)> PgRestoreAsync(string folder, BackupManifest manifest, ArchiveToc toc, RestorePlan plan, DatabaseConnection target,
        PostgresInstallation clients, RestoreOptions options, List<string> commands, IEngineLog log, CancellationToken cancellationToken)
    {
        string? listFile = null;
        if (plan.FilterToc(toc) is { } filtered)
        {
            listFile = Path.Combine(Path.GetFullPath(options.ReportDirectory), "restore.list");
            await File.WriteAllTextAsync(listFile, filtered, cancellationToken).ConfigureAwait(false);
            log.Info($"Restoring a subset of the archive (list in {listFile}): {Describe(plan)}");
        }

        var arguments = RestoreArguments(target.Database, Math.Max(1, options.Jobs), listFile, Path.Combine(folder, manifest.Archive));
        if (plan.LoadsIntoExistingTables)
        {
            target = target.With(b => b.Options = $"{b.Options} -c session_replication_role=replica".Trim());
            log.Info("Loading rows into tables the target already has, with session_replication_role = replica (their triggers do not fire).");
        }

        commands.Add(PostgresTool.DescribeWithConnection("pg_restore", arguments, target));
        var errors = new List<string>();
        using var progress = new ToolProgress(log, "pg_restore", null, options.ProgressInterval)
        {
            TotalTables = toc.Entries.Count(e => e.Description == "TABLE DATA"),
        };

        // Tables are counted and checksummed as pg_restore finishes loading them, while it builds indexes.
        await using var census = new RestoreCensus(manifest, toc, plan.SkippedTables.ToHashSet());
        await census.StartAsync(target, Math.Max(1, options.Jobs), cancellationToken).ConfigureAwait(false);
        var run = await PostgresTool.ExecuteAsync(clients, "pg_restore", target, arguments, cancellationToken, onErrorLine: line =>
        {
            progress.OnLine(line);
            census.OnLine(line);
            if (IsErrorLine(line))
            {
                lock (errors)
                {
                    if (errors.Count < 200)
                    {
                        errors.Add(line.Trim());
                    }
                }
            }
        }).ConfigureAwait(false);

        if (!run.Succeeded)
        {
            // The report says what failed too, with every error line pg_restore printed (up to 200).
            await WriteReportAsync(Path.Combine(options.ReportDirectory, ReportFile), new
            {
                passed = false,
                backup = folder,
                target = target.Describe(),
                commands,
                pgRestore = new { run.ExitCode, seconds = Math.Round(run.Duration.TotalSeconds, 3), errors },
            }, cancellationToken).ConfigureAwait(false);
            var shown = errors.Count > 0 ? string.Join(" | ", errors.Take(12)) : run.ErrorSummary();
            throw Errors.Errors.RestoreFailed($"pg_restore (exit code {run.ExitCode})", $"{shown} (all errors: {Path.Combine(options.ReportDirectory, ReportFile)})");
        }

        log.Info($"pg_restore done in {run.Duration.TotalSeconds:0.0} s ({progress.TablesDone} tables loaded).");
        return (run, await census.FinishAsync().ConfigureAwait(false));
    }

    private static bool IsErrorLine(string line) =>
        line.Contains("error:", StringComparison.Ordinal) || line.StartsWith("Command was:", StringComparison.Ordinal) ||
        line.Contains("errors ignored on restore", StringComparison.Ordinal);

    private static async Task<IReadOnlyList<string>> RestoreRolesAsync(string folder, RolesInfo roles, NpgsqlConnection session, DatabaseConnection target,
        PostgresInstallation clients, string reportDirectory, List<string> commands, IEngineLog log, CancellationToken cancellationToken)
    {
        var script = RoleScript.Parse(await File.ReadAllTextAsync(Path.Combine(folder, roles.File), cancellationToken).ConfigureAwait(false));
        var existing = new HashSet<string>(StringComparer.Ordinal);
        var memberships = new HashSet<(string, string)>();
        await using (var command = new NpgsqlCommand(
            "SELECT r.rolname, m.rolname FROM pg_catalog.pg_roles r LEFT JOIN pg_catalog.pg_auth_members am ON am.member = r.oid LEFT JOIN pg_catalog.pg_roles m ON m.oid = am.roleid",
            session))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                existing.Add(reader.GetString(0));
                if (!reader.IsDBNull(1))
                {
                    memberships.Add((reader.GetString(1), reader.GetString(0)));
                }
            }
        }

        var sql = script.ForTarget(existing, memberships, out var created);
        if (sql.Length == 0)
        {
            log.Info($"Roles: all {script.Roles.Count} roles of the backup exist on the target; none created.");
            return [];
        }

        var file = Path.Combine(Path.GetFullPath(reportDirectory), "roles-to-create.sql");
        await File.WriteAllTextAsync(file, sql, cancellationToken).ConfigureAwait(false);
        string[] arguments = ["--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1", $"--file={file}"];
        commands.Add(PostgresTool.DescribeWithConnection("psql", arguments, target));
        var run = await PostgresTool.ExecuteAsync(clients, "psql", target, arguments, cancellationToken).ConfigureAwait(false);
        if (!run.Succeeded)
        {
            throw Errors.Errors.RolesRestoreFailed(run.ExitCode, run.ErrorSummary());
        }

        var names = created.Select(r => r.Name).ToList();
        log.Info($"Roles: created {names.Count} the target lacked ({string.Join(", ", names.Take(20))}{(names.Count > 20 ? ", ..." : "")}).");
        var logins = created.Where(r => r.CanLogin).Select(r => r.Name).ToList();
        if (logins.Count > 0)
        {
            log.Info($"Roles created without a password (backups never hold passwords): {string.Join(", ", logins)}; set one where they must log in.");
        }

        return names;
    }

    private static async Task ClearAsync(NpgsqlConnection session, RestorePlan plan, IEngineLog log, CancellationToken cancellationToken)
    {
        var sql = plan.ClearSql();
        if (sql.Length > 0)
        {
            log.Info($"Overwrite: clearing the target first ({Describe(plan)}).");
            try
            {
                await using var command = new NpgsqlCommand(sql, session) { CommandTimeout = 0 };
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException exception)
            {
                throw Errors.Errors.RestoreFailed("Clearing the target (Overwrite=true)", $"{exception.SqlState}: {exception.MessageText}; nothing was dropped", exception);
            }
        }

        // Schemas for extensions the backup left out (e.g. Supabase's "extensions"), so CREATE EXTENSION ... WITH SCHEMA works.
        foreach (var schema in plan.SchemasToCreate)
        {
            await using var command = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {SqlQuote.Identifier(schema)}", session);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Describe(RestorePlan plan)
    {
        var parts = new List<string>();
        if (plan.SchemasToDrop.Count > 0)
        {
            parts.Add($"drop schemas {string.Join(", ", plan.SchemasToDrop)}");
        }

        if (plan.PublicObjectDrops.Count > 0)
        {
            parts.Add($"drop {plan.PublicObjectDrops.Count} objects in public");
        }

        if (plan.TablesToTruncate.Count > 0)
        {
            parts.Add($"empty {plan.TablesToTruncate.Count} tables in {string.Join(", ", plan.DataOnlySchemas)}");
        }

        if (plan.DataOnlySchemas.Count > 0)
        {
            parts.Add($"rows only for {string.Join(", ", plan.DataOnlySchemas)} (the target keeps its definitions)");
        }

        if (plan.ExistingExtensions.Count > 0)
        {
            parts.Add("extensions the target has are kept");
        }

        return string.Join("; ", parts);
    }

    private static async Task CreateDatabaseIfMissingAsync(DatabaseConnection target, IEngineLog log, CancellationToken cancellationToken)
    {
        var maintenance = target.WithDatabase(target.Database == "postgres" ? "template1" : "postgres").With(b => b.Pooling = false);
        await using var connection = await ServerInfo.OpenAsync(maintenance, cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = target.Database } } };
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlQuote.Identifier(target.Database)}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            log.Info($"Created the database \"{target.Database}\" on the target server.");
        }
    }

    private static async Task WriteReportAsync(string path, object report, CancellationToken cancellationToken)
    {
        await using var stream = File.Create(path);
        await JsonSerializer.SerializeAsync(stream, report, BackupManifest.JsonOptions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A database name as pg_restore's --dbname: a name holding '=' would be read as a connection string, so it is quoted as one.</summary>
    private static string DatabaseArgument(string database) =>
        database.Contains('=', StringComparison.Ordinal) ? $"dbname='{database.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'" : database;
}
