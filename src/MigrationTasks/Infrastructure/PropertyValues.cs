using System.Globalization;

namespace MigrationTasks.Tasks.Infrastructure;

/// <summary>Reads task properties given as text, with MT0013 naming the property and the accepted values.</summary>
internal static class PropertyValues
{
    /// <summary>One of <paramref name="choices"/> (case-insensitive); <paramref name="fallback"/> when empty.</summary>
    public static T Choice<T>(string property, string? value, T fallback, params (string Name, T Value)[] choices)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        foreach (var (name, choice) in choices)
        {
            if (string.Equals(name, value.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }

        throw Errors.Errors.InvalidProperty(property, value, string.Join(" or ", choices.Select(c => c.Name)));
    }

    /// <summary>A whole number in [<paramref name="minimum"/>, <paramref name="maximum"/>]; <paramref name="fallback"/> when empty.</summary>
    public static int Number(string property, string? value, int fallback, int minimum, int maximum)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= minimum && number <= maximum
            ? number
            : throw Errors.Errors.InvalidProperty(property, value, $"a whole number from {minimum} to {maximum}");
    }

    /// <summary>true or false; <paramref name="fallback"/> when empty.</summary>
    public static bool Flag(string property, string? value, bool fallback) =>
        Choice(property, value, fallback, ("true", true), ("false", false));

    /// <summary>The database a target works on: production or staging.</summary>
    public static string Database(string? value, string fallback) =>
        Choice("Database", value, fallback, ("production", "production"), ("staging", "staging"));
}
