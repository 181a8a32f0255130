using System.Data;
using System.Diagnostics;
using System.Globalization;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Integrity;
using MigrationTasks.Servers;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Backup;

/// <summary>A verified backup: its folder, manifest and schema fingerprint.</summary>
public sealed record BackupResult(string Folder, BackupManifest Manifest, SchemaFingerprint Fingerprint);

/// <summary>
/// Takes a verified backup of one database into <c>&lt;root&gt;/&lt;label&gt;/&lt;UTC timestamp&gt;/</c>:
/// <list type="number">
/// <item>connects first, so a wrong password or an unreachable host fails in seconds with MT0012 and no folder;</item>
/// <item>exports a snapshot, and runs pg_dump on it while the schema fingerprint, exact row counts and checksums
/// are read in the same snapshot, so the manifest describes exactly what the archive holds even on a busy server;</item>
/// <item>dumps the roles with pg_dumpall (no passwords);</item>
/// <item>hashes every file, verifies the archive, writes <c>manifest.json</c>, and only then renames the
/// <c>.partial</c> folder to its final name. A backup that fails verification is kept as <c>.failed</c> with
/// <c>"passed": false</c>; any other failure leaves nothing behind.</item>
/// </list>
/// </summary>
public static class DatabaseBackup
{
    public const string ArchiveDirectory = "dump";
    public const string ArchiveFile = "dump.pgdump";
    public const string RolesFile = "roles.sql";
    public const string FingerprintFile = "schema-fingerprint.txt";

    public static async Task<BackupResult> CreateAsync(DatabaseConnection source, BackupOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var steps = new Dictionary<string, double>(StringComparer.Ordinal);
        var selection = SupabaseSchemas.Selection(options.SupabaseSchemas);

        await Pooler.TransactionPoolerCheck.RequireSessionAsync(source, "a backup (pg_dump's parallel jobs share a snapshot exported by one session, and the row census reads in it)",
            options.PoolerCheck, log, cancellationToken).ConfigureAwait(false);
        await using var session = await ServerInfo.OpenAsync(source.With(b => b.Pooling = false), cancellationToken).ConfigureAwait(false);
        var facts = await ReadSourceAsync(session, source, cancellationToken).ConfigureAwait(false);
        log.Info($"Backing up {source.Describe()} (PostgreSQL {facts.ServerVersion}, {Sizes.Describe(facts.SizeBytes)}).");

        string[] tools = options.IncludeRoles ? ["pg_dump", "pg_dumpall", "pg_restore"] : ["pg_dump", "pg_restore"];
        var clients = await PostgresClients.FindAsync(facts.ServerVersionNumber / 10000, tools, options.BinDirectory, options.SearchDirectories, cancellationToken)
            .ConfigureAwait(false);
        log.Detail($"Client programs: PostgreSQL {clients.Version} in {clients.BinDirectory}");

        // One snapshot for pg_dump and for everything the manifest says about the data.
        await using var snapshot = await session.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var snapshotId = await ScalarAsync<string>(session, "SELECT pg_catalog.pg_export_snapshot()", cancellationToken).ConfigureAwait(false);

        var (partial, final) = NewFolder(options.Root, options.Label, started);
        CreatePrivateDirectory(partial);
        var failedFolder = final + ".failed";
        var keepPartial = false;
        try
        {
            var commands = new List<string>();
            var archive = options.Format == BackupFormat.Directory ? ArchiveDirectory : ArchiveFile;
            var dumpArguments = DumpArguments(options, selection, snapshotId);
            commands.Add(PostgresTool.DescribeWithConnection("pg_dump", dumpArguments, source));

            using var progress = new ToolProgress(log, "pg_dump", () => Sizes.Of(Path.Combine(partial, archive)), options.ProgressInterval);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var dump = TimedAsync(steps, "dump", () => PostgresTool.ExecuteAsync(clients, "pg_dump", source, dumpArguments, stop.Token, partial, progress.OnLine));

            Task<ToolRun>? roles = null;
            if (options.IncludeRoles)
            {
                var rolesArguments = RolesArguments(facts.Database);
                commands.Add(PostgresTool.DescribeWithConnection("pg_dumpall", rolesArguments, source));
                roles = TimedAsync(steps, "roles", () => PostgresTool.ExecuteAsync(clients, "pg_dumpall", source, rolesArguments, stop.Token, partial));
            }

            var reading = TimedAsync(steps, "census", () => CensusAsync(session, selection, options.ChecksumTables, progress, stop.Token));

            // A failed pg_dump stops the census at once (and the other way round), so the error comes quickly.
            var dumpRun = await FirstFailureStopsAllAsync(dump, reading, stop).ConfigureAwait(false);
            if (!dumpRun.Succeeded)
            {
                throw Errors.Errors.DumpFailed($"pg_dump (exit code {dumpRun.ExitCode})", dumpRun.ErrorSummary());
            }

            var census = await reading.ConfigureAwait(false);
            await snapshot.CommitAsync(cancellationToken).ConfigureAwait(false);

            RolesInfo? rolesInfo = null;
            if (roles is not null)
            {
                var rolesRun = await roles.ConfigureAwait(false);
                if (!rolesRun.Succeeded)
                {
                    throw Errors.Errors.DumpFailed($"pg_dumpall --roles-only (exit code {rolesRun.ExitCode})", rolesRun.ErrorSummary());
                }

                var script = RoleScript.Parse(await File.ReadAllTextAsync(Path.Combine(partial, RolesFile), cancellationToken).ConfigureAwait(false));
                rolesInfo = new RolesInfo(RolesFile, script.Roles.Count, [.. script.Roles.Where(r => r.CanLogin).Select(r => r.Name)]);
            }

            log.Info($"pg_dump done: {census.Tables.Count} tables, {census.Tables.Sum(t => t.Rows).ToString("N0", CultureInfo.InvariantCulture)} rows, " +
                $"{Sizes.Describe(Sizes.Of(Path.Combine(partial, archive)))} in {dumpRun.Duration.TotalSeconds:0.0} s.");
            await File.WriteAllTextAsync(Path.Combine(partial, FingerprintFile), string.Join('\n', census.Fingerprint.Lines) + "\n", cancellationToken)
                .ConfigureAwait(false);

            var hashing = Stopwatch.StartNew();
            var files = await BackupVerifier.HashFilesAsync(partial, cancellationToken).ConfigureAwait(false);
            steps["hash"] = hashing.Elapsed.TotalSeconds;

            var manifest = new BackupManifest
            {
                Passed = true,
                Status = "verified",
                Label = options.Label,
                CreatedUtc = started,
                DurationSeconds = 0,
                Source = facts,
                Client = new ClientInfo($"{clients.Version.Major}.{clients.Version.Minor}", clients.BinDirectory),
                Archive = archive,
                Format = options.Format == BackupFormat.Directory ? "directory" : "custom",
                Jobs = options.Format == BackupFormat.Directory ? options.Jobs : 1,
                SupabaseSchemas = options.SupabaseSchemas.ToString().ToLowerInvariant(),
                ExcludedSchemas = selection.ExcludedPatterns,
                Schema = new SchemaInfo(census.Fingerprint.Hash, SchemaFingerprint.Algorithm, FingerprintFile, census.Fingerprint.Lines.Count),
                ChecksumAlgorithm = TableContents.ChecksumAlgorithm,
                Tables = [.. census.Tables.Select(t => new TableEntry(t.Table.Schema, t.Table.Name, t.Rows, t.Checksum))],
                Extensions = census.Extensions,
                History = census.History,
                Roles = rolesInfo,
                Files = files,
                Commands = [.. commands, PostgresTool.Describe("pg_restore", ["--list", archive])],
                StepSeconds = steps,
            };

            var verifying = Stopwatch.StartNew();
            var check = await BackupVerifier.VerifyAsync(partial, manifest, clients, options.Verification, cancellationToken, files).ConfigureAwait(false);
            steps["verify"] = verifying.Elapsed.TotalSeconds;
            manifest = manifest with
            {
                DurationSeconds = Math.Round(watch.Elapsed.TotalSeconds, 3),
                StepSeconds = steps.ToDictionary(s => s.Key, s => Math.Round(s.Value, 3), StringComparer.Ordinal),
                Verification = new VerificationInfo(
                    options.Verification == BackupVerification.Full ? "sha256 + pg_restore --list + pg_restore reading every data block" : "sha256 + pg_restore --list",
                    check.Toc?.Entries.Count ?? 0, DateTimeOffset.UtcNow, check.Problems),
            };

            if (!check.Passed)
            {
                var reason = string.Join("; ", check.Problems.Take(10));
                manifest.MarkFailed(reason).Write(partial);
                Directory.Move(partial, failedFolder);
                keepPartial = true;
                throw Errors.Errors.BackupVerificationFailed(failedFolder, reason);
            }

            manifest.Write(partial);
            Directory.Move(partial, final);
            keepPartial = true;
            log.Info($"Backup verified ({check.Toc!.Entries.Count} archive entries, {files.Count} files, sha256 checked) in {watch.Elapsed.TotalSeconds:0.0} s: {final}");
            return new BackupResult(final, manifest, census.Fingerprint);
        }
        catch (NpgsqlException exception)
        {
            var detail = exception is PostgresException postgres ? $"{postgres.SqlState}: {postgres.MessageText}" : exception.Message;
            throw Errors.Errors.DumpFailed("Reading the source's catalog and row counts", detail, exception);
        }
        finally
        {
            if (!keepPartial)
            {
                TryDelete(partial);
            }
        }
    }

    /// <summary>pg_dump's arguments (the connection comes through the environment).</summary>
    public static IReadOnlyList<string> DumpArguments(BackupOptions options, SchemaSelection selection, string snapshotId)
    {
        var arguments = options.Format == BackupFormat.Directory
            ? new List<string> { "--format=directory", $"--jobs={options.Jobs.ToString(CultureInfo.InvariantCulture)}", $"--file={ArchiveDirectory}" }
            : ["--format=custom", $"--file={ArchiveFile}"];
        arguments.AddRange([$"--snapshot={snapshotId}", "--no-password", "--verbose", "--quote-all-identifiers"]);
        arguments.AddRange(selection.ExcludedPatterns.Select(p => $"--exclude-schema={p}"));
        return arguments;
    }

    /// <summary>pg_dumpall's arguments for the roles file.</summary>
    public static IReadOnlyList<string> RolesArguments(string database) =>
        ["--roles-only", "--no-role-passwords", "--quote-all-identifiers", "--no-password", $"--database={database}", $"--file={RolesFile}"];

    private sealed record Census(SchemaFingerprint Fingerprint, IReadOnlyList<TableMeasurement> Tables, IReadOnlyList<ExtensionEntry> Extensions, HistoryInfo? History);

    private static async Task<Census> CensusAsync(NpgsqlConnection session, SchemaSelection selection, int checksumTables, ToolProgress progress, CancellationToken cancellationToken)
    {
        var tables = await TableContents.ListTablesAsync(session, selection, cancellationToken).ConfigureAwait(false);
        progress.TotalTables = tables.Count;
        var fingerprint = await SchemaFingerprint.ComputeAsync(session, selection, cancellationToken).ConfigureAwait(false);
        var sample = TableContents.ChooseSample(tables, checksumTables).ToDictionary(t => t, _ => ChecksumMethod.Auto);
        var measured = await TableContents.MeasureAsync([session], tables, sample, insideTransaction: true, cancellationToken).ConfigureAwait(false);

        var extensions = new List<ExtensionEntry>();
        await using (var command = new NpgsqlCommand("SELECT e.extname, n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace ORDER BY 1", session))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                extensions.Add(new ExtensionEntry(reader.GetString(0), reader.GetString(1)));
            }
        }

        var historyTable = new TableName(SupabaseSchemas.HistorySchema, SupabaseSchemas.HistoryTable);
        var history = measured.FirstOrDefault(t => t.Table == historyTable);
        HistoryInfo? historyInfo = null;
        if (history is not null)
        {
            var latest = await ScalarAsync<object>(session, $"SELECT max(version)::text FROM {historyTable.Quoted}", cancellationToken).ConfigureAwait(false);
            historyInfo = new HistoryInfo(historyTable.ToString(), history.Rows, latest as string);
        }

        return new Census(fingerprint, measured, extensions, historyInfo);
    }

    private static async Task<SourceInfo> ReadSourceAsync(NpgsqlConnection session, DatabaseConnection source, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT current_database(), pg_catalog.pg_database_size(current_database()), pg_catalog.pg_encoding_to_char(d.encoding), " +
            "current_setting('server_version'), current_setting('server_version_num')::int FROM pg_catalog.pg_database d WHERE d.datname = current_database()",
            session);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new SourceInfo(source.Describe(), reader.GetString(0), reader.GetString(3), reader.GetInt32(4), reader.GetInt64(1), reader.GetString(2));
    }

    private static async Task<ToolRun> FirstFailureStopsAllAsync(Task<ToolRun> dump, Task census, CancellationTokenSource stop)
    {
        var first = await Task.WhenAny(dump, census).ConfigureAwait(false);
        if (!first.IsCompletedSuccessfully || first == dump && !dump.Result.Succeeded)
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(dump, census).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (dump.IsCompletedSuccessfully && !dump.Result.Succeeded)
        {
            // the census was stopped because pg_dump failed; pg_dump's error is the one to report
        }

        return await dump.ConfigureAwait(false);
    }

    private static async Task<T> TimedAsync<T>(Dictionary<string, double> steps, string name, Func<Task<T>> action)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            lock (steps)
            {
                steps[name] = watch.Elapsed.TotalSeconds;
            }
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The in-progress and final folder names; a second backup in the same second gets a suffix.</summary>
    private static (string Partial, string Final) NewFolder(string root, string label, DateTimeOffset started)
    {
        var parent = Path.GetFullPath(Path.Combine(root, label));
        CreatePrivateDirectory(parent);
        var stamp = started.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        for (var attempt = 1; ; attempt++)
        {
            var name = attempt == 1 ? stamp : $"{stamp}-{attempt.ToString(CultureInfo.InvariantCulture)}";
            var final = Path.Combine(parent, name);
            if (!Path.Exists(final) && !Path.Exists(final + ".partial") && !Path.Exists(final + ".failed"))
            {
                return (final + ".partial", final);
            }
        }
    }

    /// <summary>A backup holds production's data: only its owner may read it (mode 700 on Unix).</summary>
    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

        private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // best effort: the folder is named .partial, so it is never taken for a backup
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
