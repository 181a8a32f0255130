using System.Globalization;
using System.Text.RegularExpressions;

namespace MigrationTasks.Migrations;

/// <summary>
/// Migration file names and versions, as the Supabase CLI defines them: <c>&lt;digits&gt;_&lt;name&gt;.sql</c>,
/// versions compared as text (the history's <c>ORDER BY version</c> on a text column), so a version that is a
/// prefix of another sorts first.
/// </summary>
public static partial class MigrationVersion
{
    /// <summary>The CLI's <c>migrateFilePattern</c>.</summary>
    [GeneratedRegex(@"^([0-9]+)_(.*)\.sql$", RegexOptions.CultureInvariant)]
    public static partial Regex FilePattern();

    /// <summary>The layout of generated versions: UTC yyyyMMddHHmmss, as <c>supabase migration new</c> writes them.</summary>
    public const string TimestampFormat = "yyyyMMddHHmmss";

    /// <summary>Orders versions as the history table does.</summary>
    public static int Compare(string left, string right) => string.CompareOrdinal(left, right);

    /// <summary>The 14-digit version for a moment.</summary>
    public static string FromTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>True for a non-empty string of ASCII digits.</summary>
    public static bool IsValid(string version) => version.Length > 0 && version.All(char.IsAsciiDigit);
}
