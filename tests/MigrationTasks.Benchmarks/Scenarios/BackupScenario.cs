using System.Globalization;
using MigrationTasks.Backup;
using MigrationTasks.Common;
using MigrationTasks.Connections;
using MigrationTasks.Sample;
using MigrationTasks.Servers;
using MigrationTasks.Sql;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// Backup, restore and clone (with everything they verify) against what a person would run by hand in the same
/// run: <c>pg_dump -Fd -j2</c>, <c>pg_restore -j2</c>, and the two in a row, with the same jobs on the same server, on the
/// sample production at each scale (scale 100 and above: three runs per side at most, without warm-up). <c>compare</c>
/// measures scale 10; scale 100 (about 10 million rows, 2.2 GB) takes a quarter of an hour on 2 cores, more than the
/// compare budget allows, so it is an option: <c>backup --scales 100</c> (add <c>--runs 1</c> for one run per side).
/// </summary>
public sealed class BackupScenario : IBenchmarkScenario
{
    private const int Jobs = 2;

    public string Name => "backup";

    public IReadOnlyList<int> DefaultScales => [10];

    public string? OnRequest => "backup --scales 100";

    public string Description => "Backup / Restore / Clone vs pg_dump -Fd -j2, pg_restore -j2, both by hand";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var server = context.Server;
        if (server.Binaries is not { HasClient: true } clients)
        {
            Console.WriteLine("backup | not run (no local pg_dump / pg_restore)");
            return;
        }

        var work = Path.Combine(Path.GetTempPath(), $"migrationtasks-bench-backup-{Environment.ProcessId}");
        try
        {
            foreach (var scale in context.Scales)
            {
                var source = await BenchmarkSource.CreateAsync(server, scale, cancellationToken);
                var large = scale >= 100;
                int? runs = large ? Math.Min(3, context.Runs) : null;
                var warmUp = !large;
                var size = await ScalarAsync<long>(source, "SELECT pg_database_size(current_database())", cancellationToken);
                var rows = await ScalarAsync<long>(source, "SELECT sum(n_live_tup)::bigint FROM pg_stat_user_tables", cancellationToken);
                var what = string.Create(CultureInfo.InvariantCulture, $"scale {scale} ({size / (1024.0 * 1024):0} MB, {rows:N0} rows)");
                var target = server.Connection.WithDatabase($"bench_backup_target_{scale}");
                var backupOptions = new BackupOptions { Root = Path.Combine(work, "ours"), Label = "production", Jobs = Jobs, BinDirectory = clients.BinDirectory };
                var restoreOptions = new RestoreOptions { ReportDirectory = Path.Combine(work, "reports"), Jobs = Jobs, BinDirectory = clients.BinDirectory };
                var byHand = Path.Combine(work, "by-hand");

                // Backup: ours (dump + census + roles + hashing + verification) against pg_dump alone.
                var (oursBackup, baseBackup) = await context.MeasureAsync(
                    async () => await DatabaseBackup.CreateAsync(source, backupOptions, NullEngineLog.Instance, cancellationToken),
                    () => PgDumpAsync(clients, source, byHand, cancellationToken),
                    () => ResetFoldersAsync(work), runs, warmUp);
                context.Report($"backup: {what}", oursBackup, "pg_dump -Fd -j2", baseBackup);

                // Restore: ours (verification, roles, pg_restore, fingerprint + counts + checksums) against pg_restore alone.
                await ResetFoldersAsync(work);
                var backup = await DatabaseBackup.CreateAsync(source, backupOptions, NullEngineLog.Instance, cancellationToken);
                await PgDumpAsync(clients, source, byHand, cancellationToken);
                var (oursRestore, baseRestore) = await context.MeasureAsync(
                    async () => await DatabaseRestore.RestoreAsync(backup.Folder, target, restoreOptions, NullEngineLog.Instance, cancellationToken),
                    () => PgRestoreAsync(clients, target, byHand, cancellationToken),
                    () => RecreateAsync(server, target.Database, cancellationToken), runs, warmUp);
                context.Report($"restore: {what}", oursRestore, "pg_restore -j2", baseRestore);

                // Clone: ours (backup + restore + fidelity checks) against pg_dump then pg_restore.
                var (oursClone, baseClone) = await context.MeasureAsync(
                    async () => await DatabaseClone.CloneAsync(source, target, new CloneOptions { Backup = backupOptions, Restore = restoreOptions }, NullEngineLog.Instance, cancellationToken),
                    async () =>
                    {
                        await PgDumpAsync(clients, source, byHand, cancellationToken);
                        await PgRestoreAsync(clients, target, byHand, cancellationToken);
                    },
                    async () =>
                    {
                        await ResetFoldersAsync(work);
                        await RecreateAsync(server, target.Database, cancellationToken);
                    }, runs, warmUp);
                context.Report($"clone: {what}", oursClone, "pg_dump -Fd -j2 + pg_restore -j2", baseClone);

                await DropAsync(server, target.Database, cancellationToken);
                await DropAsync(server, source.Database, cancellationToken);
            }
        }
        finally
        {
            await ResetFoldersAsync(work);
        }
    }

    private static async Task PgDumpAsync(PostgresInstallation clients, DatabaseConnection source, string folder, CancellationToken cancellationToken)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        await PostgresTool.RunAsync(clients, "pg_dump", source, ["-Fd", $"-j{Jobs}", "-f", folder], cancellationToken);
    }

    private static Task PgRestoreAsync(PostgresInstallation clients, DatabaseConnection target, string folder, CancellationToken cancellationToken) =>
        PostgresTool.RunAsync(clients, "pg_restore", target, [$"-j{Jobs}", "-d", target.Database, folder], cancellationToken);

    private static Task ResetFoldersAsync(string work)
    {
        foreach (var folder in new[] { "ours", "reports", "by-hand" }.Select(f => Path.Combine(work, f)).Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static async Task RecreateAsync(IPostgresServer server, string database, CancellationToken cancellationToken)
    {
        await DropAsync(server, database, cancellationToken);
        await ExecuteAsync(server.Connection, $"CREATE DATABASE {SqlQuote.Identifier(database)}", cancellationToken);
    }

    private static Task DropAsync(IPostgresServer server, string database, CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        return ExecuteAsync(server.Connection, $"DROP DATABASE IF EXISTS {SqlQuote.Identifier(database)} WITH (FORCE)", cancellationToken);
    }

    private static async Task ExecuteAsync(DatabaseConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var session = new NpgsqlConnection(connection.ConnectionString);
        await session.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, session) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(DatabaseConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var session = new NpgsqlConnection(connection.ConnectionString);
        await session.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, session);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}

/// <summary>The bundled sample production at a scale (supabase/sample/production.sql, seed 42), in a database of its own.</summary>
internal static class BenchmarkSource
{
    public static async Task<DatabaseConnection> CreateAsync(IPostgresServer server, int scale, CancellationToken cancellationToken)
    {
        var name = $"bench_backup_source_{scale}";
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(server.Connection.ConnectionString))
        {
            await admin.OpenAsync(cancellationToken);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {SqlQuote.Identifier(name)} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlQuote.Identifier(name)}", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var connection = server.Connection.WithDatabase(name);
        await SampleProduction.BuildAsync(server.Binaries, connection, Path.Combine(BenchmarkContext.RepositoryRoot, "supabase"), scale, SampleProduction.DefaultSeed,
            NullEngineLog.Instance, cancellationToken);
        return connection;
    }
}
