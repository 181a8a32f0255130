using System.Security.Cryptography;
using System.Text;
using MigrationTasks.Migrations;

namespace MigrationTasks.Rehearsal;

/// <summary>
/// The identity of a migration set: sha256 over each file's version, name and content hash, in version order. A
/// receipt is only good for the exact files it rehearsed: any added, removed, renamed or edited file changes it.
/// </summary>
public static class MigrationSetHash
{
    public const string Algorithm = "sha256 of \"<version> <name> <sha256 of the file>\\n\" per file in version order";

    public static string Compute(MigrationSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var text = new StringBuilder();
        foreach (var file in set.Files)
        {
            text.Append(file.Version).Append(' ').Append(file.Name).Append(' ').Append(file.Sha256).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
