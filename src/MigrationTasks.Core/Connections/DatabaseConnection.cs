using MigrationTasks.Common;
using Npgsql;

namespace MigrationTasks.Connections;

/// <summary>
/// A PostgreSQL connection target, parsed from a <c>postgres://</c> URL or an Npgsql connection string.
/// It holds the password in memory only: <see cref="ToString"/> and <see cref="Describe"/> never show it,
/// and child processes receive it through their environment (<see cref="LibpqEnvironment"/>), never arguments.
/// </summary>
public sealed class DatabaseConnection
{
    private readonly NpgsqlConnectionStringBuilder _builder;

    private DatabaseConnection(NpgsqlConnectionStringBuilder builder, string? original)
    {
        _builder = builder;
        Original = original;
    }

    /// <summary>The text this connection was parsed from (a secret as a whole), or null when built in code.</summary>
    internal string? Original { get; }

    public string Host => _builder.Host ?? "localhost";

    public int Port => _builder.Port;

    public string Database => _builder.Database ?? Username;

    public string Username => _builder.Username ?? Environment.UserName;

    public string? Password => _builder.Password;

    /// <summary>The Npgsql connection string, password included: hand it to Npgsql, never to a log.</summary>
    public string ConnectionString => _builder.ConnectionString;

    /// <summary>The connection string with the password masked.</summary>
    public string Redacted
    {
        get
        {
            var copy = new NpgsqlConnectionStringBuilder(_builder.ConnectionString);
            if (copy.Password is not null)
            {
                copy.Password = SecretRedactor.Mask;
            }

            return copy.ConnectionString;
        }
    }

    /// <summary>A short, secret-free description such as <c>postgres@127.0.0.1:5432/app</c>.</summary>
    public string Describe() => $"{Username}@{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}/{Database}";

    public override string ToString() => Describe();

    /// <summary>Parses a URL or connection string. <paramref name="source"/> names where it came from, for errors.</summary>
    public static DatabaseConnection Parse(string value, string source)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            throw Errors.Errors.InvalidConnection(source, "it is empty");
        }

        var builder = trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            ? ParseUrl(trimmed, source)
            : ParseConnectionString(trimmed, source);
        return new DatabaseConnection(builder, value);
    }

    /// <summary>Builds a connection in code (for servers the tool starts itself).</summary>
    public static DatabaseConnection Create(string host, int port, string username, string? password, string database)
    {
        var builder = new NpgsqlConnectionStringBuilder { Host = host, Port = port, Username = username, Password = password, Database = database };
        return new DatabaseConnection(builder, null);
    }

    /// <summary>The same server and credentials, another database.</summary>
    public DatabaseConnection WithDatabase(string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(_builder.ConnectionString) { Database = database };
        return new DatabaseConnection(builder, null);
    }

    /// <summary>The same target with extra Npgsql settings (for example no pooling for a one-shot connection).</summary>
    public DatabaseConnection With(Action<NpgsqlConnectionStringBuilder> change)
    {
        var builder = new NpgsqlConnectionStringBuilder(_builder.ConnectionString);
        change(builder);
        return new DatabaseConnection(builder, null);
    }

    /// <summary>Registers everything secret about this connection with a redactor.</summary>
    public void RegisterSecrets(SecretRedactor redactor)
    {
        redactor.Register(Password);
        redactor.Register(Original);
        redactor.Register(ConnectionString);
    }

    /// <summary>
    /// The libpq environment for a child process (pg_dump, psql, ...): PGHOST, PGPORT, PGUSER, PGDATABASE,
    /// PGPASSWORD and the SSL settings. The password travels in the environment, never in arguments.
    /// </summary>
    public IReadOnlyDictionary<string, string?> LibpqEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PGHOST"] = Host,
            ["PGPORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = Username,
            ["PGDATABASE"] = Database,
            ["PGPASSWORD"] = Password,
            ["PGSSLMODE"] = _builder.SslMode switch
            {
                SslMode.Disable => "disable",
                SslMode.Allow => "allow",
                SslMode.Require => "require",
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                _ => "prefer",
            },
            ["PGCONNECT_TIMEOUT"] = _builder.Timeout.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Never let a user's service file or passfile override what we were given.
            ["PGSERVICEFILE"] = null,
            ["PGSERVICE"] = null,
        };
        if (!string.IsNullOrEmpty(_builder.ApplicationName))
        {
            environment["PGAPPNAME"] = _builder.ApplicationName;
        }

        if (!string.IsNullOrEmpty(_builder.Options))
        {
            environment["PGOPTIONS"] = _builder.Options;
        }

        if (!string.IsNullOrEmpty(_builder.RootCertificate))
        {
            environment["PGSSLROOTCERT"] = _builder.RootCertificate;
        }

        return environment;
    }

    private static NpgsqlConnectionStringBuilder ParseConnectionString(string value, string source)
    {
        if (!value.Contains('=', StringComparison.Ordinal))
        {
            throw Errors.Errors.InvalidConnection(source, "it is neither a postgres:// URL nor a list of key=value pairs");
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            if (string.IsNullOrEmpty(builder.Host))
            {
                throw Errors.Errors.InvalidConnection(source, "it has no Host");
            }

            return builder;
        }
        catch (ArgumentException exception)
        {
            // Npgsql names the offending keyword, not the value; still, never echo the input.
            throw Errors.Errors.InvalidConnection(source, KeywordOnly(exception.Message));
        }
    }

    private static string KeywordOnly(string message)
    {
        var quote = message.IndexOf('\'', StringComparison.Ordinal);
        var end = quote >= 0 ? message.IndexOf('\'', quote + 1) : -1;
        return quote >= 0 && end > quote ? $"unknown or invalid setting {message[quote..(end + 1)]}" : "a setting is invalid";
    }

    /// <summary>Parses libpq's URI form: postgres[ql]://[user[:password]@][host][:port][/dbname][?param=value&amp;...].</summary>
    private static NpgsqlConnectionStringBuilder ParseUrl(string url, string source)
    {
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        string? query = null;
        var questionMark = rest.IndexOf('?', StringComparison.Ordinal);
        if (questionMark >= 0)
        {
            query = rest[(questionMark + 1)..];
            rest = rest[..questionMark];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash >= 0 ? rest[..slash] : rest;
        var path = slash >= 0 ? rest[(slash + 1)..] : "";

        var builder = new NpgsqlConnectionStringBuilder();
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Decode(colon >= 0 ? userInfo[..colon] : userInfo, source, "user name");
            if (colon >= 0)
            {
                builder.Password = Decode(userInfo[(colon + 1)..], source, "password");
            }
        }

        var (host, port) = SplitHostPort(authority, source);
        builder.Host = host.Length == 0 ? "localhost" : host;
        builder.Port = port ?? 5432;
        if (path.Length > 0)
        {
            builder.Database = Decode(path, source, "database name");
        }

        if (query is not null)
        {
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var key = Decode(equals >= 0 ? pair[..equals] : pair, source, "parameter name");
                var value = equals >= 0 ? Decode(pair[(equals + 1)..], source, $"parameter {key}") : "";
                ApplyUrlParameter(builder, key, value, source);
            }
        }

        return builder;
    }

    private static (string Host, int? Port) SplitHostPort(string authority, string source)
    {
        if (authority.Contains(',', StringComparison.Ordinal))
        {
            throw Errors.Errors.InvalidConnection(source, "several hosts in one URL are not supported; give one host");
        }

        string host;
        string? portText = null;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Errors.Errors.InvalidConnection(source, "an IPv6 host is missing its closing ']'");
            }

            host = authority[1..close];
            if (close + 1 < authority.Length && authority[close + 1] == ':')
            {
                portText = authority[(close + 2)..];
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon >= 0 ? authority[..colon] : authority;
            portText = colon >= 0 ? authority[(colon + 1)..] : null;
        }

        if (string.IsNullOrEmpty(portText))
        {
            return (Uri.UnescapeDataString(host), null);
        }

        if (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw Errors.Errors.InvalidConnection(source, "the port is not a number between 1 and 65535");
        }

        return (Uri.UnescapeDataString(host), port);
    }

    private static void ApplyUrlParameter(NpgsqlConnectionStringBuilder builder, string key, string value, string source)
    {
        switch (key)
        {
            case "sslmode":
                builder.SslMode = value switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw Errors.Errors.InvalidConnection(source, "sslmode must be disable, allow, prefer, require, verify-ca or verify-full"),
                };
                break;
            case "connect_timeout":
                builder.Timeout = ParseSeconds(value, source, key);
                break;
            case "application_name":
                builder.ApplicationName = value;
                break;
            case "options":
                builder.Options = value;
                break;
            case "sslrootcert":
                builder.RootCertificate = value;
                break;
            case "sslcert":
                builder.SslCertificate = value;
                break;
            case "sslkey":
                builder.SslKey = value;
                break;
            case "user":
                builder.Username = value;
                break;
            case "password":
                builder.Password = value;
                break;
            case "dbname":
                builder.Database = value;
                break;
            case "host":
                builder.Host = value;
                break;
            case "port":
                builder.Port = ParseSeconds(value, source, key);
                break;
            case "target_session_attrs":
                builder.TargetSessionAttributes = value;
                break;
            default:
                throw Errors.Errors.InvalidConnection(source, $"the URL parameter '{key}' is not supported");
        }
    }

    private static int ParseSeconds(string value, string source, string key) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Errors.Errors.InvalidConnection(source, $"the URL parameter '{key}' is not a whole number");

    private static string Decode(string text, string source, string what)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            throw Errors.Errors.InvalidConnection(source, $"the {what} is not valid percent-encoding");
        }
    }
}
