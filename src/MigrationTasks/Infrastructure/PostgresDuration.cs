using System.Globalization;
using System.Text.RegularExpressions;

namespace MigrationTasks.Tasks.Infrastructure;

/// <summary>Durations as PostgreSQL settings take them: a number and a unit (us, ms, s, min, h, d); no unit means milliseconds.</summary>
public static partial class PostgresDuration
{
    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>The value as given (empty = null), or MT0013 when PostgreSQL would not read it.</summary>
    public static string? Validate(string property, string? value)
    {
        _ = ToTimeSpan(property, value);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public static TimeSpan? ToTimeSpan(string property, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var match = Pattern().Match(value);
        if (!match.Success)
        {
            throw Errors.Errors.InvalidProperty(property, value, "a duration such as 500ms, 5s, 2min or 1h (0 means no limit)");
        }

        var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => TimeSpan.FromMicroseconds(number),
            "s" => TimeSpan.FromSeconds(number),
            "min" => TimeSpan.FromMinutes(number),
            "h" => TimeSpan.FromHours(number),
            "d" => TimeSpan.FromDays(number),
            _ => TimeSpan.FromMilliseconds(number),
        };
    }
}
