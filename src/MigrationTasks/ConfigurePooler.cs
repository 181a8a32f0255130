using System.Globalization;
using Microsoft.Build.Framework;
using MigrationTasks.Pooler;
using MigrationTasks.Tasks.Infrastructure;

namespace MigrationTasks.Tasks;

/// <summary>
/// <c>-t:ConfigurePooler -p:PoolerMaxConnections=60 -p:PoolerReservedConnections=15 -p:PoolerConcurrentRequests=200</c>:
/// computes the transaction-mode pool size (<see cref="PoolSizing"/>) and writes <c>[db.pooler]</c> of
/// supabase/config.toml (enabled, port, pool_mode = "transaction", default_pool_size, max_client_conn), leaving the
/// rest of the file, comments included, byte for byte as it was.
/// </summary>
public sealed class ConfigurePooler : MigrationTask
{
    [Required]
    public string ConfigFile { get; set; } = "";

    /// <summary>The plan's max_connections.</summary>
    public string? PoolerMaxConnections { get; set; }

    /// <summary>Server connections kept out of the pool (Supabase's services, direct connections, superuser slots).</summary>
    public string? PoolerReservedConnections { get; set; }

    /// <summary>The most requests the application runs against the database at once.</summary>
    public string? PoolerConcurrentRequests { get; set; }

    /// <summary>The pooler's port; empty keeps the file's (or 54329, the Supabase CLI's default).</summary>
    public string? PoolerPort { get; set; }

    [Output]
    public int DefaultPoolSize { get; private set; }

    [Output]
    public int MaxClientConnections { get; private set; }

    protected override Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var settings = new PoolSettings(
            Required(nameof(PoolerMaxConnections), PoolerMaxConnections, "the plan's max_connections (Supabase Micro 60, Small 90, Medium 120, Large 160)"),
            Required(nameof(PoolerReservedConnections), PoolerReservedConnections, "the server connections to keep out of the pool (Supabase's services, direct connections for migrations and backups)"),
            Required(nameof(PoolerConcurrentRequests), PoolerConcurrentRequests, "the most requests the application runs against the database at once"));
        var size = PoolSizing.Compute(settings);
        if (!File.Exists(ConfigFile))
        {
            throw Errors.Errors.ConfigTomlNotFound(ConfigFile);
        }

        var port = string.IsNullOrWhiteSpace(PoolerPort)
            ? PoolerConfig.ReadPort(ConfigFile) ?? PoolerSection.DefaultPort
            : int.TryParse(PoolerPort.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var given) && given is >= 1 and <= 65535
                ? given
                : throw Errors.Errors.InvalidProperty(nameof(PoolerPort), PoolerPort, "a port number from 1 to 65535");

        var changed = PoolerConfig.Write(ConfigFile, new PoolerSection(Enabled: true, port, "transaction", size.DefaultPoolSize, size.MaxClientConnections));
        DefaultPoolSize = size.DefaultPoolSize;
        MaxClientConnections = size.MaxClientConnections;
        EngineLog.Info($"Pool size: {size.Explanation}.");
        EngineLog.Info(changed
            ? $"Wrote [db.pooler] of {ConfigFile}: enabled = true, port = {port}, pool_mode = \"transaction\", default_pool_size = {size.DefaultPoolSize}, max_client_conn = {size.MaxClientConnections}."
            : $"{ConfigFile} already has exactly these [db.pooler] settings; nothing changed.");
        if (settings.ConcurrentRequests > size.DefaultPoolSize)
        {
            EngineLog.Info($"At the peak, {settings.ConcurrentRequests - size.DefaultPoolSize} of {settings.ConcurrentRequests} concurrent requests wait in the pooler's queue for a server connection; a larger plan (max_connections) or fewer reserved connections shortens the wait.");
        }

        return Task.CompletedTask;
    }

    private static int Required(string property, string? value, string meaning)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Errors.Errors.PoolSettingMissing(property, meaning);
        }

        return int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Errors.Errors.InvalidProperty(property, value, "a whole number");
    }
}
