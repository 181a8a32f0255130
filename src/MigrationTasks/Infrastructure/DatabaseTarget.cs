namespace MigrationTasks.Tasks.Infrastructure;

/// <summary>The -p:Database values: which database a task works on.</summary>
public static class DatabaseTarget
{
    public const string Ephemeral = "ephemeral";
    public const string Staging = "staging";
    public const string Production = "production";

    /// <summary>The normalised target; empty means <see cref="Ephemeral"/>; anything else is MT0013.</summary>
    public static string Parse(string? value, bool allowEphemeral = true)
    {
        var target = string.IsNullOrWhiteSpace(value) ? Ephemeral : value.Trim().ToLowerInvariant();
        return target switch
        {
            Staging or Production => target,
            Ephemeral when allowEphemeral => target,
            _ => throw Errors.Errors.InvalidProperty("Database", value ?? "", allowEphemeral ? "staging, production or ephemeral (the default)" : "staging or production"),
        };
    }
}
