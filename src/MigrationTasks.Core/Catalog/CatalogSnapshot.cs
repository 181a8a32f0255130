using System.Text.Json;
using System.Text.Json.Serialization;
using MigrationTasks.Catalog.Model;

namespace MigrationTasks.Catalog;

/// <summary>
/// A catalog saved as JSON and read back, so a desired schema built from migration files once can be reused
/// by the next diff without starting a server (the file name carries a hash of what built it).
/// </summary>
public static class CatalogSnapshot
{
    /// <summary>Bumped whenever the catalog model changes, so old snapshots are not read.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task WriteAsync(DatabaseCatalog catalog, string path, CancellationToken cancellationToken)
    {
        var snapshot = new Snapshot(FormatVersion, catalog.Objects.Values.ToList(),
            catalog.Dependencies.ToDictionary(p => p.Key, p => p.Value.ToList()),
            new InfoSnapshot(catalog.Info.Database, catalog.Info.CurrentUser, catalog.Info.ServerVersion.ToString(), catalog.Info.QueryCount,
                catalog.Info.Duration.TotalMilliseconds, catalog.Info.BuiltInPrivileges.ToDictionary(p => p.Key.ToString(), p => p.Value.ToList())));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, snapshot, Options, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The catalog saved at <paramref name="path"/>, or null when the file is missing, unreadable or of another format.</summary>
    public static async Task<DatabaseCatalog?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            await using var stream = File.OpenRead(path);
            var snapshot = await JsonSerializer.DeserializeAsync<Snapshot>(stream, Options, cancellationToken).ConfigureAwait(false);
            if (snapshot is null || snapshot.Format != FormatVersion)
            {
                return null;
            }

            var info = new CatalogInfo(snapshot.Info.Database, snapshot.Info.CurrentUser, Version.Parse(snapshot.Info.ServerVersion), snapshot.Info.QueryCount,
                TimeSpan.FromMilliseconds(snapshot.Info.Milliseconds),
                snapshot.Info.BuiltInPrivileges.ToDictionary(p => p.Key[0], p => (IReadOnlyList<Privilege>)p.Value));
            return new DatabaseCatalog(snapshot.Objects, snapshot.Dependencies.ToDictionary(p => p.Key, p => (IReadOnlyList<Dependency>)p.Value, StringComparer.Ordinal), info);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Snapshot(int Format, List<CatalogObject> Objects, Dictionary<string, List<Dependency>> Dependencies, InfoSnapshot Info);

    private sealed record InfoSnapshot(string Database, string CurrentUser, string ServerVersion, int QueryCount, double Milliseconds, Dictionary<string, List<Privilege>> BuiltInPrivileges);
}
