using System.Globalization;
using MigrationTasks.Backup;
using MigrationTasks.Connections;
using MigrationTasks.Integrity;
using MigrationTasks.Migrations;
using MigrationTasks.Rehearsal;
using MigrationTasks.Servers;

namespace MigrationTasks.Release;

/// <summary>
/// Migrate's gate: the newest rehearsal receipt (or the one named) must have passed, come from a rehearsal of this
/// production (not the bundled sample), be younger than the allowed age, and match the migrations as they are now
/// (the migration-set hash) and production's schema as it is now (its fingerprint, computed as the rehearsal's was).
/// Each refusal is a coded error that says what to do.
/// </summary>
public static class ReceiptGate
{
    public static async Task<(RehearsalReceipt Receipt, string Path)> CheckAsync(string receiptOrFolder, DatabaseConnection production, MigrationSet migrations,
        TimeSpan maximumAge, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(production);
        ArgumentNullException.ThrowIfNull(migrations);
        var path = Find(receiptOrFolder);
        var receipt = RehearsalReceipt.Read(path);
        if (!receipt.Passed)
        {
            var failed = receipt.Steps.Where(s => s.Status == StepStatus.Failed).Select(s => s.Name).ToList();
            throw Errors.Errors.ReceiptNotPassed(path, failed.Count == 0 ? "a required step did not run" : "failed: " + string.Join(", ", failed));
        }

        if (receipt.Production.Sample)
        {
            throw Errors.Errors.ReceiptFromSample(path);
        }

        var age = now - receipt.CreatedUtc;
        if (age > maximumAge)
        {
            throw Errors.Errors.ReceiptTooOld(path, Describe(age), Describe(maximumAge));
        }

        var hash = MigrationSetHash.Compute(migrations);
        if (!string.Equals(hash, receipt.MigrationSet.Hash, StringComparison.Ordinal))
        {
            var current = migrations.Files.Select(f => f.FileName).ToHashSet(StringComparer.Ordinal);
            var then = receipt.MigrationSet.Files.ToHashSet(StringComparer.Ordinal);
            var changes = current.Except(then).Select(f => "added " + f).Concat(then.Except(current).Select(f => "removed " + f)).ToList();
            throw Errors.Errors.ReceiptForOtherMigrations(path, receipt.MigrationSet.Hash, hash, changes.Count == 0 ? "a file's content changed" : string.Join(", ", changes.Take(5)));
        }

        var mode = Enum.TryParse<SupabaseSchemaMode>(receipt.Production.SupabaseSchemas, ignoreCase: true, out var parsed) ? parsed : SupabaseSchemaMode.Cli;
        var fingerprint = await FingerprintAsync(production, mode, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(fingerprint, receipt.Production.SchemaFingerprint, StringComparison.Ordinal))
        {
            throw Errors.Errors.ReceiptForOtherProduction(path, receipt.Production.SchemaFingerprint, fingerprint);
        }

        return (receipt, path);
    }

    /// <summary>Production's schema fingerprint, over the schemas a backup in <paramref name="mode"/> covers.</summary>
    public static async Task<string> FingerprintAsync(DatabaseConnection production, SupabaseSchemaMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(production);
        await using var connection = await ServerInfo.OpenAsync(production.With(b => b.Pooling = false), cancellationToken).ConfigureAwait(false);
        return (await SchemaFingerprint.ComputeAsync(connection, SupabaseSchemas.Selection(mode), cancellationToken).ConfigureAwait(false)).Hash;
    }

    /// <summary>A receipt file, or the newest <c>&lt;timestamp&gt;/receipt.json</c> in a rehearsal folder.</summary>
    public static string Find(string receiptOrFolder)
    {
        if (File.Exists(receiptOrFolder))
        {
            return Path.GetFullPath(receiptOrFolder);
        }

        if (File.Exists(Path.Combine(receiptOrFolder, RehearsalReceipt.FileName)))
        {
            return Path.GetFullPath(Path.Combine(receiptOrFolder, RehearsalReceipt.FileName));
        }

        var newest = Directory.Exists(receiptOrFolder)
            ? Directory.EnumerateDirectories(receiptOrFolder).Where(d => File.Exists(Path.Combine(d, RehearsalReceipt.FileName)))
                .OrderByDescending(d => Path.GetFileName(d), StringComparer.Ordinal).FirstOrDefault()
            : null;
        return newest is null ? throw Errors.Errors.NoReceipt(receiptOrFolder) : Path.GetFullPath(Path.Combine(newest, RehearsalReceipt.FileName));
    }

    /// <summary>A duration as people read it: 90m, 26h, 3d.</summary>
    public static string Describe(TimeSpan span) => span.TotalHours < 2 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0}m")
        : span.TotalDays < 2 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#}h")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0.#}d");

    /// <summary>Parses 90m, 24h, 2d (MT0815 otherwise).</summary>
    public static TimeSpan ParseAge(string? value, TimeSpan fallback)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        var text = value.Trim().ToLowerInvariant();
        var unit = text[^1];
        if (double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number > 0)
        {
            switch (unit)
            {
                case 'm': return TimeSpan.FromMinutes(number);
                case 'h': return TimeSpan.FromHours(number);
                case 'd': return TimeSpan.FromDays(number);
            }
        }

        throw Errors.Errors.ReceiptMaxAgeInvalid(value);
    }
}
