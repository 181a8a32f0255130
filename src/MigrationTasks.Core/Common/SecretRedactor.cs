using System.Collections.Concurrent;

namespace MigrationTasks.Common;

/// <summary>
/// Removes known secrets from text before it is logged, written to a report or put in an exception.
/// Secrets are registered as they become known (passwords, whole connection strings and URLs, also in their
/// URL-encoded form) and every line the tool emits passes through <see cref="Redact"/>.
/// </summary>
public sealed class SecretRedactor
{
    /// <summary>What a secret is replaced with. Fixed length, so the secret's length does not leak.</summary>
    public const string Mask = "***";

    private readonly ConcurrentDictionary<string, byte> _secrets = new(StringComparer.Ordinal);

    /// <summary>Registers a secret. Very short values are ignored: masking "a" everywhere would destroy the log.</summary>
    public void Register(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < 3)
        {
            return;
        }

        _secrets.TryAdd(secret, 0);
        _secrets.TryAdd(Uri.EscapeDataString(secret), 0);
    }

    /// <summary>The text with every registered secret replaced by <see cref="Mask"/>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text) || _secrets.IsEmpty)
        {
            return text ?? "";
        }

        // Longest first, so a whole connection string is masked before the password inside it.
        foreach (var secret in _secrets.Keys.OrderByDescending(s => s.Length))
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
